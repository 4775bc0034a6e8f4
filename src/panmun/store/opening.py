"""Open the store for use: connect, bring its schema up to date, load the built-in knowledge base.

:func:`open_store` sits above :mod:`panmun.store.db` (the connection, the schema) and
:mod:`panmun.store.load` (writing knowledge-base records, which needs the connection), so
that neither of those imports the other in a circle.
"""

from __future__ import annotations

from pathlib import Path

from panmun.store.db import Store, connect
from panmun.store.load import ensure_builtin


def open_store(path: Path | str | None = None, *, load_builtin: bool = True) -> Store:
    """Open the store, migrating it and loading the built-in knowledge base on first use."""
    store = connect(path)
    if load_builtin:
        ensure_builtin(store)
    return store
