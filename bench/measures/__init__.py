"""One module per figure; each has ``measure(ctx) -> list[Figure]``, and its timed
operations as plain functions that ``bench.worker`` runs in a process of their own."""
