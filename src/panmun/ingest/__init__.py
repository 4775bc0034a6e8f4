"""Readers for external event datasets (GDELT, ICEWS, POLECAT, ACLED, CNS missile tests,
plain CSV); see docs/ingest.md."""
