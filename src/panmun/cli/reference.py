"""The command reference and the output schemas, generated from the command tree.

``docs/cli.md`` (every command with its arguments, options, defaults, ranges, exit statuses
and examples), ``docs/reference/schemas/*.json`` (the JSON Schema of each command's
``--format json`` document) and ``docs/reference/schemas/index.md`` (the list of them) are
written by::

    python -m panmun.cli.reference docs

A test regenerates both and fails when they differ from the files, so they cannot go stale.
The examples are the lines of each command's epilog that start with ``panmun``; the
contract tests run every one of them in every format.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import typer
from typer.core import TyperCommand

from panmun.cli.main import app

SCHEMA_DIR = Path("reference") / "schemas"

EXIT_STATUSES = (
    (0, "success"),
    (1, "another panmun error (for example PDF output asked for without WeasyPrint), or a result the "
        "command documents as a failure (a plan that breaks a rule, no feasible plan)"),
    (2, "invalid input: a bad option value or date, a number outside its range, a knowledge-base "
        "validation problem, a usage error"),
    (3, "store error: the store cannot be opened, migrated or written"),
    (4, "not found: no agreement, provision or file with that name (the message suggests close ids)"),
)


def leaf_commands() -> list[tuple[str, TyperCommand]]:
    """Every command of the ``panmun`` tree that does something, as (path, click command)."""
    out: list[tuple[str, TyperCommand]] = []

    def walk(command, path: list[str], ctx) -> None:
        if hasattr(command, "list_commands"):
            sub_ctx = typer.Context(command, info_name=command.name, parent=ctx)
            for name in command.list_commands(sub_ctx):
                walk(command.get_command(sub_ctx, name), [*path, name], sub_ctx)
        else:
            out.append((" ".join(path), command))

    root = typer.main.get_command(app)
    walk(root, [], typer.Context(root, info_name="panmun"))
    return out


def has_format(command) -> bool:
    """True for a data command: one that prints its result with ``--format``."""
    return any("--format" in getattr(p, "opts", ()) for p in command.params)


def examples(command) -> list[list[str]]:
    """The command's documented examples, as argument lists (without ``panmun``)."""
    found = []
    for line in (command.epilog or "").splitlines():
        text = line.strip()
        for prefix in ("Examples:", "Example:"):
            text = text.removeprefix(prefix).strip()
        if text.startswith("panmun "):
            found.append(shlex.split(text, comments=True)[1:])
    return found


def notes(command) -> list[str]:
    """The lines of the epilog that are not examples (e.g. a command's own exit statuses)."""
    lines = [line.strip() for line in (command.epilog or "").splitlines()]
    return [line for line in lines if line and not line.removeprefix("Examples:").removeprefix(
        "Example:").strip().startswith("panmun ")]


def schema_name(path: str) -> str:
    """File name of a command's schema, e.g. ``agreements-list.json``."""
    return path.replace(" ", "-") + ".json"


TYPE_NAMES = {"str": "text", "text": "text", "int": "integer", "int range": "integer", "float": "number",
              "float range": "number", "boolean": "flag", "path": "path", "integer range": "integer"}


def _type_text(param) -> str:
    kind = getattr(param.type, "name", str(param.type)).lower()
    kind = TYPE_NAMES.get(kind, kind)
    low, high = getattr(param.type, "min", None), getattr(param.type, "max", None)
    if low is not None or high is not None:
        kind += f" {'' if low is None else low}..{'' if high is None else high}"
    choices = getattr(param.type, "choices", None)
    if choices:
        kind = " \\| ".join(str(c.value if hasattr(c, "value") else c) for c in choices)
    if getattr(param, "multiple", False):
        kind += ", repeatable"
    return kind


def _default_text(param) -> str:
    if getattr(param, "is_flag", False) and not param.secondary_opts:
        return "off"
    default = param.default
    if callable(default) or default is None or default == ():
        return "" if not param.required else "required"
    if hasattr(default, "value"):
        default = default.value
    if isinstance(default, list | tuple):
        return " ".join(str(d) for d in default)
    return str(default)


def _help_text(command) -> str:
    return " ".join((command.help or "").split())


