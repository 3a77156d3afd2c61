"""Qt style sheets: light, dark and the wall's high-contrast theme."""
