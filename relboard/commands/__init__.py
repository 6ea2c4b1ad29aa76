"""One module per command; each exposes `run(args) -> int` and imports only what it needs."""
