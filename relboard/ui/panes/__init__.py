"""The board's four panes; each reads the window state and reports what the user picked."""
