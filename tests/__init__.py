"""Flowdeck's test suite."""
