"""The tutorials in docs/tutorials/ are executed, so what they show cannot go stale.

Every page runs top to bottom in a fresh store (a copy of the session's template, see
``conftest.py``) and in an empty working directory. Two kinds of code block are checked:

- ```` ```console ```` blocks: lines ``$ panmun ARGS...`` followed by the expected output.
  The command runs in-process (as the ``cli`` fixture does) and its standard output is
  compared with doctest's rules: ``...`` stands for any text (also whole lines), and runs
  of whitespace compare equal. A command may be followed by ``| head -n N``,
  ``| tail -n N`` or ``| cut -d, -f LIST`` (applied here exactly as the shell tools would),
  so a reader can paste it into a terminal unchanged. A command must exit with status 0.
- ```` ```pycon ```` blocks: ``>>>`` examples checked by the standard ``doctest`` module
  (ELLIPSIS and NORMALIZE_WHITESPACE), with one namespace per page, so a name defined in
  one block is known in the next.

Any other block (```` ```yaml ````, ```` ```text ````, untagged) is not run.

A mismatch names the page and line of the block. ``python tests/test_docs_tutorials.py
PAGE...`` prints each command's actual output, for writing or updating a page.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import os
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TUTORIALS = ROOT / "docs" / "tutorials"
PAGES = ["security-environment.md", "implementation-and-tasks.md", "arms-control.md", "neighbours.md"]
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

FENCE = re.compile(r"^```(\S*)\s*$")


@dataclass
class Block:
    kind: str        # console or pycon
    path: Path
    line: int        # line of the block's first content line (1-based)
    text: str


def blocks(path: Path) -> list[Block]:
    """The console and pycon blocks of a Markdown page, in page order."""
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        kind, start = match.group(1), i + 1
        j = start
        while j < len(lines) and lines[j].rstrip() != "```":
            j += 1
        if j == len(lines):
            raise AssertionError(f"{path}:{i + 1}: code block is not closed")
        if kind in ("console", "pycon"):
            found.append(Block(kind, path, start + 1, "\n".join(lines[start:j]) + "\n"))
        i = j + 1
    return found


# --- console blocks -------------------------------------------------------------------------

def _filter(text: str, stage: list[str], where: str) -> str:
    """Apply one ``head``/``tail``/``cut`` stage of a pipeline to ``text``."""
    lines = text.splitlines()
    name, args = stage[0], stage[1:]
    if name in ("head", "tail") and len(args) == 2 and args[0] == "-n" and args[1].isdigit():
        n = int(args[1])
        kept = lines[:n] if name == "head" else (lines[-n:] if n else [])
    elif name == "cut" and "".join(args[:2]).startswith("-d,-f") and len("".join(args)) > 5:
        fields: set[int] = set()
        for part in "".join(args)[5:].split(","):
            low, _, high = part.partition("-")
            fields.update(range(int(low), int(high or low) + 1) if "-" in part else [int(low)])
        kept = [",".join(f for k, f in enumerate(line.split(","), 1) if k in fields)
                if "," in line else line for line in lines]
    else:
        raise AssertionError(f"{where}: unsupported pipeline stage {' '.join(stage)!r} "
                             "(head -n N, tail -n N, cut -d, -f LIST)")
    return "".join(line + "\n" for line in kept)


def run_command(command: str, where: str) -> str:
    """Run ``panmun ...`` (with an optional head/tail/cut pipeline) in-process; its stdout."""
    from panmun.cli.main import main

    stages = [shlex.split(part) for part in command.split(" | ")]
    args = stages[0]
    if not args or args[0] != "panmun":
        raise AssertionError(f"{where}: console commands start with `panmun`: {command!r}")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args[1:])
    if code:
        raise AssertionError(f"{where}: `{command}` exited with status {code}:\n{err.getvalue()}")
    text = out.getvalue()
    for stage in stages[1:]:
        text = _filter(text, stage, where)
    return text


def console_examples(block: Block) -> list[tuple[int, str, str]]:
    """(line, command, expected output) for each ``$`` line of a console block."""
    examples: list[tuple[int, str, str]] = []
    for offset, line in enumerate(block.text.splitlines()):
        if line.startswith("$ "):
            examples.append((block.line + offset, line[2:].strip(), ""))
        elif examples:
            number, command, want = examples[-1]
            examples[-1] = (number, command, want + line + "\n")
        elif line.strip():
            raise AssertionError(f"{block.path}:{block.line + offset}: output before any `$` command")
    return examples


def check_console(block: Block) -> list[str]:
    """Mismatches of a console block (empty: every command printed what the page shows)."""
    checker, problems = doctest.OutputChecker(), []
    for number, command, want in console_examples(block):
        where = f"{block.path}:{number}"
        got = run_command(command, where)
        if not checker.check_output(want, got, FLAGS):
            example = doctest.Example(command, want)
            problems.append(f"{where}: output of `{command}` differs from the page\n"
                            + checker.output_difference(example, got, FLAGS))
    return problems


# --- pycon blocks ---------------------------------------------------------------------------

def check_pycon(block: Block, globs: dict) -> list[str]:
    """Mismatches of a pycon block, run with doctest in the page's namespace ``globs``."""
    test = doctest.DocTestParser().get_doctest(block.text, globs, block.path.name, str(block.path),
                                               block.line - 1)
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    runner.run(test, out=report.write, clear_globs=False)
    globs.update(test.globs)                    # DocTest runs in a copy of the namespace
    return [report.getvalue()] if runner.failures else []


