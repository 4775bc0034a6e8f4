"""Placeholder (being written)."""


def install(app) -> None:
    return None
