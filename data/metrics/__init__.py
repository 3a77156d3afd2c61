"""The metrics of METRICS.md as pure functions over records and arrays."""
