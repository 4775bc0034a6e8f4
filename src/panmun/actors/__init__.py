"""Neighbours and the international community: positions, leverage, bargaining models. Empty until issue 6."""