def markdown() -> str:
    """docs/cli.md."""
    lines = ["# Command reference", "",
             "Generated from the command tree by `python -m panmun.cli.reference docs`; a test fails "
             "when this page differs from the code. Every data command takes `--format table|csv|json`: "
             "`table` for people, `csv` for one table with a header (`--table NAME` picks another "
             "where a command has several), `json` for exactly one JSON document, described by the "
             "command's JSON Schema in [reference/schemas/](reference/schemas/index.md).", "",
             "Global options go before the command: `--db FILE` (the store; also `PANMUN_DB`), "
             "`--version`.", "", "## Exit statuses", "", "| status | meaning |", "|---|---|"]
    lines += [f"| {code} | {text} |" for code, text in EXIT_STATUSES]
    lines.append("")
    for path, command in leaf_commands():
        lines += [f"## panmun {path}", "", _help_text(command), ""]
        usage = " ".join(["panmun", path, *[p.human_readable_name.upper() if p.param_type_name == "argument"
                                            else "" for p in command.params]]).split()
        lines += ["```", " ".join(usage) + " [OPTIONS]", "```", ""]
        params = [p for p in command.params if p.name not in ("help",)]
        if params:
            lines += ["| argument or option | type | default | what it does |", "|---|---|---|---|"]
            for p in params:
                if p.param_type_name == "argument":
                    name = p.human_readable_name.upper()
                else:
                    name = ", ".join(f"`{o}`" for o in [*p.opts, *p.secondary_opts])
                help_text = " ".join((getattr(p, "help", None) or "").split()).replace("|", "\\|")
                lines.append(f"| {name if name.startswith('`') else f'`{name}`'} | {_type_text(p)} | "
                             f"{_default_text(p)} | {help_text} |")
            lines.append("")
        if has_format(command):
            lines += [f"JSON output: [schema](reference/schemas/{schema_name(path)}).", ""]
        for note in notes(command):
            lines += [note, ""]
        found = examples(command)
        if found:
            lines += ["Examples:" if len(found) > 1 else "Example:", "", "```"]
            lines += ["panmun " + " ".join(shlex.quote(a) for a in args) for args in found]
            lines += ["```", ""]
    return "\n".join(lines).rstrip() + "\n"


SCHEMA_INDEX_INTRO = """# JSON output schemas

Every command but `panmun serve` takes `--format json` and then prints exactly one JSON
document. Its JSON Schema (draft 2020-12) is published here, generated from the code with the
[command reference](../../cli.md) by `python -m panmun.cli.reference docs`; a test fails when
either differs from the code, and the contract tests check every documented example's output
against its schema. The schema is the output's contract.

Check an output against its schema with any JSON Schema validator, for example the
`jsonschema` package:

```python
import json, subprocess, jsonschema

out = subprocess.run(["panmun", "agreements", "scorecard", "--by", "vector", "--format", "json"],
                     capture_output=True, text=True, check=True).stdout
schema = json.load(open("docs/reference/schemas/agreements-scorecard.json"))
jsonschema.validate(json.loads(out), schema)
```
"""


def schema_index() -> str:
    """docs/reference/schemas/index.md: every data command, its schema and what it holds."""
    lines = [SCHEMA_INDEX_INTRO, "| command | schema | what the document holds |", "|---|---|---|"]
    for name, text in schema_files().items():
        path = next(p for p, c in leaf_commands() if has_format(c) and schema_name(p) == name)
        anchor = "panmun-" + path.replace(" ", "-")
        held = " ".join(str(json.loads(text).get("description", "")).split()).replace("|", "\\|")
        lines.append(f"| [`panmun {path}`](../../cli.md#{anchor}) | [{name}]({name}) | {held} |")
    return "\n".join(lines) + "\n"


def schema_files() -> dict[str, str]:
    """File name -> JSON text of every data command's schema."""
    from panmun import schemas

    files = {}
    for path, command in leaf_commands():
        if has_format(command):
            schema = schemas.json_schema(path, description=_help_text(command))
            files[schema_name(path)] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return files


def write(docs: Path) -> list[Path]:
    """Write docs/cli.md, docs/reference/schemas/*.json and its index.md under ``docs``; return
    the files written."""
    docs = Path(docs)
    written = [docs / "cli.md"]
    written[0].write_text(markdown(), encoding="utf-8")
    folder = docs / SCHEMA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    expected = schema_files()
    for stale in folder.glob("*.json"):
        if stale.name not in expected:
            stale.unlink()
    for name, text in expected.items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    (folder / "index.md").write_text(schema_index(), encoding="utf-8")
    written.append(folder / "index.md")
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs")
    print(f"wrote {len(write(target))} files under {target}")
