"""The one order of the lists that name things (organisations, competence centres): by
name, ignoring case and accents, then by code, so the same records come in the same order
whoever asks (CLI, API, web pages) and however they were registered. A row that has no
name yet (a member country without an established centre) comes after the named ones."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from scaletrack.application.documents import Document


def folded(name: str) -> str:
    """A name as the order compares it: without accents or case ("Pôle" as "pole")."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def by_name(rows: Iterable[Document], *, name: str, code: Sequence[str]) -> list[Document]:
    """``rows`` by the field ``name``, then by the fields of ``code`` (the tie-breaker that
    keeps the order stable: codes are unique)."""
    def key(row: Document) -> tuple[bool, str, tuple[str, ...]]:
        named = row.get(name)
        return (not named, folded(str(named or "")), tuple(str(row[c]) for c in code))

    return sorted(rows, key=key)
