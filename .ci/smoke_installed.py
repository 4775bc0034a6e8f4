"""Exercise an installed panmun (a wheel in a fresh virtual environment), outside the source tree.

Run with the environment's own Python, from a neutral folder::

    /path/to/venv/bin/python /path/to/repo/.ci/smoke_installed.py /path/to/repo/tests

It checks that panmun is imported from site-packages (not from a source tree), then runs
``panmun --version``, ``panmun kb validate``, ``panmun brief --out``, ``panmun serve`` (one
page and one API read, then stops it) and every data command's documented example with
``--format json``, each output validated against the command's schema from the installed
package (with jsonschema). The example files come from the repository's tests/fixtures.
Exit status 0 when everything passes; the first failure is printed and ends the run (1).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent


def run(*args: str, stdin: str | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    done = subprocess.run([str(BIN / "panmun"), *args], input=stdin, capture_output=True, text=True,
                          timeout=timeout)
    if done.returncode != 0:
        sys.exit(f"FAILED: panmun {' '.join(args)} (exit {done.returncode})\n{done.stderr[-2000:]}")
    return done


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_once() -> None:
    port = free_port()
    server = subprocess.Popen([str(BIN / "panmun"), "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{base}/api/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            sys.exit(f"FAILED: panmun serve did not answer on {base}")
        with urllib.request.urlopen(f"{base}/", timeout=30) as page:
            html = page.read().decode()
            assert page.status == 200 and "<html" in html.lower(), "the dashboard page"
        with urllib.request.urlopen(f"{base}/api/agreements", timeout=30) as answer:
            agreements = json.loads(answer.read())
            assert answer.status == 200 and len(agreements) >= 10, "GET /api/agreements"
        print(f"ok  panmun serve: / and /api/agreements ({len(agreements)} agreements)")
    finally:
        server.terminate()
        server.wait(timeout=30)


def account(name: str, present: bool, password: str) -> None:
    """Make sure the account ``name`` exists (or does not) before an example of ``panmun users``."""
    exists = any(u["name"] == name for u in json.loads(run("users", "list", "--format", "json").stdout))
    if present and not exists:
        run("users", "add", name, "--password-stdin", stdin=password)
    elif exists and not present:
        run("users", "remove", name)


def contract(tests: Path) -> None:
    """Every data command's documented example with --format json, checked against its schema."""
    from jsonschema import Draft202012Validator, FormatChecker

    from panmun import schemas
    from panmun.cli import reference

    sys.path.insert(0, str(tests))
    from examples import NEEDS_ACCOUNT, PASSWORD, lay_out

    folder = Path.cwd() / "examples"
    folder.mkdir()
    lay_out(folder)
    os.chdir(folder)
    count = 0
    for path, command in reference.leaf_commands():
        if not reference.has_format(command):
            continue
        if path.startswith("users "):
            account("kim", present=path in NEEDS_ACCOUNT, password=PASSWORD)
        for args in reference.examples(command):
            done = run(*args, "--format", "json", stdin=PASSWORD)
            validator = Draft202012Validator(schemas.json_schema(path), format_checker=FormatChecker())
            errors = list(validator.iter_errors(json.loads(done.stdout)))
            if errors:
                sys.exit(f"FAILED: panmun {' '.join(args)} --format json: {errors[0].message}")
            count += 1
    print(f"ok  {count} documented examples printed one JSON document valid against their schemas")


def main() -> None:
    tests = Path(sys.argv[1]).resolve()
    import panmun

    where = Path(panmun.__file__).resolve()
    if "site-packages" not in where.parts:
        sys.exit(f"FAILED: panmun was imported from {where}, not from an installed wheel")
    print(f"ok  panmun {panmun.__version__} imported from {where.parent}")
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        os.environ["PANMUN_DB"] = str(Path(tmp) / "smoke.duckdb")
        print("ok ", run("--version").stdout.strip())
        run("kb", "validate")
        print("ok  panmun kb validate")
        run("brief", "--out", "briefing.html")
        size = Path("briefing.html").stat().st_size
        assert size > 100_000, f"the briefing is only {size} bytes"
        print(f"ok  panmun brief: briefing.html, {size:,} bytes")
        serve_once()
        contract(tests)
        shutil.rmtree(Path(tmp) / "examples", ignore_errors=True)


if __name__ == "__main__":
    main()
