"""Every text the pages show has an English text, and the catalogue has nothing stale."""

from __future__ import annotations

from babel.messages.pofile import read_po
from catalogue import extract

from scaletrack.web.i18n import DOMAIN, LOCALES, language, negotiate


def english_messages() -> dict[str, str]:
    with (LOCALES / "en" / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as po:
        catalog = read_po(po)
    return {joined(m.id): joined(m.string) for m in catalog if m.id}


def joined(text: str | list[str] | tuple[str, ...] | None) -> str:
    """A message's text; a plural's forms joined by '|'."""
    return "|".join(text) if isinstance(text, list | tuple) else text or ""


def test_every_message_the_pages_use_has_an_english_text() -> None:
    used, english = extract(), english_messages()
    missing = sorted(set(used) - set(english))
    untranslated = sorted(k for k, v in english.items() if not v.replace("|", ""))
    assert not missing, f"run python tests/web/catalogue.py; missing: {missing[:5]}"
    assert not untranslated
    assert len(used) > 20  # the extraction found the templates


def test_the_catalogue_has_no_message_the_pages_no_longer_use() -> None:
    stale = sorted(set(english_messages()) - set(extract()))
    assert not stale, f"run python tests/web/catalogue.py; stale: {stale[:5]}"


def test_an_unknown_language_falls_back_to_english() -> None:
    assert negotiate("xx-YY, zz;q=0.5").code == "en"
    assert negotiate(None) is language("en")


def test_numbers_carry_their_unit_and_dates_have_one_format() -> None:
    en = language("en")
    assert en.number(1234.5, "people") == "1,234.5\u00a0people"
    assert en.number(None) == ""
    assert en.moment("2022-03-31T14:05:09.123+02:00") == "2022-03-31 12:05:09 UTC"
