"""Store -> per-item numpy arrays for the metrics, cached and refreshed incrementally."""
