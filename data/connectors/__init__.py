"""One connector per source system, on one shared HTTP layer (``http.py``)."""
