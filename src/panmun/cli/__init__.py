"""The ``panmun`` command: one module per command group, each a thin wrapper over the API."""
