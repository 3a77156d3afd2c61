"""Jira Cloud and Data Center: the connector and the pure payload parser."""
