"""Neighbours and the international community: positions, leverage, bargaining models (docs/actors.md)."""
