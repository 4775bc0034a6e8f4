"""The command line's contract, for every command of the ``panmun`` tree.

The commands come from the app itself (a new command is covered the day it is added) and
are run with the examples their help documents (docs/cli.md), in every format:

- ``--format json`` prints exactly one JSON document, and it validates against the
  command's published schema (docs/reference/schemas/, checked with jsonschema, not with
  the pydantic models that wrote it);
- ``--format csv`` prints one table with a header, and ``--table NAME`` picks each of the
  tables of a command that has several;
- numbers, strings, dates, ids and files drawn by hypothesis, at and past their limits,
  end in exit status 0, 2, 3 or 4 (or 1 where the command documents it) with a message on
  standard error: never the internal-error path;
- ``panmun agreements list`` and ``panmun events list`` do not import the heavy libraries.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from panmun.cli import reference

from examples import NEEDS_ACCOUNT, PASSWORD, lay_out

pytestmark = pytest.mark.slow

DOCS = Path(__file__).parent.parent / "docs"
COMMANDS = dict(reference.leaf_commands())
DATA = {path: cmd for path, cmd in COMMANDS.items() if reference.has_format(cmd)}
#: (command path, the example's arguments after the command path)
EXAMPLES = [(path, args[len(path.split()):]) for path, cmd in DATA.items()
            for args in reference.examples(cmd)]
FORMATS = ("table", "csv", "json")
#: Commands that document exit status 1 for a result (a plan that breaks a rule, no plan).
EXIT_ONE = {"roadmap check", "roadmap plan", "roadmap tasks"}


@pytest.fixture
def workdir(tmp_path, monkeypatch, db_path):
    """A folder holding the example files, as the current directory, over a private store."""
    folder = tmp_path / "work"
    folder.mkdir()
    lay_out(folder)
    monkeypatch.chdir(folder)
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD))
    return folder


@pytest.fixture(scope="module")
def brief_db(builtin_template, tmp_path_factory) -> Path:
    """One store for every run of ``panmun brief`` here: its briefing cache (beside the store)
    then serves the later runs, as it serves a user's second briefing of an unchanged store."""
    path = tmp_path_factory.mktemp("brief") / "brief.duckdb"
    shutil.copy(builtin_template, path)
    return path


def _store_for(path: str, monkeypatch, brief_db: Path) -> None:
    if path == "brief":
        monkeypatch.setenv("PANMUN_DB", str(brief_db))


def _prepare(path: str, db_path: Path) -> None:
    if path in NEEDS_ACCOUNT:
        from panmun.store.opening import open_store
        from panmun.web import auth

        with open_store(db_path) as store:
            auth.add_user(store, "kim", PASSWORD.strip(), "analyst")


def _schema(path: str) -> dict:
    return json.loads((DOCS / "reference" / "schemas" / reference.schema_name(path)).read_text("utf-8"))


