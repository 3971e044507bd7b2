"""Commands and queries over the event store (load -> command -> save)."""
