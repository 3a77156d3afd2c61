"""The user's flowdeck.toml: the frozen model, parsing with every field validated, and editing."""
