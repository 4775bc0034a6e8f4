"""Persistence: the DuckDB store, its migrations, loading the knowledge base, the audit log.

Knows nothing of the analyses above it.
"""
