"""Fakes for tests: HTTP servers on 127.0.0.1 that replay recorded payloads and inject faults."""
