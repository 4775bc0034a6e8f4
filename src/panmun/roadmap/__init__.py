"""Sequenced, reciprocal next steps found with a constraint solver (docs/roadmap.md)."""
