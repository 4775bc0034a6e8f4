"""REST API and dashboard. Empty until issue 8."""
