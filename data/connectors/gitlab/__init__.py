"""GitLab (gitlab.com and self-managed): the connector and one module per stream."""
