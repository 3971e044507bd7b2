"""``scaletrack consortium``: register consortia, their countries, partners and centres."""

from __future__ import annotations

from typing import Any

import click

from scaletrack.cli.context import session
from scaletrack.cli.options import CODE, by_from, json_option, provenance_options
from scaletrack.cli.render import emit_fields, emit_json, emit_table


@click.group()
def consortium() -> None:
    """Consortia: transnational projects with member countries and partners."""


def _done(c: Any, as_json: bool) -> None:
    from scaletrack.application.summaries import consortium_summary

    summary = consortium_summary(c)
    emit_json(summary) if as_json else click.echo(f"{c.code}@{c.version}")


@consortium.command()
@click.argument("code", type=CODE)
@click.option("--name", required=True, help="Full name.")
@click.option("--lead", required=True, help="Lead organisation.")
@click.option("--country", "countries", multiple=True, required=True, metavar="CC",
              help="Member country code (repeatable).")
@provenance_options
@json_option
def register(code: str, name: str, lead: str, countries: tuple[str, ...], as_json: bool,
             **kwargs: Any) -> None:
    """Register a consortium.

    \b
    Example:
      scaletrack consortium register SEED --name "Social innovation Ecosystem Development" \\
        --lead "City of Turin" --country IT --country GR --country RO --country SI --actor ana
    """
    from scaletrack.application.commands import RegisterConsortium

    by = by_from(kwargs)
    _done(session().ledger().handle(RegisterConsortium(code, name, lead, countries), by=by),
          as_json)


@consortium.command("add-country")
@click.argument("code", type=CODE)
@click.argument("country")
@provenance_options
@json_option
def add_country(code: str, country: str, as_json: bool, **kwargs: Any) -> None:
    """A country joins the consortium.

    \b
    Example:
      scaletrack consortium add-country SEED HR --actor ana
    """
    from scaletrack.application.commands import AddCountry

    by = by_from(kwargs)
    _done(session().ledger().handle(AddCountry(code, country), by=by), as_json)


@consortium.command("remove-country")
@click.argument("code", type=CODE)
@click.argument("country")
@provenance_options
@json_option
def remove_country(code: str, country: str, as_json: bool, **kwargs: Any) -> None:
    """A member country leaves the consortium (needs --reason).

    Refused while one of its pilots is scaled into the country, or a partner
    or competence centre of the consortium is in it.

    \b
    Example:
      scaletrack consortium remove-country SEED SI --reason "Registered by mistake" --actor ana
    """
    from scaletrack.application.commands import RemoveCountry

    by = by_from(kwargs)
    _done(session().ledger().handle(RemoveCountry(code, country), by=by), as_json)


@consortium.command()
@click.argument("code", type=CODE)
@click.option("--name", help="The new full name.")
@click.option("--lead", help="The new lead organisation.")
@provenance_options
@json_option
def amend(code: str, name: str | None, lead: str | None, as_json: bool,
          **kwargs: Any) -> None:
    """Amend the consortium's name or lead (needs --reason); what is not given stays.

    \b
    Example:
      scaletrack consortium amend SEED --lead "City of Turin (Italy)" \\
        --reason "As the grant agreement names it" --actor ana
    """
    from scaletrack.application.commands import AmendConsortium

    by = by_from(kwargs)
    _done(session().ledger().handle(AmendConsortium(code, name, lead), by=by), as_json)


@consortium.command("add-partner")
@click.argument("code", type=CODE)
@click.option("--organisation", required=True, help="Partner organisation's name.")
@click.option("--country", required=True, metavar="CC", help="Its country (a member).")
@click.option("--role", default="partner", show_default=True, help="Its role.")
@provenance_options
@json_option
def add_partner(code: str, organisation: str, country: str, role: str, as_json: bool,
                **kwargs: Any) -> None:
    """Add a partner organisation.

    \b
    Example:
      scaletrack consortium add-partner SEED --organisation "Impact Hub Athens" \\
        --country GR --actor ana
    """
    from scaletrack.application.commands import AddPartner

    by = by_from(kwargs)
    _done(session().ledger().handle(AddPartner(code, organisation, country, role), by=by),
          as_json)


@consortium.command("establish-centre")
@click.argument("code", type=CODE)
@click.option("--country", required=True, metavar="CC", help="Country of the centre.")
@click.option("--name", required=True, help="The centre's name.")
@provenance_options
@json_option
def establish_centre(code: str, country: str, name: str, as_json: bool, **kwargs: Any) -> None:
    """Establish a competence centre for social innovation in a member country.

    \b
    Example:
      scaletrack consortium establish-centre SEED --country GR --name "SI Centre Greece" \\
        --actor ana
    """
    from scaletrack.application.commands import EstablishCentre

    by = by_from(kwargs)
    _done(session().ledger().handle(EstablishCentre(code, country, name), by=by), as_json)


@consortium.command("list")
@json_option
def list_(as_json: bool) -> None:
    """List consortia.

    \b
    Example:
      scaletrack consortium list --json
    """
    from scaletrack.application.queries.lists import consortium_list

    rows = consortium_list(session().read_store())
    if as_json:
        emit_json(rows)
    else:
        emit_table(rows, ["code", "name", "lead", "countries"])


@consortium.command()
@click.argument("code", type=CODE)
@json_option
def show(code: str, as_json: bool) -> None:
    """Show one consortium.

    \b
    Example:
      scaletrack consortium show SEED
    """
    from scaletrack.application.queries.show import consortium_show

    summary = consortium_show(session().ledger(), code)
    emit_json(summary) if as_json else emit_fields(summary)
