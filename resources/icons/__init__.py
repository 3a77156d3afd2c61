"""SVG icons shipped with the app (the app icon is flowdeck.svg)."""
