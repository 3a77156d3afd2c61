"""The report: figures for a window, weekly trends, drill-down rows, and their result types."""
