"""Jenkins: the connector and the pure payload parser."""