def _check_json(path: str, text: str) -> object:
    document = json.loads(text)            # one document: trailing data is a JSONDecodeError
    validator = Draft202012Validator(_schema(path), format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, f"{path}: {errors[0].message} at {list(errors[0].path)}"
    return document


def _check_csv(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows and rows[0] and all(rows[0]), "CSV without a header"
    assert all(len(r) == len(rows[0]) for r in rows), "CSV rows of different lengths"
    return rows


# ------------------------------------------------------------------------------ the tree


def test_every_command_is_a_data_command_with_a_schema_and_an_example():
    assert set(COMMANDS) - set(DATA) == {"serve"}, "a command without --format (only the server has none)"
    from panmun import schemas

    assert set(schemas.commands()) == set(DATA), "schemas and commands differ"
    missing = [path for path, cmd in DATA.items() if not reference.examples(cmd)]
    assert not missing, f"commands without a documented example: {missing}"
    strays = [(path, args) for path, cmd in DATA.items() for args in reference.examples(cmd)
              if args[:len(path.split())] != path.split()]
    assert not strays, f"examples of another command: {strays}"


def test_the_command_reference_and_the_schemas_are_current():
    assert (DOCS / "cli.md").read_text("utf-8") == reference.markdown(), \
        "docs/cli.md is stale: run `python -m panmun.cli.reference docs`"
    files = reference.schema_files()
    on_disk = {p.name: p.read_text("utf-8") for p in (DOCS / "reference" / "schemas").glob("*.json")}
    assert on_disk == files, "docs/reference/schemas is stale: run `python -m panmun.cli.reference docs`"
    assert (DOCS / "reference" / "schemas" / "index.md").read_text("utf-8") == reference.schema_index(), \
        "docs/reference/schemas/index.md is stale: run `python -m panmun.cli.reference docs`"


def test_the_readme_links_the_command_reference():
    assert "docs/cli.md" in (DOCS.parent / "README.md").read_text("utf-8")


# ------------------------------------------------------------------------ the examples


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("path, args", EXAMPLES, ids=[" ".join([p, *a]) for p, a in EXAMPLES])
def test_example_in_every_format(path, args, fmt, cli, workdir, db_path, monkeypatch, brief_db):
    _prepare(path, db_path)
    _store_for(path, monkeypatch, brief_db)
    result = cli(*path.split(), *args, "--format", fmt)
    assert result.code == 0, result.err
    assert "internal error" not in result.err
    if fmt == "json":
        _check_json(path, result.out)
    elif fmt == "csv":
        _check_csv(result.out)
    else:
        assert result.out.strip()


MULTI = [(path, reference.examples(cmd)[-1][len(path.split()):]) for path, cmd in DATA.items()
         if any("--table" in p.opts for p in cmd.params if hasattr(p, "opts"))]


@pytest.mark.parametrize("path, args", MULTI, ids=[p for p, _ in MULTI])
def test_each_table_of_a_multi_table_command_as_csv(path, args, cli, workdir, db_path):
    wrong = cli(*path.split(), *args, "--format", "csv", "--table", "no-such-table")
    assert wrong.code == 2 and "this command's tables are" in wrong.err, wrong.err
    names = wrong.err.split("this command's tables are", 1)[1].split("\n")[0].strip().split(", ")
    assert len(names) >= 2, f"{path} has --table but one table"
    for name in names:
        result = cli(*path.split(), *args, "--format", "csv", "--table", name)
        assert result.code == 0, result.err
        _check_csv(result.out)
    refused = cli(*path.split(), *args, "--format", "json", "--table", names[0])
    assert refused.code == 2 and refused.out == ""


def test_bounded_bargaining_output(cli, workdir):
    """The expected-utility model's perceived offers are opt-in (--offers)."""
    args = ("actors", "bargain", "--input", "actors.csv", "--model", "expected-utility", "--rounds", "20",
            "-f", "json")
    plain = json.loads(cli(*args).out)
    assert "perceived_offers" not in plain and len(plain["rounds"]) == 21
    full = json.loads(cli(*args, "--offers").out)
    assert full["perceived_offers"] and full["rounds"] == plain["rounds"]


def test_clash_risk_refuses_work_past_its_limit_naming_the_largest_runs(cli, workdir):
    result = cli("armscontrol", "risk", "--package", "none", "--years", "1", "--runs", "1000000",
                 "-f", "json")
    assert result.code == 2 and result.out == ""
    assert "100,000,000" in result.err and "largest accepted runs is 40,000" in result.err


# -------------------------------------------------------------------- hostile values

NUMBERS = ["-1", "0", "1", "2", "-9223372036854775809", "9223372036854775808", "1" + "0" * 30, "nan", "inf",
           "-inf", "1e309", "0.5", "1.5", "", "abc", "٣"]
TEXTS = ["", " ", "x" * 5000, "\x00", "한국어", "../../etc/passwd", "2019-02-30", "0000-00-00", "0001-01-01",
         "9999-12-31", "1899-12-31", "2200-01-01", "2018-13", "2018-01", "no-such-id", "-1", "[bold]x[/]",
         "\udcff", "KOR-PRK", "PRK", "a/b", "cma-2018/9.9"]


def _path_values(folder: Path) -> list[str]:
    (folder / "empty.txt").write_text("")
    (folder / "binary.bin").write_bytes(bytes(range(256)) * 4)
    (folder / "garbage.yaml").write_text("{[: not yaml\n\t- x")
    (folder / "folder").mkdir(exist_ok=True)
    return ["missing.csv", "", ".", "folder", "empty.txt", "binary.bin", "garbage.yaml", "/dev/null",
            "actors.csv", "plan.yaml", "my-overlay", "/proc/version"]


def _values_for(param, paths: list[str]) -> list[str]:
    kind = getattr(param.type, "name", "").lower()
    if "int" in kind or "float" in kind:
        low, high = getattr(param.type, "min", None), getattr(param.type, "max", None)
        edges = [str(v) for b in (low, high) if b is not None for v in (b - 1, b)]
        return [v for v in NUMBERS + edges if high is None or v != str(high)]   # above, not at, the top
    if kind == "path":
        return paths
    choices = getattr(param.type, "choices", None)
    if choices:
        return ["", "nope", *[str(getattr(c, "value", c)) for c in choices]]
    return TEXTS + paths


def _mutated(path: str, base: list[str], data) -> list[str]:
    """The example's arguments with one or two parameters given a hostile value."""
    command = DATA[path]
    params = [p for p in command.params if p.name not in ("help", "fmt", "fmt_out")]
    args = list(base)
    paths = _path_values(Path.cwd())
    for _ in range(data.draw(st.integers(1, 2), label="changes")):
        if not params:
            break
        param = data.draw(st.sampled_from(params), label="parameter")
        if getattr(param, "is_flag", False):
            args.append(param.opts[0])
            continue
        value = data.draw(st.sampled_from(_values_for(param, paths)), label=param.name)
        if param.param_type_name == "argument":
            args = [value, *args] if not args else [value, *args[1:]]
        else:
            args += [param.opts[0], value]
    return args


#: Examples per command (PANMUN_FUZZ_EXAMPLES=N for a deeper, random run; by default the
#: draws are the same on every run, so CI is repeatable); commands that compute a lot get fewer.
EXAMPLES_PER_COMMAND = int(os.environ.get("PANMUN_FUZZ_EXAMPLES", "12"))
DERANDOMIZE = "PANMUN_FUZZ_EXAMPLES" not in os.environ
HEAVY = {"brief": 2, "roadmap plan": 3, "roadmap tasks": 3, "vectors calibrate": 3, "vectors interactions": 3,
         "forecast backtest": 4, "vectors sensitivity": 4, "armscontrol compare": 4}
FUZZED = [(path, reference.examples(cmd)[0][len(path.split()):]) for path, cmd in DATA.items()]


@pytest.mark.parametrize("path, base", FUZZED, ids=[p for p, _ in FUZZED])
def test_hostile_values_never_reach_an_internal_error(path, base, cli, workdir, db_path, monkeypatch,
                                                      brief_db):
    _prepare(path, db_path)
    _store_for(path, monkeypatch, brief_db)
    allowed = {0, 2, 3, 4} | ({1} if path in EXIT_ONE else set())

    examples = min(HEAVY.get(path, EXAMPLES_PER_COMMAND), EXAMPLES_PER_COMMAND)

    @settings(max_examples=examples, deadline=None, database=None, derandomize=DERANDOMIZE,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(data=st.data(), fmt=st.sampled_from(FORMATS))
    def run(data, fmt):
        sys.stdin = io.StringIO(PASSWORD)
        args = _mutated(path, base, data)
        result = cli(*path.split(), *args, "--format", fmt)
        assert "internal error" not in result.err, f"panmun {path} {args}: {result.err}"
        assert result.code in allowed, f"panmun {path} {args}: exit {result.code} {result.err}"
        if result.code:
            assert result.err.strip(), f"panmun {path} {args}: exit {result.code} without a message"

    run()


# ------------------------------------------------------------------------- start-up

HEAVY_LIBRARIES = ("scipy", "sklearn", "matplotlib", "SALib", "ortools", "dask", "weasyprint", "fastapi",
                   "pandas", "numpy", "pydantic", "ruptures", "jinja2", "uvicorn", "plotly")


@pytest.mark.parametrize("args", [["agreements", "list"], ["events", "list"], ["--help"]])
def test_light_commands_import_no_heavy_library(args, db_path):
    code = (f"import sys\nfrom panmun.cli.main import main\nmain({args!r})\n"
            "print('\\n'.join(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PANMUN_DB": str(db_path)}, timeout=60)
    assert done.returncode == 0, done.stderr
    loaded = set(done.stderr.split())
    heavy = sorted(loaded & set(HEAVY_LIBRARIES))
    assert not heavy, f"panmun {' '.join(args)} imports {heavy}"
