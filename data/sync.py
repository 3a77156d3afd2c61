"""The sync engine (being written): runs a connector's streams into the store, page by page."""
