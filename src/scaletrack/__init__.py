"""scaletrack: an event-sourced tracker for pilots that scale social innovations."""

__version__ = "0.1.0"
