"""The command groups of ``millplan`` (:mod:`millplan.cli` builds the root app from them), one module a subject."""
