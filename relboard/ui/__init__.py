"""The Textual board: app, one module per pane, modal screens, palette providers."""
