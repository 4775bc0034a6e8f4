"""Sequenced, reciprocal next steps found with a constraint solver. Empty until issue 7."""
