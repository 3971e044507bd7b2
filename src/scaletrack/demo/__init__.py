"""The demo: a realistic, synthetic, deterministic store, recorded through the same
commands and handlers as every other write. Nothing in the application imports it."""
