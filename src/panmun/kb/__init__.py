"""The built-in knowledge base: typed schemas, the curated sourced data, its loader and validator.

This is the lowest layer of the data: besides its own modules it imports only the base modules
of layer 0 (:mod:`panmun.errors`, :mod:`panmun._version`, :mod:`panmun.codes`,
:mod:`panmun.identifiers` and :mod:`panmun.months`).
"""
