"""GitHub (github.com and Enterprise Server): the connector and one module per stream."""
