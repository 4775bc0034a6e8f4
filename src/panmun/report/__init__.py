"""The briefing: a self-contained HTML (and PDF) report with charts, built from the API."""
