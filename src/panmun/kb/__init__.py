"""The built-in knowledge base: typed schemas, the curated sourced data, its loader and validator.

This is the lowest layer: it imports nothing else from panmun but the base modules
:mod:`panmun.errors` and :mod:`panmun._version`.
"""
