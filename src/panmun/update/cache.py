"""The download cache: one folder per source, kept within a size limit after every run.

Completed files go first, oldest first (by modification time); partial downloads
(``.part``) go last, since they let an interrupted download resume. Index files are
fetched afresh on every run and count like any other file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MIB = 1 << 20


@dataclass(frozen=True)
class Pruned:
    """What pruning did."""

    removed: int        # files removed
    freed: int          # bytes freed
    kept: int           # bytes left in the cache


def cache_size(folder: Path) -> int:
    """Bytes held in the cache folder."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def prune(folder: Path, max_mb: int) -> Pruned:
    """Remove files until the cache holds at most ``max_mb`` MiB."""
    if not folder.is_dir():
        return Pruned(0, 0, 0)
    files = [p for p in folder.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    limit = max_mb * MIB
    order = sorted(files, key=lambda p: (p.name.endswith(".part"), p.stat().st_mtime, str(p)))
    removed = freed = 0
    for path in order:
        if total <= limit:
            break
        size = path.stat().st_size
        path.unlink(missing_ok=True)
        total -= size
        freed += size
        removed += 1
    return Pruned(removed, freed, total)

