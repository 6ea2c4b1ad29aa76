"""The heart of relboard: plan, events, state, clock, rollback, lookup and notices.

Pure Python and pydantic only: no Textual, no HTTP, no file I/O (enforced by import-linter).
"""
