"""The built-in knowledge base: typed schemas, the curated sourced data, its loader and validator.

This is the lowest layer: it imports nothing else from panmun but :mod:`panmun.errors`.
"""
