"""The plan-vs-actual pane and the parts it is composed of (one per file)."""
