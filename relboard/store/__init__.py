"""Files: plan loading with positioned errors, the state journal, its lock, and following it."""
