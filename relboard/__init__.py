"""relboard: a terminal board for running a release or upgrade maintenance window."""

__version__ = "0.1.0"
