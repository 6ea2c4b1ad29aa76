"""The team hub: a window shared live across machines through NATS JetStream (see DESIGN.md, "Hub").

Nothing here imports Textual; the commands import it only when a hub is configured."""
