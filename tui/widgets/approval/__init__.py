"""The Approval pane and the widgets it is composed of (one per file)."""
