"""``panmun users``: accounts of the web workbench (add, remove, list, role, token).

Passwords are read from standard input (``--password-stdin``, for scripts) or asked for
twice at the terminal; there is no ``--password`` option, so no password lands in the
shell history or the process list.
"""

from __future__ import annotations

import enum
import sys

import typer

from panmun.cli.common import FormatOption, store_from
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
    with store_from(ctx) as store:
        user = auth.add_user(store, name, password, role.value)
    _changed(user.name, user.role, "added", fmt)


@app.command("remove", epilog="Example: panmun users remove kim")
def remove(ctx: typer.Context, name: str = typer.Argument(...), fmt: Format = FormatOption) -> None:
    """Delete an account with its sessions and API tokens."""
    from panmun.web import auth

    with store_from(ctx) as store:
        auth.remove_user(store, name)
    _changed(name, None, "removed", fmt)


@app.command("list", epilog="Example: panmun users list")
def list_(ctx: typer.Context, fmt: Format = FormatOption) -> None:
    """Every account: name, role, when and by whom it was created, active API tokens."""
    from panmun.web import auth

    with store_from(ctx) as store:
        users = auth.list_users(store)
    emit(Output({"users": Table(users, "Users")}), fmt)


@app.command("role", epilog="Example: panmun users role kim viewer")
def role(ctx: typer.Context, name: str = typer.Argument(...),
         new_role: Role = typer.Argument(..., metavar="ROLE"), fmt: Format = FormatOption) -> None:
    """Give an account another role (viewer, analyst, admin)."""
    from panmun.web import auth

    with store_from(ctx) as store:
        user = auth.set_role(store, name, new_role.value)
    _changed(user.name, user.role, "role", fmt)


@app.command("token", epilog="Example: panmun users token kim --label dashboard-script")
def token(ctx: typer.Context, name: str = typer.Argument(...),
          label: str | None = typer.Option(None, "--label", help="What the token is for."),
          fmt: Format = FormatOption) -> None:
    """Create an API token for NAME and print it (once: it is not stored, only its hash)."""
    from panmun.web import auth

    with store_from(ctx) as store:
        user = auth.require_user(store, name)
        token_id, secret = auth.new_token(store, user, label)
    if fmt == Format.table:   # the secret alone on standard output, for `TOKEN=$(panmun users token ...)`
        sys.stdout.write(secret + "\n")
        say(f"token {token_id} for {name}: send it as `Authorization: Bearer <token>`; it is shown only now.")
        return
    emit(Output(fields={"name": name, "token_id": token_id, "token": secret}), fmt)
