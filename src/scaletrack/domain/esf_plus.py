"""Where ESF+ money goes: the European Social Fund Plus covers the EU's member states.

A roll-up that says "ESF+" counts only these countries (Regulation (EU)
2021/1057 funds the member states' programmes): the UK left the EU in 2020
and has no ESF+ programme, so participants in Scotland stay out of it. The
store keeps Greece as GR (ISO 3166-1); the EU's own EL names the same country.
"""

from __future__ import annotations

from scaletrack.domain.vocabulary import EU_COUNTRY_ALIASES

ESF_PLUS_COUNTRIES = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"
})
"""The 27 EU member states, by the codes the store keeps."""


def is_esf_plus_country(code: str) -> bool:
    """Whether ESF+ programmes cover a country (EL, the EU's code for Greece, is GR)."""
    found = code.strip().upper()
    return EU_COUNTRY_ALIASES.get(found, found) in ESF_PLUS_COUNTRIES
