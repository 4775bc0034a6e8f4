"""Where a source's files come from in one run: the network, a mirror, or a folder.

* ``network``: the source's public address (or the one the configuration file gives);
* ``mirror``: an organisation's internal mirror that holds the same files under the same
  names (``--mirror URL``);
* ``folder``: files carried in on removable media (``--from-dir DIR``), found anywhere under
  the folder by their published names, checked against the index files carried with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from panmun.errors import InputError
from panmun.update.config import Settings, scrub
from panmun.update.download import NotPublished, Unreachable, download
from panmun.update.errors import OfflineError
from panmun.update.sources import SOURCES, Source

MODES = ("network", "mirror", "folder")


@dataclass(frozen=True)
class Access:
    """How one source is read in this run."""

    source: Source
    mode: str                       # network, mirror or folder
    base: str | None                # network and mirror: the address files are read from, ending in /
    folder: Path | None = None      # folder: the folder given
    files: dict[str, Path] = field(default_factory=dict)   # folder: its files, by name
    cache: Path = Path(".")         # network and mirror: where downloads go
    timeout: float = 60.0
    settings: Settings = field(default_factory=Settings)

    @property
    def where(self) -> str:
        """The address or folder read, as it may be shown and recorded (no secrets, no user or password)."""
        if self.mode == "folder":
            return str(self.folder)
        parts = urlsplit(self.base or "")
        shown = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
        return scrub(shown, self.settings.secrets())

    def url(self, name: str) -> str:
        """The address of a file of this source in this run (network and mirror)."""
        return f"{self.base}{quote(name)}"

    def upstream(self, name: str) -> str | None:
        """The public address of a file of this source (for the plan)."""
        base = self.settings.bases.get(self.source.name) or self.source.base
        return f"{base}{quote(name)}" if base else None

    def local(self, name: str) -> Path | None:
        """A file of the folder, by its published name (folder mode)."""
        return self.files.get(name)

    def index_file(self, name: str, url: str | None = None) -> Path | None:
        """An index file: from the folder, or downloaded afresh into the cache. None if it is not
        published (HTTP 404) or not in the folder; :class:`OfflineError` if the host cannot be reached."""
        if self.mode == "folder":
            return self.files.get(name)
        try:
            return download(url or self.url(name), self.cache / self.source.name / "index" / name,
                            timeout=self.timeout, resume=False).path
        except NotPublished:
            return None
        except Unreachable as exc:
            raise offline(self, str(exc)) from None


def offline(access: Access, reason: str) -> OfflineError:
    """The error that ends a run when a source's host cannot be reached."""
    where = "the mirror" if access.mode == "mirror" else access.source.name
    return OfflineError(f"{where} ({access.where}): {scrub(reason, access.settings.secrets())}; "
                        "is there a network?")


def check_url(value: str, what: str = "--mirror") -> str:
    """An http(s) base address, ending in ``/``; :class:`InputError` otherwise."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{what} {value!r} is not an http or https address",
                         hint="Give the mirror's base address, e.g. http://mirror.example.org/gdeltv2/.")
    return value.strip() if value.strip().endswith("/") else value.strip() + "/"


def mirror_bases(values: list[str], sources: list[str], named: bool) -> dict[str, str]:
    """Each source's mirror address from ``--mirror`` values: ``SOURCE=URL``, or a bare URL.

    A bare URL is the base of the one source named, or else the root of a mirror holding
    each source in its folder (``gdeltv2/``, ``events/``, ``polecat/``, ``acled/``,
    ``cns-missiles/``)."""
    bases: dict[str, str] = {}
    for value in values:
        name, sep, url = value.partition("=")
        if sep and name in SOURCES:
            bases[name] = check_url(url, f"--mirror {name}=")
        elif named and len(sources) == 1:
            bases[sources[0]] = check_url(value)
        else:
            root = check_url(value)
            for source in sources:
                bases.setdefault(source, root + SOURCES[source].folder)
    return bases


def folder_files(folder: Path) -> dict[str, Path]:
    """Every file under ``folder`` by name (the first in sorted order where names repeat)."""
    found: dict[str, Path] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.endswith(".part"):
            found.setdefault(path.name, path)
    return found
