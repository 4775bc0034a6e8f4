"""The files of a knowledge-base folder: which hold data, which are documentation, and a digest.

Kept apart from the loader (and free of pydantic and YAML) so that opening the store can
tell whether the built-in data changed since it was loaded without parsing it.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

#: Sub-folders of a knowledge-base folder (their schemas are in :mod:`panmun.kb.loader`).
SECTION_NAMES: tuple[str, ...] = ("agreements", "implementation", "events", "actors", "rules",
                                  "measures", "issues", "steps", "sources")
#: Files a folder may hold that are documentation, not data (reported, never loaded).
DOC_FILES = {"README.md", "README.txt", "LICENSE", "LICENSE.txt", "SOURCE.txt"}


def builtin_root() -> Path:
    """The folder of the built-in knowledge base inside the installed package."""
    return Path(str(resources.files("panmun.kb").joinpath("data")))


def kind_of(rel: Path) -> str:
    """``doc``, ``data`` or ``unknown`` for a path relative to the folder's root."""
    if len(rel.parts) == 1 and rel.name in DOC_FILES:
        return "doc"
    if len(rel.parts) == 2 and rel.parts[0] in SECTION_NAMES and rel.suffix in (".yaml", ".yml"):
        return "data"
    return "unknown"


def folder_files(root: Path) -> list[tuple[Path, Path, str]]:
    """Every file under ``root`` in sorted order, as (path, path relative to root, kind)."""
    root = Path(root)
    return [(p, p.relative_to(root), kind_of(p.relative_to(root)))
            for p in sorted(q for q in root.rglob("*") if q.is_file())]


def digest_update(digest, rel: Path, content: bytes) -> None:
    """Add one data file to a running sha256 digest of a folder."""
    digest.update(str(rel).encode() + b"\0" + content)


def folder_digest(root: Path) -> str:
    """The sha256 digest of a folder's data files (the one :func:`read_folder` records)."""
    digest = hashlib.sha256()
    for path, rel, kind in folder_files(root):
        if kind == "data":
            digest_update(digest, rel, path.read_bytes())
    return digest.hexdigest()
