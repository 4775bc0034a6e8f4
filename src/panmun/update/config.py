"""Settings of the updates: a TOML file, and environment variables for the ACLED key.

The file is ``$PANMUN_UPDATE_CONFIG``, else ``update.toml`` in the user configuration
directory (on Linux ``~/.config/panmun/update.toml``); it need not exist. Its tables::

    [cache]
    folder = "/var/cache/panmun"    # where downloads are kept (default: the user cache directory)
    max_mb = 2048                   # the cache's size limit after a run

    [gdelt2]                        # any source: a base address other than the public one
    base = "http://mirror.example.org/gdeltv2/"

    [acled]
    key = "..."                     # or PANMUN_ACLED_KEY (which wins)
    email = "analyst@example.org"   # or PANMUN_ACLED_EMAIL
    countries = ["North Korea", "South Korea"]

    [polecat]
    dataset = "doi:10.7910/DVN/..."  # the POLECAT dataset's persistent id on Dataverse

    [cns-missiles]
    url = "https://.../north_korea_missile_test_database.csv"

    [kb]
    release = "https://mirror.example.org/panmun-kb/datapackage.json"

The ACLED key and e-mail are held as :class:`Secret`: their ``repr`` and ``str`` are
``***``, and every message that could quote a URL is passed through :func:`scrub`.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, quote_plus

import platformdirs

from panmun.errors import InputError

ENV_CONFIG = "PANMUN_UPDATE_CONFIG"
ENV_CACHE = "PANMUN_UPDATE_CACHE"
ENV_ACLED_KEY = "PANMUN_ACLED_KEY"
ENV_ACLED_EMAIL = "PANMUN_ACLED_EMAIL"
#: The cache's size limit after a run, in MiB, unless the file or ``--cache-max`` says otherwise.
DEFAULT_CACHE_MAX_MB = 2048
DEFAULT_ACLED_COUNTRIES = ("North Korea", "South Korea")
#: The tables and keys the file may hold (a misspelt key is an error, not ignored).
KEYS = {"cache": {"folder", "max_mb"}, "acled": {"base", "key", "email", "countries"},
        "polecat": {"base", "dataset"}, "cns-missiles": {"url"}, "gdelt2": {"base"}, "gdelt1": {"base"},
        "kb": {"release"}}


class Secret:
    """A value that is never shown: ``str`` and ``repr`` give ``***``; :meth:`reveal` gives it."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __str__(self) -> str:
        return "***"

    def __repr__(self) -> str:
        return "Secret('***')"


@dataclass(frozen=True)
class Settings:
    """What the configuration file and the environment say."""

    path: Path | None = None                               # the file read (None: none exists)
    bases: dict[str, str | None] = field(default_factory=dict)    # source -> base address (None: empty)
    acled_key: Secret | None = None
    acled_email: Secret | None = None
    acled_countries: tuple[str, ...] = DEFAULT_ACLED_COUNTRIES
    polecat_dataset: str | None = None
    cns_url: str | None = None
    cache_dir: Path = field(default_factory=lambda: default_cache_dir())
    cache_max_mb: int = DEFAULT_CACHE_MAX_MB
    kb_release: str | None = None

    def secrets(self) -> list[str]:
        """The secret values, to be scrubbed from any message."""
        return [s.reveal() for s in (self.acled_key, self.acled_email) if s is not None and s.reveal()]


def default_cache_dir() -> Path:
    """``$PANMUN_UPDATE_CACHE``, else ``update/`` in the user cache directory."""
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_cache_dir("panmun", appauthor=False)) / "update"


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """The configuration file's path (it may not exist)."""
    env = os.environ if env is None else env
    if env.get(ENV_CONFIG):
        return Path(env[ENV_CONFIG]).expanduser()
    return Path(platformdirs.user_config_dir("panmun", appauthor=False)) / "update.toml"


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the configuration file (if any) and the environment."""
    env = os.environ if env is None else env
    path = config_path(env)
    data: dict = {}
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: not a valid TOML file: {exc}",
                             hint="Fix the file (its format is in docs/update.md).") from None
    _check_keys(path, data)
    acled = data.get("acled", {})
    key = env.get(ENV_ACLED_KEY) or _text(path, acled, "acled", "key")
    email = env.get(ENV_ACLED_EMAIL) or _text(path, acled, "acled", "email")
    countries = acled.get("countries", list(DEFAULT_ACLED_COUNTRIES))
    names_ok = isinstance(countries, list) and all(isinstance(c, str) and c for c in countries)
    if not names_ok or not countries:
        raise InputError(f"{path}: [acled] countries must be a list of country names, "
                         'e.g. ["North Korea", "South Korea"]')
    cache = data.get("cache", {})
    max_mb = cache.get("max_mb", DEFAULT_CACHE_MAX_MB)
    if not isinstance(max_mb, int) or isinstance(max_mb, bool) or not 0 <= max_mb <= 10_000_000:
        raise InputError(f"{path}: [cache] max_mb must be a whole number of MiB from 0 to 10000000")
    folder = _text(path, cache, "cache", "folder")
    bases = {name: _text(path, data[name], name, "base") for name in ("gdelt2", "gdelt1", "polecat", "acled")
             if name in data and "base" in data[name]}
    return Settings(
        path=path if path.is_file() else None, bases=bases,
        acled_key=Secret(key) if key else None, acled_email=Secret(email) if email else None,
        acled_countries=tuple(countries),
        polecat_dataset=_text(path, data.get("polecat", {}), "polecat", "dataset"),
        cns_url=_text(path, data.get("cns-missiles", {}), "cns-missiles", "url"),
        cache_dir=Path(folder).expanduser() if folder else default_cache_dir(),
        cache_max_mb=max_mb, kb_release=_text(path, data.get("kb", {}), "kb", "release"))


def _check_keys(path: Path, data: dict) -> None:
    for table, values in data.items():
        if table not in KEYS or not isinstance(values, dict):
            raise InputError(f"{path}: unknown table [{table}]; the tables are "
                             f"{', '.join(f'[{k}]' for k in KEYS)}")
        unknown = sorted(set(values) - KEYS[table])
        if unknown:
            raise InputError(f"{path}: [{table}] has no key {unknown[0]!r}; its keys are "
                             f"{', '.join(sorted(KEYS[table]))}")


def _text(path: Path, table: dict, name: str, key: str) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        raise InputError(f"{path}: [{name}] {key} must be text (in quotes)")
    return value or None


def scrub(text: str, secrets: list[str]) -> str:
    """``text`` with every secret (as is, and as it appears in a URL) replaced by ``***``."""
    for secret in secrets:
        for form in {secret, quote_plus(secret), quote(secret, safe="")}:
            if form:
                text = text.replace(form, "***")
    return text
