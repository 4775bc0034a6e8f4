"""Confidence-building measures and the incident-escalation risk model. Empty until issue 5."""
