"""A report as bytes: PDF typeset by Typst, or one self-contained HTML page.

Typst (the ``typst`` package) needs no system service and embeds its own
fonts; with system fonts ignored and the document's date fixed to the
known-at day, the same report gives the same bytes on every machine. The
HTML page carries its CSS and its SVG charts inline. Both carry the basis
in the file (the PDF's subject, a meta element) for ``report --check``.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from datetime import UTC, datetime
from html import escape
from importlib.resources import files
from typing import Any

from scaletrack.application.reports.basis import Basis
from scaletrack.application.reports.content import Report
from scaletrack.domain.errors import InvalidInput


def render(report: Report) -> bytes:
    return pdf(report) if report.basis.format == "pdf" else html(report).encode()


def _basis_fields(basis: Basis) -> dict[str, Any]:
    day = basis.known_at.astimezone(UTC).date()
    return {"mark": basis.encode(), "digest": basis.digest, "known_at": basis.known_at_text,
            "as_of": basis.as_of.isoformat(), "scope": basis.scope, "span": basis.span,
            "command": basis.command(), "date": [day.year, day.month, day.day]}


def pdf(report: Report) -> bytes:
    import typst

    document = {"title": report.title, "synthetic": report.synthetic,
                "basis": _basis_fields(report.basis),
                "sections": [asdict(section) for section in report.sections]}
    template = files("scaletrack.application.reports").joinpath("report.typ").read_bytes()
    stamp = int(datetime.combine(report.basis.known_at.date(), datetime.min.time(),
                                 tzinfo=UTC).timestamp())
    output: bytes = typst.compile(template, ignore_system_fonts=True, timestamp=stamp,
                                  sys_inputs={"report": json.dumps(document)})
    return output


def basis_of_pdf(data: bytes) -> Basis:
    from io import BytesIO

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        metadata = PdfReader(BytesIO(data)).metadata
        subject = metadata.get("/Subject") if metadata else None
    except (PdfReadError, ValueError, OSError):
        raise InvalidInput("not a readable PDF") from None
    if not subject:
        raise InvalidInput("the PDF carries no scaletrack basis")
    return Basis.decode(str(subject))


_STYLE = """
body { font-family: Georgia, 'Libertinus Serif', serif; font-size: 14px; margin: 2em auto;
       max-width: 1100px; color: #222; padding: 0 1em 6em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: .4em 0; }
th, td { border: 1px solid #bbb; padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
.note { font-style: italic; color: #555; margin: .2em 0; }
.basis { font-size: .8em; border-top: 1px solid #999; padding-top: .3em; }
.basis code { font-size: .95em; }
.synthetic { background: #fff4d6; padding: .3em .6em; }
figure { margin: .6em 0; } figcaption { font-size: .85em; color: #444; }
@media print { footer.basis { position: fixed; bottom: 0; left: 0; right: 0;
                              background: white; } }
"""


def html(report: Report) -> str:
    basis = report.basis
    fields = _basis_fields(basis)
    stamp = (f"<b>Basis:</b> {escape(fields['digest'])}, as known at "
             f"{escape(fields['known_at'])}; as of {escape(fields['as_of'])}. "
             f"<b>Regenerate:</b> <code>{escape(fields['command'])}</code>")
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>{escape(report.title)}</title>",
             f'<meta name="scaletrack-basis" content="{escape(fields["mark"])}">',
             f"<style>{_STYLE}</style></head><body>",
             f'<header class="basis">{stamp}</header>', f"<h1>{escape(report.title)}</h1>"]
    if report.synthetic:
        parts.append('<p class="synthetic">Contains synthetic demo data (marked '
                     '"(synthetic)").</p>')
    for section in report.sections:
        parts.append(f"<section><h2>{escape(section.heading)}</h2>")
        if section.note:
            parts.append(f'<p class="note">{escape(section.note)}</p>')
        if section.rows:
            head = "".join(f"<th>{escape(c)}</th>" for c in section.columns)
            body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                           for row in section.rows)
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        else:
            parts.append("<p><i>None in this period.</i></p>")
        parts += [f"<figure>{chart.svg}<figcaption>{escape(chart.caption)}</figcaption>"
                  "</figure>" for chart in section.charts]
        parts.append("</section>")
    parts += [f'<footer class="basis">{stamp}</footer>', "</body></html>", ""]
    return "\n".join(parts)


_META = re.compile(rb'<meta name="scaletrack-basis" content="([^"]*)">')


def basis_of_html(data: bytes) -> Basis:
    from html import unescape

    found = _META.search(data)
    if not found:
        raise InvalidInput("the page carries no scaletrack basis")
    return Basis.decode(unescape(found[1].decode("utf-8", "replace")))


def basis_of(data: bytes) -> Basis:
    """The basis a report file carries (PDF or HTML)."""
    return basis_of_pdf(data) if data.startswith(b"%PDF") else basis_of_html(data)
