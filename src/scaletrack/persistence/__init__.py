"""The store's adapters: eventsourcing's recorders, extended with the audit chain.

``scaletrack.persistence.sqlite`` and ``scaletrack.persistence.postgres`` are
the persistence modules a store URL selects (``PERSISTENCE_MODULE``, as
eventsourcing's own examples extend its recorders). Their recorders write
each event's chain link (:mod:`scaletrack.persistence.chain_table`) in the
transaction that inserts the event, and keep recorded-at in store order
(:mod:`scaletrack.persistence.recorded_at`); their snapshot recorders seal
each snapshot to the chain, and the snapshot store hands out only snapshots
the chain covers (:mod:`scaletrack.persistence.snapshots`).
"""
