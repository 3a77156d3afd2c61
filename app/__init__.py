"""Flowdeck's composition root: the CLI, the windows, the controller and its workers."""
