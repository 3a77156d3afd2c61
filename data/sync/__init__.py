"""Running connectors into the store: one sync, the sync --watch service, live polling."""
