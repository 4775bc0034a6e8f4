"""Confidence-building measures and the incident-escalation risk model (docs/armscontrol.md)."""
