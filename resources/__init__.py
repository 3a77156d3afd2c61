"""Icons, themes, translations and the default stream config, shipped with the app."""
