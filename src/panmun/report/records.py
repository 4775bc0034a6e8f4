"""Korean versions of record fields, read defensively from the store.

The knowledge base gains Korean fields over time (agreement ``title_ko``, provision
``title_ko``, ...); a store made before a field existed has no such column, and a record
may leave it empty. These helpers return what there is, and nothing otherwise.
"""

from __future__ import annotations

from panmun.store.db import Store


def korean_column(store: Store, table: str, column: str, key: str = "id") -> dict[str, str]:
    """``key`` -> non-empty ``column`` of ``table`` ({} when the column does not exist)."""
    if column not in set(store.query(f"SELECT * FROM {table} LIMIT 0").columns):
        return {}
    rows = store.query(f"SELECT {key} AS k, {column} AS v FROM {table} WHERE {column} IS NOT NULL")
    return {k: v for k, v in zip(rows["k"], rows["v"], strict=True) if isinstance(v, str) and v.strip()}


def provision_titles_ko(store: Store) -> dict[str, str]:
    """Provision id -> Korean title, where the store has one."""
    return korean_column(store, "provisions", "title_ko")


def agreement_titles_ko(store: Store) -> dict[str, str]:
    """Agreement id -> Korean title, where the store has one."""
    return korean_column(store, "agreements", "title_ko")
