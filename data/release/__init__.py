"""The release report: what one production deployment carried, and its result types."""
