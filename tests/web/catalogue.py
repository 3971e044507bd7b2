"""The web pages' messages, extracted from templates and code, and the English catalogue.

``python tests/web/catalogue.py`` rewrites the English catalogue from the
messages the pages use (English texts are the messages themselves); the
test in test_catalogue.py fails when it is out of step.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

import scaletrack.application
import scaletrack.web
from scaletrack.web.i18n import DOMAIN, LOCALES

PACKAGE = Path(scaletrack.web.__file__).parent
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2.ext:babel_extract")]
APPLICATION = Path(scaletrack.application.__file__).parent
WORDED = [("details.py", "python")]
"""The application's modules whose texts the pages show too (a decision's details)."""
FIXED = datetime(2026, 12, 1, tzinfo=UTC)  # a fixed header date: rewriting changes nothing else
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}


def extract() -> dict[str, list[tuple[str, int]]]:
    """Every message id the pages use, with where it is used (plural forms as 'one|many')."""
    found: dict[str, list[tuple[str, int]]] = {}
    for filename, line, message, _comments, _context in [
            *extract_from_dir(PACKAGE, METHODS, options_map=OPTIONS),
            *extract_from_dir(APPLICATION, WORDED)]:
        key = "|".join(message) if isinstance(message, tuple) else message
        found.setdefault(key, []).append((filename, line))
    return found


def english() -> Catalog:
    catalog = Catalog(locale="en", domain=DOMAIN, project="scaletrack",
                      header_comment="# English texts of scaletrack's web pages.",
                      creation_date=FIXED, revision_date=FIXED)
    for key, places in sorted(extract().items()):
        if "|" in key:
            singular, plural = key.split("|", 1)
            catalog.add((singular, plural), (singular, plural), locations=places)
        else:
            catalog.add(key, key, locations=places)
    return catalog


def main() -> None:
    path = LOCALES / "en" / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("wb") as po:
        write_po(po, english(), omit_header=False, sort_output=True, width=100)
    print(f"{len(english())} messages written to {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
