"""``scaletrack user``: the accounts that sign in to the server, their roles and tokens."""

from __future__ import annotations

from typing import Any

import click

from scaletrack.cli.context import session
from scaletrack.cli.options import CODE, actor_option, json_option
from scaletrack.cli.render import emit_json, emit_table, say

ROLES = ("admin", "lead", "officer", "evaluator", "auditor")


def _accounts() -> Any:
    from scaletrack.application.accounts import Accounts

    return Accounts(session().ledger())


def _by(actor: str | None) -> Any:
    return session().ledger().provenance(actor)


@click.group()
def user() -> None:
    """Accounts: who signs in to `scaletrack serve`, with which role.

    Passwords and tokens are shown once, when made; only their Argon2 hashes
    are kept, in a table of their own that no export reads.
    """


@user.command()
@click.argument("login")
@click.option("--name", required=True, help="The person's name, as events will show it.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What they may do.")
@click.option("--consortium", "consortia", multiple=True, type=CODE, metavar="CODE",
              help="A consortium a lead leads (repeatable; leads only).")
@actor_option
@json_option
def add(login: str, name: str, role: str, consortia: tuple[str, ...], actor: str | None,
        as_json: bool) -> None:
    """Add an account; prints its generated password once.

    \b
    Example:
      scaletrack user add ana --name "Ana Rossi" --role lead --consortium SEED --actor admin
    """
    from scaletrack.application.accounts import account_summary, parse_role

    account, issued = _accounts().add(login, name, parse_role(role), list(consortia),
                                      _by(actor))
    if as_json:
        emit_json({**account_summary(account), "password": issued.secret})
        return
    click.echo(issued.secret)
    say(f"account {account.login} added; its password is shown above, this once")


@user.command()
@click.argument("login")
@click.option("--revoke", "revoke", metavar="TOKEN_ID", help="Revoke this token instead.")
@actor_option
@json_option
def token(login: str, revoke: str | None, actor: str | None, as_json: bool) -> None:
    """Issue an API token for scripts (shown once), or revoke one.

    \b
    Example:
      scaletrack user token ana --actor admin
      curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/api/v1/views/progress
    """
    from scaletrack.application.accounts import account_summary

    accounts = _accounts()
    if revoke:
        account = accounts.revoke_token(login, revoke, _by(actor))
        emit_json(account_summary(account)) if as_json else say(
            f"token {revoke} of {account.login} revoked")
        return
    account, issued = accounts.issue_token(login, _by(actor))
    if as_json:
        emit_json({"login": account.login, "token_id": issued.token_id, "token": issued.secret})
        return
    click.echo(issued.secret)
    say(f"token {issued.token_id} issued to {account.login}; shown above, this once")


@user.command("list")
@json_option
def list_(as_json: bool) -> None:
    """List accounts, their roles and token ids (never a secret).

    \b
    Example:
      scaletrack user list --json
    """
    from scaletrack.application.accounts import account_summary

    rows = [account_summary(a) for a in _accounts().all()]
    if as_json:
        emit_json(rows)
    else:
        emit_table(rows, ["login", "name", "roles", "consortia", "disabled", "tokens"])


@user.command()
@click.argument("login")
@actor_option
@json_option
def disable(login: str, actor: str | None, as_json: bool) -> None:
    """Disable an account: it can no longer sign in, and its tokens stop working.

    \b
    Example:
      scaletrack user disable ana --actor admin
    """
    from scaletrack.application.accounts import account_summary

    account = _accounts().disable(login, _by(actor))
    emit_json(account_summary(account)) if as_json else say(f"account {account.login} disabled")


@user.command()
@click.argument("login")
@click.option("--role", required=True, type=click.Choice(ROLES), help="The role to grant.")
@click.option("--consortium", "consortia", multiple=True, type=CODE, metavar="CODE",
              help="A consortium a lead leads (repeatable; leads only).")
@actor_option
@json_option
def grant(login: str, role: str, consortia: tuple[str, ...], actor: str | None,
          as_json: bool) -> None:
    """Grant a role to an account (a lead: of more consortia).

    \b
    Example:
      scaletrack user grant ana --role lead --consortium FUSE --actor admin
    """
    from scaletrack.application.accounts import account_summary, parse_role

    account = _accounts().grant(login, parse_role(role), list(consortia), _by(actor))
    emit_json(account_summary(account)) if as_json else click.echo(
        f"{account.login}@{account.version}")


@user.command()
@click.argument("login")
@click.option("--role", required=True, type=click.Choice(ROLES), help="The role to revoke.")
@actor_option
@json_option
def revoke(login: str, role: str, actor: str | None, as_json: bool) -> None:
    """Revoke a role from an account.

    \b
    Example:
      scaletrack user revoke ana --role lead --actor admin
    """
    from scaletrack.application.accounts import account_summary, parse_role

    account = _accounts().revoke(login, parse_role(role), _by(actor))
    emit_json(account_summary(account)) if as_json else click.echo(
        f"{account.login}@{account.version}")