def check_page(path: Path) -> list[str]:
    """Every mismatch of the page's blocks, in page order (runs the page top to bottom)."""
    globs: dict = {"__name__": "__tutorial__"}
    problems: list[str] = []
    for block in blocks(path):
        if block.kind == "console":
            problems += check_console(block)
        else:
            problems += check_pycon(block, globs)
    for value in list(globs.values()):          # close any store the page left open
        if type(value).__name__ == "Store":
            value.close()
    return problems


# --- tests ----------------------------------------------------------------------------------

@pytest.fixture
def page_env(db_path, tmp_path, monkeypatch):
    """A fresh store (PANMUN_DB) and an empty working directory."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return db_path


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES)
def test_tutorial_page(page, page_env):
    path = TUTORIALS / page
    assert blocks(path), f"{path}: no console or pycon block"
    problems = check_page(path)
    assert not problems, "\n".join(problems)


def test_index_lists_every_page():
    index = (TUTORIALS / "index.md").read_text(encoding="utf-8")
    for page in PAGES:
        assert f"({page})" in index, f"index.md does not link {page}"
    assert sorted(p.name for p in TUTORIALS.glob("*.md")) == sorted(PAGES + ["index.md"])


def test_the_checker_reports_a_wrong_output(page_env, tmp_path):
    """A page whose shown output is wrong fails, naming the page and the line."""
    page = tmp_path / "wrong.md"
    page.write_text("# A wrong page\n\n"
                    "```console\n"
                    "$ panmun agreements list --format csv | head -n 2 | cut -d, -f1\n"
                    "id\n"
                    "no-such-agreement\n"
                    "```\n\n"
                    "```pycon\n"
                    ">>> 1 + 1\n"
                    "3\n"
                    "```\n", encoding="utf-8")
    problems = check_page(page)
    assert len(problems) == 2
    assert f"{page}:4: output of `panmun agreements list" in problems[0]
    assert "no-such-agreement" in problems[0]
    assert f'File "{page}", line 10' in problems[1] and "Expected:\n    3\nGot:\n    2" in problems[1]


def test_the_checker_accepts_ellipsis_and_pipelines(page_env, tmp_path):
    page = tmp_path / "right.md"
    page.write_text("```console\n"
                    "$ panmun agreements list --format csv | cut -d, -f1 | head -n 3\n"
                    "id\n"
                    "...\n"
                    "```\n", encoding="utf-8")
    assert check_page(page) == []


def test_a_failing_command_is_reported(page_env, tmp_path):
    page = tmp_path / "fails.md"
    page.write_text("```console\n$ panmun agreements show no-such-agreement\n```\n", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"fails\.md:2: .* exited with status"):
        check_page(page)


if __name__ == "__main__":     # print actual outputs, for writing a page
    for name in sys.argv[1:]:
        page_globs: dict = {"__name__": "__tutorial__"}
        for block in blocks(Path(name)):
            if block.kind == "console":
                for number, command, _ in console_examples(block):
                    print(f"--- {name}:{number}: $ {command}")
                    print(run_command(command, f"{name}:{number}"), end="")
            else:
                print(f"--- {name}:{block.line}: pycon")
                for problem in check_pycon(block, page_globs):
                    print(problem)
    print(f"(PANMUN_DB={os.environ.get('PANMUN_DB')})", file=sys.stderr)
