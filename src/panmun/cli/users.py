"""``panmun users``: accounts of the web workbench (add, remove, list, role, token, revoke).

Passwords are read from standard input (``--password-stdin``, for scripts) or asked for
twice at the terminal; there is no ``--password`` option, so no password lands in the
shell history or the process list.

Every command works whether or not ``panmun serve`` runs on the store: when the server holds
the store, the change is sent to it and made through its own connection
(:mod:`panmun.web.admin`), and it applies from the account's next request.
"""

from __future__ import annotations

import enum
import sys
from contextlib import contextmanager

import typer

from panmun.cli.common import FormatOption
from panmun.cli.output import Format, Output, Table, emit, say
from panmun.errors import InputError

app = typer.Typer(help="Accounts of the web workbench.", no_args_is_help=True)


class Role(enum.StrEnum):
    viewer = "viewer"
    analyst = "analyst"
    admin = "admin"


def _password(from_stdin: bool) -> str:
    """The new password: one line of standard input, or typed twice at a prompt."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise InputError("--password-stdin: standard input is empty",
                             hint="Pipe the password in: `printf '%s\\n' \"$PW\" | panmun users add ...`.")
        return line.rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@contextmanager
def _accounts(ctx: typer.Context):
    """The accounts of the store chosen by the global ``--db`` (or PANMUN_DB, or the default):
    on the store itself, or through the running server that holds it."""
    from panmun.web.admin import accounts_for

    with accounts_for((ctx.obj or {}).get("db") if ctx is not None else None) as accounts:
        yield accounts


def _changed(name: str, role: str | None, action: str, fmt: Format) -> None:
    emit(Output(fields={"name": name, "role": role, "action": action}, title=f"{action} {name}"), fmt)


@app.command("add", epilog="Example: panmun users add kim --role analyst --password-stdin  "
             "# the password on standard input")
def add(ctx: typer.Context, name: str = typer.Argument(..., help="1-40 characters of a-z, 0-9, . _ -"),
        role: Role = typer.Option(Role.analyst, "--role", help="viewer, analyst or admin."),
        password_stdin: bool = typer.Option(
            False, "--password-stdin", help="Read the password from standard input (one line)."),
        fmt: Format = FormatOption) -> None:
    """Create an account (the password is stored as an argon2 hash)."""
    from panmun.web import auth

    auth.check_name(name)
    password = auth.check_password(_password(password_stdin))
    with _accounts(ctx) as accounts:
        user = accounts.add(name, password, role.value)
    _changed(user["name"], user["role"], "added", fmt)


@app.command("remove", epilog="Example: panmun users remove kim")
def remove(ctx: typer.Context, name: str = typer.Argument(...), fmt: Format = FormatOption) -> None:
    """Delete an account with its sessions and API tokens."""
    with _accounts(ctx) as accounts:
        accounts.remove(name)
    _changed(name, None, "removed", fmt)


@app.command("list", epilog="Example: panmun users list")
def list_(ctx: typer.Context, fmt: Format = FormatOption) -> None:
    """Every account: name, role, when and by whom it was created, active API tokens."""
    with _accounts(ctx) as accounts:
        users = accounts.list()
    emit(Output({"users": Table(users, "Users", keys=USER_COLUMNS)}), fmt)


USER_COLUMNS = ("name", "role", "created_at", "created_by", "tokens")


@app.command("role", epilog="Examples: panmun users role kim viewer\n\n"
                            "panmun users role kim --role viewer")
def role(ctx: typer.Context, name: str = typer.Argument(...),
         new_role: Role | None = typer.Argument(None, metavar="[ROLE]", help="viewer, analyst or admin."),
         role_option: Role | None = typer.Option(None, "--role", help="The new role (instead of ROLE)."),
         fmt: Format = FormatOption) -> None:
    """Give an account another role (viewer, analyst, admin), as ROLE or with --role."""
    if new_role is not None and role_option is not None and new_role != role_option:
        raise typer.BadParameter(f"ROLE {new_role.value} and --role {role_option.value} differ; give one")
    chosen = new_role or role_option
    if chosen is None:
        raise typer.BadParameter("give the new role: `panmun users role NAME ROLE` or `--role ROLE`")
    with _accounts(ctx) as accounts:
        user = accounts.role(name, chosen.value)
    _changed(user["name"], user["role"], "role", fmt)


@app.command("token", epilog="Example: panmun users token kim --label dashboard-script")
def token(ctx: typer.Context, name: str = typer.Argument(...),
          label: str | None = typer.Option(None, "--label", help="What the token is for."),
          fmt: Format = FormatOption) -> None:
    """Create an API token for NAME and print it (once: it is not stored, only its hash)."""
    with _accounts(ctx) as accounts:
        made = accounts.token(name, label)
    token_id, secret = made["token_id"], made["token"]
    if fmt == Format.table:   # the secret alone on standard output, for `TOKEN=$(panmun users token ...)`
        sys.stdout.write(secret + "\n")
        say(f"token {token_id} for {name}: send it as `Authorization: Bearer <token>`; it is shown only now.")
        return
    emit(Output(fields={"name": name, "token_id": token_id, "token": secret}), fmt)


@app.command("revoke", epilog="Example: panmun users revoke kim")
def revoke(ctx: typer.Context,
           name: str = typer.Argument(..., help="The account whose sessions and tokens end."),
           fmt: Format = FormatOption) -> None:
    """End every session and revoke every API token of NAME at once (a stolen password or token:
    its holder is out at the next request). A name without an account has nothing to revoke:
    that is said, and is not an error."""
    with _accounts(ctx) as accounts:
        done = accounts.revoke(name)
    if not done["account"]:
        say(f"no account {name!r}: nothing to revoke (`panmun users list` shows the accounts)")
    emit(Output(fields=done, title=f"revoked {name}"), fmt)
