"""The pure model: aggregates, their events, value objects and rule errors.

Imports only the standard library, pydantic and ``eventsourcing.domain``.
"""
