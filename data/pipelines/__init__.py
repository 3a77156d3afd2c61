"""Live pipeline status (METRICS.md section 4): state, order, loading, result types."""
