"""The three-vector dynamic model (denuclearization, peace regime, arms control). Empty until issue 4."""
