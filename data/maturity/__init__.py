"""The CAICT-style continuous-delivery maturity view and its result types."""
