"""``scaletrack organisation``: organisations as records, each named once."""

from __future__ import annotations

from typing import Any

import click

from scaletrack.cli.context import session
from scaletrack.cli.options import (
    CODE,
    by_from,
    json_option,
    point_from,
    point_in_time_options,
    provenance_options,
)
from scaletrack.cli.render import emit_fields, emit_json, emit_table

TYPES = ("managing-authority", "intermediate-body", "funder", "support-organisation",
         "si-promoter", "public-service-provider", "social-enterprise", "research", "network")
"""The organisation types (scaletrack.domain.organisation.OrganisationType), here so that
``--help`` loads no domain model."""


@click.group()
def organisation() -> None:
    """Organisations: partners, providers, funders and the stakeholders of the maps."""


def _done(o: Any, as_json: bool) -> None:
    from scaletrack.application.queries.organisations import summary

    emit_json(summary(o)) if as_json else click.echo(f"{o.code}@{o.version}")


@organisation.command()
@click.argument("code", type=CODE)
@click.option("--name", required=True, help="Its name as it was at the time.")
@click.option("--type", "organisation_type", type=click.Choice(TYPES), required=True,
              help="What kind of organisation it is.")
@click.option("--country", required=True, metavar="CC", help="Its country (two letters).")
@provenance_options
@json_option
def add(code: str, name: str, organisation_type: str, country: str, as_json: bool,
        **kwargs: Any) -> None:
    """Register an organisation.

    \b
    Example:
      scaletrack organisation add FR-POLE-EMPLOI --name "Pôle emploi" \\
        --type public-service-provider --country FR --actor ana
    """
    from scaletrack.application.commands import RegisterOrganisation
    from scaletrack.domain.organisation import OrganisationType

    by = by_from(kwargs)
    command = RegisterOrganisation(code, name, OrganisationType(organisation_type), country)
    _done(session().ledger().handle(command, by=by), as_json)


@organisation.command()
@click.argument("code", type=CODE)
@click.option("--name", required=True, help="Its new name.")
@provenance_options
@json_option
def rename(code: str, name: str, as_json: bool, **kwargs: Any) -> None:
    """An organisation takes a new name (views as of earlier days keep the old one).

    \b
    Example:
      scaletrack organisation rename FR-POLE-EMPLOI --name "France Travail" \\
        --occurred-on 2024-01-01 --actor ana
    """
    from scaletrack.application.commands import RenameOrganisation

    by = by_from(kwargs)
    _done(session().ledger().handle(RenameOrganisation(code, name), by=by), as_json)


@organisation.command("list")
@click.option("--type", "organisation_type", type=click.Choice(TYPES),
              help="Only organisations of this type.")
@click.option("--country", metavar="CC", help="Only organisations of this country.")
@point_in_time_options
@json_option
def list_(organisation_type: str | None, country: str | None, as_json: bool,
          **point: Any) -> None:
    """List organisations, with their names as they were at the point, by name (case
    and accents aside), then code.

    \b
    Example:
      scaletrack organisation list --type public-service-provider --json
    """
    from scaletrack.application.queries.organisations import organisation_list

    rows = organisation_list(session().ledger(), organisation_type=organisation_type,
                             country=country, point=point_from(point))
    if as_json:
        emit_json(rows)
    else:
        emit_table(rows, ["code", "name", "type", "country"])


@organisation.command()
@click.argument("code", type=CODE)
@point_in_time_options
@json_option
def show(code: str, as_json: bool, **point: Any) -> None:
    """Show one organisation, the centres' maps it is on, and where consortia and pilots
    name it (partner, adopting provider, funder).

    \b
    Example:
      scaletrack organisation show FR-POLE-EMPLOI --as-of 2022-06-30
    """
    from scaletrack.application.queries.organisations import organisation_show

    shown = organisation_show(session().ledger(), code, point_from(point))
    emit_json(shown) if as_json else emit_fields(shown)


@organisation.command("supported")
@point_in_time_options
@json_option
def supported(as_json: bool, **point: Any) -> None:
    """EECO18 and EECO19: distinct organisations the pilots supported, not mentions.

    A pilot's partners and adopting providers are read as the organisations
    whose code or name they give; public administrations and services count
    for EECO18, social enterprises for EECO19.

    \b
    Example:
      scaletrack organisation supported --json
    """
    from scaletrack.application.queries.organisations import supported_entities

    document = supported_entities(session().ledger(), point_from(point))
    if as_json:
        emit_json(document)
    else:
        emit_table(document["indicators"], ["indicator", "organisations", "mentions"])
