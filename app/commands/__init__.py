"""Subcommands of ``flowdeck``: one module each, with ``add_parser`` and ``run``."""
