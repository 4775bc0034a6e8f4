"""Lazy public namespaces (PEP 562): a package lists its public names and the modules that
define them, and each module is imported on first use, so that ``import panmun`` and the
command line stay light.

    __getattr__, __dir__, __all__ = attach(__name__, {"ensemble": "runs:run_ensemble", ...})

A value is ``"module"`` (the name is defined there under the same name) or
``"module:attribute"`` (defined there under another name); modules are relative to the
package.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any


def attach(package: str,
           names: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """``(__getattr__, __dir__, __all__)`` for ``package`` exporting ``names`` lazily."""
    public = sorted(names)

    def __getattr__(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attribute = names[name].partition(":")
        value = getattr(importlib.import_module(f"{package}.{module}"), attribute or name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return public

    return __getattr__, __dir__, public
