"""One connector per source system, on one shared HTTP layer (``http/``); no sync, no store."""
