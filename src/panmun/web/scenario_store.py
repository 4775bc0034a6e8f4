"""Scenarios the analysts store in the workbench, beside the built-in ones.

A stored scenario is the YAML text of a scenario file (format: :mod:`panmun.vectors.scenarios`),
checked on every write by the same reader as a file (so an error names its line and field),
with a version that grows by one on each change (optimistic locking: an update names the
version it started from and is refused if another one came first). Built-in names cannot be
stored or changed. A stored scenario belongs to the analyst who stored it (its ``owner``):
only the owner, or an admin, may change it; anyone else may read it and store a copy under
a new name. Every write is audited (``scenario-add``, ``scenario-update``).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import threading
from pathlib import Path

import yaml

from panmun.errors import InputError, NotFoundError, Problem
from panmun.identifiers import STORED_NAME
from panmun.store.db import Store
from panmun.vectors.scenarios import (
    BUILTIN,
    Scenario,
    ScenarioError,
    builtin_path,
    load_scenario,
    read_scenario,
)

NAME = STORED_NAME
MAX_YAML_BYTES = 100_000

#: Check-and-write of one server process (one process is the supported setup).
_LOCK = threading.Lock()


class Conflict(InputError):
    """A write that the stored state refuses (the web answers 409)."""


class StaleVersion(Conflict):
    """An update started from a version that is no longer the current one."""

    def __init__(self, name: str, expected: int, current: int):
        super().__init__(f"scenario {name!r} is at version {current}, not {expected}: someone saved "
                         "it in the meantime", hint="Reload the scenario and re-apply your change.")
        self.current = current


class BuiltinScenario(Conflict):
    """A built-in scenario's name was given to a write."""


class NotOwner(InputError):
    """A change to a scenario stored by someone else (the web answers 403)."""

    def __init__(self, name: str, owner: str):
        super().__init__(f"scenario {name!r} belongs to {owner}; only its owner or an admin may change it",
                         hint=f"Save a copy under a new name: POST /api/scenarios with the YAML of "
                              f"GET /api/scenarios/{name} and another name.")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def display_name(name: str) -> str:
    return f"scenario {name}"


def parse(name: str, text: str) -> Scenario:
    """Check scenario YAML ``text`` stored as ``name``; ScenarioError lists every problem.

    YAML anchors and aliases are refused (they let a small text expand without bound).
    """
    file = display_name(name)
    if len(text.encode("utf-8")) > MAX_YAML_BYTES:
        raise ScenarioError([Problem(file, None, None, f"over {MAX_YAML_BYTES:,} bytes")])
    try:
        for token in yaml.scan(text):
            if isinstance(token, yaml.AliasToken | yaml.AnchorToken):
                raise ScenarioError([Problem(file, token.start_mark.line + 1, None,
                                             "YAML anchors and aliases (&, *) are not accepted")])
    except yaml.YAMLError:
        pass    # the reader below reports the syntax error with its line
    with tempfile.TemporaryDirectory(prefix="panmun-scenario-") as folder:
        path = Path(folder) / "scenario.yaml"
        path.write_text(text, encoding="utf-8")
        scenario = read_scenario(path, display=file)
    if scenario.name != name:
        raise ScenarioError([Problem(file, 1, "name", f"the YAML names the scenario {scenario.name!r}; "
                                                      f"it is stored as {name!r}: make them the same")])
    return scenario


def _row(store: Store, name: str) -> tuple | None:
    """(name, title, yaml, version, owner) of a stored scenario, or None."""
    rows = store.con.execute("SELECT name, title, yaml, version, owner FROM scenarios WHERE name = ?",
                             [name]).fetchall()
    return rows[0] if rows else None


def resolve(store: Store, name: str) -> Scenario:
    """The scenario called ``name``: a built-in one first, else a stored one."""
    if name in BUILTIN:
        return load_scenario(name)
    row = _row(store, name)
    if row is None:
        raise NotFoundError(f"no scenario {name!r}",
                            hint="GET /api/scenarios lists the built-in and stored scenarios.")
    return parse(name, row[2])


def list_all(store: Store) -> list[dict]:
    """Every scenario: ``{name, title, builtin, version}`` (built-in ones have version None)."""
    out: list[dict[str, str | bool | int | None]] = [
        {"name": n, "title": load_scenario(n).title, "builtin": True, "version": None} for n in BUILTIN]
    for name, title, version in store.con.execute(
            "SELECT name, title, version FROM scenarios ORDER BY name").fetchall():
        out.append({"name": name, "title": title, "builtin": False, "version": int(version)})
    return out


def get(store: Store, name: str) -> dict:
    """One scenario with its YAML text: ``{name, title, yaml, builtin, version, owner}`` (built-in
    ones have version and owner None)."""
    if name in BUILTIN:
        return {"name": name, "title": load_scenario(name).title,
                "yaml": builtin_path(name).read_text(encoding="utf-8"), "builtin": True, "version": None,
                "owner": None}
    row = _row(store, name)
    if row is None:
        raise NotFoundError(f"no scenario {name!r}",
                            hint="GET /api/scenarios lists the built-in and stored scenarios.")
    return {"name": row[0], "title": row[1], "yaml": row[2], "builtin": False, "version": int(row[3]),
            "owner": row[4]}


def _refuse_builtin(name: str) -> None:
    if name in BUILTIN:
        raise BuiltinScenario(f"{name!r} is a built-in scenario and cannot be stored or changed",
                              hint="Save your version under a new name.")


def _audit(con, who: str, action: str, name: str, version: int) -> None:
    con.execute("INSERT INTO audit (audited_at, who, action, what, why) VALUES (?, ?, ?, ?, ?)",
                [_now(), who, action, json.dumps({"scenario": name, "version": version}),
                 f"scenario {name} saved"])


def add(store: Store, name: str, text: str, who: str) -> int:
    """Store a new scenario (version 1), owned by ``who``; Conflict if the name is taken."""
    _refuse_builtin(name)
    scenario = parse(name, text)
    with _LOCK:
        if _row(store, name) is not None:
            raise Conflict(f"a scenario {name!r} is stored already",
                           hint=f"Choose another name, or PUT /api/scenarios/{name} to change it.")
        with store.transaction() as con:
            con.execute("""INSERT INTO scenarios (name, title, yaml, version, updated_by, updated_at, owner)
                           VALUES (?, ?, ?, 1, ?, ?, ?)""", [name, scenario.title, text, who, _now(), who])
            _audit(con, who, "scenario-add", name, 1)
    return 1


def update(store: Store, name: str, text: str, expected_version: int, who: str, admin: bool = False) -> int:
    """Replace a stored scenario's YAML if it is still at ``expected_version``; the new version.

    Only its owner may (or an admin: ``admin=True``); NotOwner otherwise.
    """
    _refuse_builtin(name)
    scenario = parse(name, text)
    with _LOCK:
        row = _row(store, name)
        if row is None:
            raise NotFoundError(f"no stored scenario {name!r}", hint="POST /api/scenarios creates it.")
        owner = row[4]
        if owner is not None and owner != who and not admin:
            raise NotOwner(name, owner)
        if int(row[3]) != expected_version:
            raise StaleVersion(name, expected_version, int(row[3]))
        version = expected_version + 1
        with store.transaction() as con:
            con.execute("""UPDATE scenarios SET title = ?, yaml = ?, version = ?, updated_by = ?,
                               updated_at = ? WHERE name = ?""",
                        [scenario.title, text, version, who, _now(), name])
            _audit(con, who, "scenario-update", name, version)
    return version
