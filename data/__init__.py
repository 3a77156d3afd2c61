"""Flowdeck's data layer: records, store, config, connectors, sync and metrics. No Qt here."""
