"""The facts and inventions the demo data set is made of.

Consortium codes, names, leads and countries, the indicator names and
SEED's three public pilots come from DOMAIN.md. Everything else (partner
organisations, centre names, the other pilots, people, and every event
about them) is invented and says so: "(synthetic)" in its name or title,
and every demo actor's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scaletrack.domain.esf_plus import COMMON_INDICATORS, TOTAL

SYNTHETIC = "(synthetic)"


def synthetic(text: str) -> str:
    return f"{text} {SYNTHETIC}"


@dataclass(frozen=True)
class ConsortiumFacts:
    code: str
    name: str
    lead: str
    countries: tuple[str, ...]
    joins_later: tuple[str, date] | None
    """A member country recorded as joining after registration, and when."""
    partners: tuple[tuple[str, str, str], ...]
    """(organisation, country, role)."""
    lead_actor: str
    reporter: str


def _p(organisation: str, country: str, role: str = "partner") -> tuple[str, str, str]:
    return organisation, country, role


CONSORTIA: tuple[ConsortiumFacts, ...] = (
    ConsortiumFacts(
        "BUICASUS", "Building Capacity for a Sustainable Society",
        "Spanish ministry of social rights (with the ESF managing authority)",
        ("ES", "FR", "SE", "LV"), None,
        (_p("Spanish ministry of social rights", "ES", "lead"),
         _p("Spanish ESF managing authority", "ES", "ESF managing authority"),
         _p(synthetic("Atelier Innovation Sociale Lyon"), "FR"),
         _p(synthetic("Social Innovation Skåne"), "SE"),
         _p(synthetic("Riga Social Impact Hub"), "LV")),
        synthetic("Lucía Ortega"), synthetic("Marc Duval")),
    ConsortiumFacts(
        "ESIA", "European Social Innovation Alliance", "German partners",
        ("DE", "DK", "EE", "PL"), ("GB", date(2021, 9, 13)),
        (_p(synthetic("Sozialinnovation Werkstatt Berlin"), "DE", "lead"),
         _p(synthetic("Center for Social Innovation Aarhus"), "DK"),
         _p(synthetic("Tallinn Social Innovation Lab"), "EE"),
         _p(synthetic("Fundacja Innowacji Społecznych Kraków"), "PL"),
         _p(synthetic("Scottish Social Innovation Partnership"), "GB")),
        synthetic("Jonas Weber"), synthetic("Mette Lund")),
    ConsortiumFacts(
        "FUSE", "Facilitating United Approaches to SI in Europe", "Rethink Ireland with Genio",
        ("IE", "PT", "BG", "CY"), None,
        (_p("Rethink Ireland", "IE", "lead"), _p("Genio", "IE", "co-lead"),
         _p(synthetic("Associação Inovação Social Porto"), "PT"),
         _p(synthetic("Sofia Social Enterprise Foundation"), "BG"),
         _p(synthetic("Cyprus Social Innovation Forum"), "CY")),
        synthetic("Aoife Byrne"), synthetic("Rui Pereira")),
    ConsortiumFacts(
        "PENCIL", "Pan European Social Innovation Lab",
        "European Social Fund Agency (ESFA), Lithuania, with the Belgian, Czech and Finnish "
        "ESF managing authorities",
        ("LT", "BE", "CZ", "FI"), None,
        (_p("European Social Fund Agency (ESFA), Lithuania", "LT", "lead"),
         _p(synthetic("Brussels Social Innovation Collective"), "BE"),
         _p("Belgian ESF managing authority", "BE", "ESF managing authority"),
         _p(synthetic("Brno Social Innovation Institute"), "CZ"),
         _p("Czech ESF managing authority", "CZ", "ESF managing authority"),
         _p(synthetic("Tampere Social Innovation Lab"), "FI"),
         _p("Finnish ESF managing authority", "FI", "ESF managing authority")),
        synthetic("Rūta Kazlauskė"), synthetic("Pieter Claes")),
    ConsortiumFacts(
        "SIPLUS", "Social Innovation Plus", "L&R Social Research, AT",
        ("AT", "HU", "SK"), ("BG", date(2021, 7, 20)),
        (_p("L&R Social Research", "AT", "lead"),
         _p(synthetic("Budapest Social Innovation Association"), "HU"),
         _p(synthetic("Bratislava Social Economy Centre"), "SK"),
         _p(synthetic("Plovdiv Social Economy Network"), "BG")),
        synthetic("Katharina Huber"), synthetic("Zsófia Nagy")),
    ConsortiumFacts(
        "SEED", "Social innovation Ecosystem Development", "City of Turin",
        ("IT", "GR", "RO", "SI"), None,
        (_p("City of Turin", "IT", "lead"),
         _p(synthetic("Hellenic Local Innovation Network"), "GR"),
         _p(synthetic("Cluj Social Innovation Association"), "RO"),
         _p(synthetic("Ljubljana Digital Social Lab"), "SI")),
        synthetic("Giulia Romano"), synthetic("Eleni Papadopoulou")),
)

OFFICERS = {
    "BUICASUS": synthetic("Carmen Ruiz, programme officer"),
    "ESIA": synthetic("Anna Virtanen, programme officer"),
    "FUSE": synthetic("Siobhán Walsh, programme officer"),
    "PENCIL": synthetic("Tomas Petrauskas, programme officer"),
    "SIPLUS": synthetic("Martin Gruber, programme officer"),
    "SEED": synthetic("Paola Conti, programme officer"),
}
"""The ESF+ managing authorities' officer who approves a consortium's period reports."""
EVALUATORS = (synthetic("Tomás Ferreira, external evaluator"),
              synthetic("Ingrid Solberg, external evaluator"),
              synthetic("Daniel Kowalski, external evaluator"),
              synthetic("Hanna Lehtonen, external evaluator"))
"""Evaluators, each of several pilots (a pilot's by its place in PILOTS)."""
CATALOGUE_KEEPER = synthetic("Indicator working group")


def _indicator(name: str, level: str, measure: str, unit: str, accumulation: str,
               dimensions: tuple[str, ...] = (), direction: str = "higher") -> dict[str, Any]:
    return {"name": name, "level": level, "measure": measure, "unit": unit,
            "direction": direction, "accumulation": accumulation,
            "dimensions": list(dimensions)}


def _common(code: str, dimensions: tuple[str, ...] = ("sex",)) -> dict[str, Any]:
    """An ESF+ common indicator as Annex I defines it (its name, level and unit)."""
    c = COMMON_INDICATORS[code]
    return {**_indicator(c.name, str(c.level), "unit", c.unit, str(c.accumulation),
                         dimensions), "esf_common": True}


INDICATORS: dict[str, dict[str, Any]] = {
    # ESF+ common indicators (Regulation (EU) 2021/1057, Annex I): all 24, as the regulation
    # names and counts them; EECO02-EECO11 are the breakdowns of EECO01 the pilots give
    **{code: _common(code, {TOTAL: ("sex", "age-band", "employment-status", "isced"),
                            "EECO18": ("country",), "EECO19": ("country",)
                            }.get(code, ("sex",)))
       for code in COMMON_INDICATORS},
    # Social-innovation-specific indicators
    "SITES": _indicator("Sites operational", "output", "unit", "sites", "snapshot",
                        ("country",)),
    "ADOPT-ORG": _indicator("Organisations adopting the model", "outcome", "unit",
                            "organisations", "cumulative", ("country",)),
    "PUB-COMMISSION": _indicator("Public providers commissioning", "outcome", "unit",
                                 "providers", "cumulative", ("country",)),
    "EARNED-INCOME": _indicator("Share of costs from earned income", "outcome",
                                "percentage", "%", "snapshot"),
    "STAFF-TRAINED": _indicator("Staff trained", "output", "unit", "persons", "incremental",
                                ("sex",)),
    "FIDELITY": _indicator("Fidelity score", "outcome", "ordinal", "score 1-5", "snapshot"),
    "POLICY-CHANGE": _indicator("Policy change narrative", "impact", "qualitative", "",
                                "snapshot"),
    "MEDIA-MENTIONS": _indicator(synthetic("Media mentions"), "output", "unit", "mentions",
                                 "incremental"),
}

PARTICIPANTS = TOTAL
"""The demo's participant count: EECO01, broken down by sex, age band, employment status
and ISCED level at entry (those figures come only from it)."""
PART_REVISION = {"dimensions": ["sex", "age-band", "employment-status", "isced", "country"]}
"""Transnational pilots are asked for a country breakdown of participants too."""
PART_REVISED_ON = date(2022, 6, 15)
RETIRED = "MEDIA-MENTIONS"
RETIRED_ON = date(2022, 6, 30)
LAST_PERIOD = {RETIRED: "2022-Q1"}
"""Pilots stop reporting an indicator after this period (it is retired)."""
EVERY_SECOND_QUARTER = frozenset({"POLICY-CHANGE", "FIDELITY", "EARNED-INCOME"})
FORGOTTEN = frozenset({("SEED-GR-01", "SITES", "2022-Q2")})
"""Results a lead forgot and the officer approved the period without: the demo's one
deliberate data-quality finding (missing-report)."""


@dataclass(frozen=True)
class PilotFacts:
    code: str
    title: str
    innovation: str
    origin: str
    targets: tuple[str, ...]
    core: tuple[str, ...]
    adaptable: tuple[str, ...]
    pathway: tuple[str, tuple[str, ...], str, str | None]
    """pilot type, scaling dimensions, mechanism, affiliation form."""
    indicators: tuple[str, ...]
    fate: str
    """Where the story ends: piloting, evaluated, rolling-out, sustained, closed,
    adapting (evaluated, adapting, piloting again), adapted (... and rolled out)
    or stopped."""
    registered: date
    evaluated: date | None = None
    closes: date | None = None
    reevaluated: date | None = None
    providers: tuple[tuple[str, str], ...] = field(default=())
    """Public service providers that decide on adoption: (name, level)."""

    @property
    def consortium(self) -> str:
        return self.code.split("-")[0]


_REPLICATE = ("replication", ("out",), "dissemination", None)
_GREEK_CITIES = ("Athens", "Thessaloniki", "Patras", "Heraklion", "Larissa", "Volos",
                 "Ioannina", "Kalamata", "Trikala", "Chania")

PILOTS: tuple[PilotFacts, ...] = (
    PilotFacts(
        "SEED-IT-01", "Design policy lab with ESF managing authorities",
        "Design policy lab", "IT", ("IT",),
        ("Co-design sessions with managing authority staff", "Prototype-test-revise cycle"),
        ("Session format", "Policy topic"),
        ("scale-up", ("up",), "dissemination", None),
        ("EECO18", "STAFF-TRAINED", "PUB-COMMISSION", "POLICY-CHANGE"),
        "rolling-out", date(2021, 5, 20), date(2022, 11, 15),
        providers=(("Piedmont regional ESF+ managing authority", "regional"),
                   ("City of Turin social policy department", "local"),
                   ("Italian national ESF+ programme authority", "national"))),
    PilotFacts(
        "SEED-GR-01", "Local social innovation mapping scaled to ten Greek cities",
        "Local social innovation ecosystem mapping", "GR", ("GR",),
        ("Mapping protocol for promoters, funders and support organisations",
         "Open map published per city"),
        ("Survey channels", "Workshop format"),
        ("replication", ("out",), "affiliation", "memorandum"),
        ("EECO01", "SITES", "ADOPT-ORG", "POLICY-CHANGE"),
        "sustained", date(2021, 5, 24), date(2022, 10, 10),
        providers=tuple((f"Municipality of {city}", "local") for city in _GREEK_CITIES)),
    PilotFacts(
        "SEED-SI-01", "Digital social innovation lab scaled up", "Digital social innovation lab",
        "SI", ("SI",),
        ("Open digital platform for social challenges", "Mentoring by the competence centre"),
        ("Challenge themes", "Online and on-site mix"),
        ("scale-up", ("up", "deep"), "branching", None),
        ("EECO01", "EECO19", "ADOPT-ORG", "EARNED-INCOME"),
        "rolling-out", date(2021, 6, 7), date(2022, 12, 5),
        providers=(("Slovenian ministry of public administration", "national"),)),
    PilotFacts(
        "SEED-RO-01", synthetic("Participatory budgeting for social services in Romanian towns"),
        synthetic("Participatory social-services budgeting"), "IT", ("RO",),
        ("Citizens' vote on a ring-fenced budget", "Public report on spending"),
        ("Voting channel", "Budget share"),
        _REPLICATE, ("EECO18", "PUB-COMMISSION", "STAFF-TRAINED", "POLICY-CHANGE"),
        "evaluated", date(2021, 9, 13), date(2023, 5, 8),
        providers=((synthetic("Town council of Alba Iulia"), "local"),
                   (synthetic("Town council of Sibiu"), "local"))),
    PilotFacts(
        "BUICASUS-ES-01", synthetic("Social innovation criteria in regional ESF+ calls"),
        synthetic("Award criteria and guidance for social innovation in ESF+ calls"),
        "ES", ("ES",),
        ("Scoring grid for social innovation", "Guidance for applicants"),
        ("Weight of the criterion", "Call topics"),
        ("scale-up", ("up",), "dissemination", None),
        ("EECO18", "PUB-COMMISSION", "STAFF-TRAINED", "POLICY-CHANGE"),
        "sustained", date(2021, 5, 17), date(2022, 9, 20),
        providers=((synthetic("Regional ESF+ body of Andalusia"), "regional"),
                   (synthetic("Regional ESF+ body of Castilla y León"), "regional"),
                   (synthetic("Regional ESF+ body of Galicia"), "regional"))),
    PilotFacts(
        "BUICASUS-FR-01", synthetic("Peer mentoring for the long-term unemployed"),
        synthetic("Peer mentoring by former job seekers"), "ES", ("FR",),
        ("Mentor-mentee matching", "Mentor training curriculum"),
        ("Meeting frequency", "Partner employers"),
        ("replication", ("out",), "affiliation", "licence"),
        ("EECO01", "EECO03", "EECR04", "EECR05", "SITES"),
        "rolling-out", date(2021, 6, 14), date(2022, 11, 21),
        providers=((synthetic("Pôle emploi regional office, Lyon"), "regional"),)),
    PilotFacts(
        "BUICASUS-SE-01", synthetic("Municipal co-creation labs for elderly care"),
        synthetic("Co-creation labs with older residents"), "SE", ("SE", "LV"),
        ("Residents co-design services", "Municipal staff facilitate"),
        ("Lab location", "Service themes"),
        ("scale-up", ("up", "deep"), "dissemination", None),
        ("EECO01", "EECO18", "PUB-COMMISSION", "FIDELITY"),
        "closed", date(2021, 5, 31), date(2022, 8, 25), date(2023, 3, 31),
        providers=((synthetic("Municipality of Malmö elderly care"), "local"),
                   (synthetic("Municipality of Jelgava social service"), "local"))),
    PilotFacts(
        "BUICASUS-LV-01", synthetic("Rural social enterprise incubator"),
        synthetic("Incubator for rural social enterprises"), "SE", ("LV",),
        ("Twelve-week incubation programme", "Peer network of founders"),
        ("Sector focus", "Mentor pool"),
        ("replication", ("out",), "branching", None),
        ("EECO01", "EECO17", "SITES", "EARNED-INCOME"),
        "evaluated", date(2022, 1, 17), date(2023, 5, 10)),
    PilotFacts(
        "ESIA-DE-01", synthetic("Outcome-based contract for youth employment coaching"),
        synthetic("Youth coaching paid by outcomes"), "DE", ("DE",),
        ("Payment by verified job outcomes", "Independent outcome verification"),
        ("Coaching intensity", "Referral channels"),
        ("scale-up", ("up",), "affiliation", "subcontract"),
        ("EECO01", "EECR04", "EECR05", "PUB-COMMISSION", "EARNED-INCOME"),
        "rolling-out", date(2021, 6, 1), date(2022, 10, 25),
        providers=((synthetic("Jobcenter Berlin Mitte"), "local"),
                   (synthetic("Federal employment agency, regional directorate"), "regional"))),
    PilotFacts(
        "ESIA-DK-01", synthetic("Housing-first support for young adults"),
        synthetic("Housing first for young adults"), "DK", ("DK", "EE"),
        ("Housing without preconditions", "Intensive case management"),
        ("Caseload size", "Housing providers"),
        ("replication", ("out",), "affiliation", "licence"),
        ("EECO01", "EECO16", "SITES", "FIDELITY"),
        "closed", date(2021, 5, 25), date(2022, 7, 15), date(2023, 3, 31),
        providers=((synthetic("Municipality of Aarhus"), "local"),
                   (synthetic("Tartu city government"), "local"))),
    PilotFacts(
        "ESIA-EE-01", synthetic("Digital skills clubs for older people"),
        synthetic("Digital skills clubs run by peers"), "EE", ("EE", "PL"),
        ("Peer tutors of the same age", "Weekly club meetings"),
        ("Venue", "Devices used"),
        ("replication", ("out",), "affiliation", "franchise"),
        ("EECO01", "SITES", "MEDIA-MENTIONS"),
        "adapted", date(2021, 6, 21), date(2022, 6, 10), reevaluated=date(2023, 3, 15)),
    PilotFacts(
        "ESIA-PL-01", synthetic("Social cooperatives for people with disabilities"),
        synthetic("Social cooperative start-up support"), "PL", ("PL", "GB"),
        ("Cooperative governance model", "Job coaching on site"),
        ("Trades", "Start-up grant size"),
        ("replication", ("out",), "affiliation", "certification"),
        ("EECO01", "EECO12", "ADOPT-ORG", "EARNED-INCOME"),
        "piloting", date(2021, 10, 4),
        providers=((synthetic("Kraków municipal social welfare centre"), "local"),)),
    PilotFacts(
        "FUSE-IE-01", synthetic("Peer support for mental health in public services"),
        synthetic("Community mental-health peer support"), "IE", ("IE",),
        ("Trained peer workers", "Recovery-oriented practice"),
        ("Referral routes", "Group or one-to-one"),
        ("scale-up", ("up",), "dissemination", None),
        ("EECO01", "EECO12", "PUB-COMMISSION", "POLICY-CHANGE"),
        "rolling-out", date(2021, 5, 19), date(2022, 12, 12),
        providers=((synthetic("Health Service Executive, community operations"), "national"),
                   (synthetic("Cork city council"), "local"))),
    PilotFacts(
        "FUSE-PT-01", synthetic("Work-integration cafés for people with disabilities"),
        synthetic("Work-integration cafés"), "IE", ("PT",),
        ("Paid jobs in a real café", "Job coach on every shift"),
        ("Menu and suppliers", "Opening hours"),
        ("replication", ("out",), "affiliation", "franchise"),
        ("EECO01", "EECO12", "EECR04", "EECR05", "SITES", "EARNED-INCOME"),
        "closed", date(2021, 6, 8), date(2022, 9, 5), date(2023, 6, 30),
        providers=((synthetic("Porto municipal social services"), "local"),)),
    PilotFacts(
        "FUSE-BG-01", synthetic("Roma health mediators in municipal services"),
        synthetic("Community health mediators"), "BG", ("BG",),
        ("Mediators from the community", "Link to primary care"),
        ("Caseload", "Outreach channels"),
        ("scale-up", ("up", "deep"), "dissemination", None),
        ("EECO01", "EECO15", "EECO18", "STAFF-TRAINED"),
        "sustained", date(2021, 7, 5), date(2022, 10, 3),
        providers=((synthetic("Municipality of Sliven"), "local"),
                   (synthetic("Bulgarian ministry of health"), "national"))),
    PilotFacts(
        "FUSE-CY-01", synthetic("Entrepreneurship circles for migrant women"),
        synthetic("Peer entrepreneurship circles"), "PT", ("CY",),
        ("Peer circle of eight", "Micro-grant at graduation"),
        ("Languages", "Meeting place"),
        ("replication", ("out",), "branching", None),
        ("EECO01", "EECO13", "ADOPT-ORG", "MEDIA-MENTIONS"),
        "adapting", date(2021, 7, 12), date(2022, 7, 20),
        providers=((synthetic("Cyprus deputy ministry of social welfare"), "national"),)),
    PilotFacts(
        "PENCIL-LT-01", synthetic("School-based social innovation labs"),
        synthetic("Pupils solve local challenges in school labs"), "FI", ("LT",),
        ("Challenge-based learning cycle", "Local mentor per lab"),
        ("Subjects involved", "Lab schedule"),
        _REPLICATE, ("EECO01", "STAFF-TRAINED", "SITES", "FIDELITY"),
        "rolling-out", date(2021, 6, 2), date(2022, 11, 8),
        providers=((synthetic("Vilnius city education department"), "local"),)),
    PilotFacts(
        "PENCIL-BE-01", synthetic("Neighbourhood repair and reuse workshops"),
        synthetic("Repair workshops staffed by job seekers"), "BE", ("BE", "CZ"),
        ("Paid repair technicians from the neighbourhood", "Open workshop days"),
        ("Product range", "Premises"),
        ("replication", ("out",), "affiliation", "franchise"),
        ("EECO01", "EECR04", "EECR05", "SITES", "EARNED-INCOME"),
        "piloting", date(2022, 2, 7)),
    PilotFacts(
        "PENCIL-CZ-01", synthetic("Supported employment agency model"),
        synthetic("Supported employment agency"), "CZ", ("CZ",),
        ("Place-then-train approach", "Employer liaison"),
        ("Target groups", "Agency size"),
        ("scale-up", ("up",), "affiliation", "licence"),
        ("EECO01", "EECO12", "EECR04", "EECR05", "PUB-COMMISSION", "EECO18"),
        "rolling-out", date(2021, 6, 28), date(2022, 12, 20),
        providers=((synthetic("Czech labour office, Brno branch"), "regional"),
                   (synthetic("South Moravian regional authority"), "regional"))),
    PilotFacts(
        "PENCIL-FI-01", synthetic("Gamified job-search coaching app"),
        synthetic("Job-search coaching app"), "FI", ("FI", "LT"),
        ("Daily coaching tasks", "Coach review each week"),
        ("Game mechanics", "Languages"),
        _REPLICATE, ("EECO01", "EECR01", "EECR05", "MEDIA-MENTIONS"),
        "stopped", date(2021, 5, 27), date(2022, 5, 16), date(2022, 9, 30),
        providers=((synthetic("Tampere employment services"), "local"),)),
    PilotFacts(
        "SIPLUS-AT-01", synthetic("One-stop shop for young people not in work or education"),
        synthetic("One-stop shop for young people"), "AT", ("AT",),
        ("All services under one roof", "Youth workers as first contact"),
        ("Opening hours", "Partner services"),
        ("scale-up", ("up",), "dissemination", None),
        ("EECO01", "EECR02", "EECR05", "EECO18", "POLICY-CHANGE"),
        "rolling-out", date(2021, 5, 18), date(2022, 10, 18),
        providers=((synthetic("Public employment service Styria"), "regional"),
                   (synthetic("City of Graz youth department"), "local"))),
    PilotFacts(
        "SIPLUS-HU-01", synthetic("Community kitchens run as social enterprises"),
        synthetic("Community kitchens"), "AT", ("HU",),
        ("Meals cooked by trainees", "Sales to public canteens"),
        ("Menu", "Kitchen size"),
        ("replication", ("out",), "affiliation", "franchise"),
        ("EECO01", "EECR03", "EECR05", "SITES", "EARNED-INCOME"),
        "closed", date(2021, 6, 15), date(2022, 8, 30), date(2023, 6, 30),
        providers=((synthetic("Municipality of Pécs school catering"), "local"),)),
    PilotFacts(
        "SIPLUS-SK-01", synthetic("Early-childhood learning centres in Roma communities"),
        synthetic("Community early-learning centres"), "SK", ("SK", "HU"),
        ("Parents as co-educators", "Qualified early-years teacher"),
        ("Opening days", "Venue"),
        ("replication", ("out",), "branching", None),
        ("EECO01", "EECO15", "STAFF-TRAINED", "SITES", "FIDELITY"),
        "rolling-out", date(2021, 7, 1), date(2023, 1, 24),
        providers=((synthetic("Košice self-governing region"), "regional"),)),
    PilotFacts(
        "SIPLUS-BG-01", synthetic("Social entrepreneurship vouchers for municipalities"),
        synthetic("Vouchers buying services from social enterprises"), "BG", ("BG",),
        ("Voucher redeemable only at social enterprises", "Register of eligible enterprises"),
        ("Voucher value", "Eligible services"),
        ("scale-up", ("up",), "affiliation", "memorandum"),
        ("EECO01", "EECO19", "EECO18", "PUB-COMMISSION"),
        "evaluated", date(2021, 11, 8), date(2023, 4, 20),
        providers=((synthetic("Municipality of Plovdiv"), "local"),
                   (synthetic("Bulgarian ministry of labour"), "national"))),
)

MILESTONES = (
    ("M1", "Partners and sites signed up", 30),
    ("M2", "First participants enrolled", 90),
    ("M3", "Mid-term review", 270),
    ("M4", "Evaluation report delivered", None),
    ("M5", "Sustainability plan agreed", None),
)
"""Reference, title, and due days after piloting starts (None: tied to the evaluation)."""

RISKS = (
    ("Staff turnover among frontline workers", "high"),
    ("Co-funding from the municipality delayed", "medium"),
    ("Low take-up by the target group", "high"),
    ("Data protection approval pending", "medium"),
    ("Partner organisation overstretched", "low"),
    ("Energy prices raise running costs", "medium"),
    ("Managing authority reorganised", "low"),
)
EU_GRANTS: dict[str, tuple[int, int]] = {
    "BUICASUS": (760_000, 120_000), "ESIA": (680_000, 110_000), "FUSE": (560_000, 90_000),
    "PENCIL": (620_000, 100_000), "SIPLUS": (600_000, 95_000), "SEED": (800_000, 140_000),
}
"""Per consortium, the EU money of the 2020 call for competence centres: EaSI 2014-2020
and ESF technical assistance, shared among its pilots (EUR 0.6-1 million in all; FUSE's
EUR 650,000 is public, the other amounts are synthetic)."""
EASI_FUNDER = "European Commission, EaSI 2014-2020"
TA_FUNDER = "European Commission, ESF technical assistance"
CO_FUNDERS = (
    (synthetic("Municipal budget line"), "other-public"),
    (synthetic("Regional social affairs budget"), "other-public"),
    (synthetic("Social Innovation Foundation"), "private"),
)
"""Partners' own co-funding of the part of the costs the EU grant does not cover."""
CO_FUNDING_SHARE = (0.12, 0.22)
"""Own co-funding as a share of a pilot's EU grant."""
SPENT_SHARE = (0.82, 0.95)
"""How much of its budget a pilot declares as expenditure over its quarters."""
ESF_PLUS_FUNDER = "{} ESF+ programme 2021-2027"
ESF_PLUS_RATES = ("0.6", "0.7", "0.8", "0.85")
"""Synthetic EU co-financing rates of national and regional ESF+ programmes."""
PLANNED_TAKE_UP_MISSED = 3
"""A stopped pilot planned for this many times the participants that came."""
UNIT_COST_PILOTS = frozenset({"BUICASUS-FR-01", "PENCIL-CZ-01", "FUSE-PT-01"})
"""Pilots that declare expenditure as a unit cost per participant (a simplified cost
option) rather than real costs."""
HR_CHANGES = (
    (("coach",), "Coaches hired and trained in the core method"),
    (("peer worker",), "Peer workers recruited from former participants"),
    (("site coordinator",), "A coordinator per site instead of one for all"),
    (("data officer",), "Monitoring role created for ESF+ reporting"),
    (("trainer", "coach"), "Train-the-trainer model introduced"),
)
TRAININGS = ("3-day induction", "Online course, 12 hours", "Shadowing at the origin site",
             "Monthly supervision")
INSTRUMENTS = ("Service contract", "Memorandum of understanding", "Budget line in annual plan",
               "Council resolution", "ESF+ call criterion")
EVALUATION_METHODS = ("Mixed methods with a comparison group", "Contribution analysis",
                      "Process evaluation with fidelity checks", "Realist evaluation")
PATHWAY_CHANGES = {
    "BUICASUS-FR-01": (("replication", ("out", "deep"), "affiliation", "licence"),
                       "Mentoring extended to employers' own staff"),
    "SIPLUS-SK-01": (("replication", ("out",), "affiliation", "memorandum"),
                     "Regions prefer a memorandum to opening branches"),
    "PENCIL-CZ-01": (("scale-up", ("up", "out"), "affiliation", "licence"),
                     "Two more regions asked to join"),
}
COUNTRY_NAMES = {
    "AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "CY": "Cyprus", "CZ": "Czechia",
    "DE": "Germany", "DK": "Denmark", "EE": "Estonia", "ES": "Spain", "FI": "Finland",
    "FR": "France", "GR": "Greece", "HU": "Hungary", "IE": "Ireland", "IT": "Italy",
    "LT": "Lithuania", "LV": "Latvia", "PL": "Poland", "PT": "Portugal", "RO": "Romania",
    "SE": "Sweden", "SI": "Slovenia", "SK": "Slovakia", "GB": "Scotland (UK)",
}
YOUTH = frozenset({"ESIA-DE-01", "ESIA-DK-01", "SIPLUS-AT-01"})
"""Programmes for young people (their participants are 15-29, hardly anyone older)."""
WOMEN_ONLY = frozenset({"FUSE-CY-01"})
"""Programmes for women (migrant women's entrepreneurship circles)."""
_YOUTH = {"under-18": 4, "18-29": 94, "30-54": 2, "55+": 0}
_YOUNG = {"under-18": 6, "18-29": 70, "30-54": 20, "55+": 4}
_OLDER = {"under-18": 0, "18-29": 4, "30-54": 28, "55+": 68}


def _by_pilot(*groups: tuple[tuple[str, ...], dict[str, int]]) -> dict[str, dict[str, int]]:
    """A profile for each pilot of each group."""
    return {code: profile for codes, profile in groups for code in codes}


AGE_PROFILES = {
    "default": {"under-18": 0, "18-29": 30, "30-54": 50, "55+": 20},
    **_by_pilot((tuple(sorted(YOUTH)), _YOUTH), (("SEED-SI-01", "PENCIL-FI-01"), _YOUNG),
                (("BUICASUS-FR-01", "BUICASUS-SE-01", "ESIA-EE-01"), _OLDER)),
    "SEED-GR-01": {"under-18": 0, "18-29": 18, "30-54": 62, "55+": 20},
    "PENCIL-LT-01": {"under-18": 85, "18-29": 5, "30-54": 9, "55+": 1},
    "SIPLUS-SK-01": {"under-18": 60, "18-29": 22, "30-54": 16, "55+": 2},
}
"""Shares of participants by age band: a pilot's own, by the group it targets (young people,
older people), or the default."""
EMPLOYMENT_PROFILES = {
    "default": {"unemployed": 45, "inactive": 35, "employed": 20},
    **_by_pilot(
        (("BUICASUS-FR-01", "ESIA-DE-01", "PENCIL-BE-01", "PENCIL-CZ-01", "PENCIL-FI-01",
          "SIPLUS-HU-01"), {"unemployed": 82, "inactive": 14, "employed": 4}),
        (("PENCIL-LT-01", "SIPLUS-SK-01", "SIPLUS-AT-01"),
         {"unemployed": 20, "inactive": 78, "employed": 2}),
        (("BUICASUS-SE-01", "ESIA-EE-01"), {"unemployed": 8, "inactive": 80, "employed": 12})),
}
"""Shares of participants by employment status at entry (EECO02, EECO04, EECO05 as the
breakdown of EECO01)."""
ISCED_PROFILES = {
    "default": {"isced-0-2": 38, "isced-3-4": 46, "isced-5-8": 16},
    **_by_pilot((("PENCIL-LT-01", "SIPLUS-SK-01"),
                 {"isced-0-2": 96, "isced-3-4": 4, "isced-5-8": 0}),
                (("SEED-GR-01", "SEED-SI-01"), {"isced-0-2": 10, "isced-3-4": 40,
                                                "isced-5-8": 50})),
}
"""Shares of participants by education attained at entry (EECO09-EECO11 as the breakdown
of EECO01): pupils have lower secondary at most; mapping and digital labs reach graduates."""
SHARES = {"EECO03": 0.5, "EECO12": 0.6, "EECO13": 0.9, "EECO15": 0.8, "EECO16": 0.7,
          "EECO17": 0.75, "EECR01": 0.5, "EECR02": 0.35, "EECR03": 0.4, "EECR04": 0.3,
          "EECR05": 0.28}
"""Expected share of a quarter's participants in a group (long-term unemployed, with a
disability, ...) or with a result on leaving (EECR05: in work six months on)."""
FOLLOWED_UP_FROM = {"EECR05": 2}
"""A follow-up six months after leaving is first reported this many quarters into piloting,
once the first participants have left and six months have passed."""

REJECTIONS = ("Sex breakdown missing for one site", "Figures do not match the site logs",
              "Evidence for the adoption decision not attached")
TARGET_REVISIONS = ("Budget cut in the national co-funding", "Second site opens later",
                    "Demand higher than planned", "Aligned with the ESF+ programme amendment")
POLICY_NARRATIVES = (
    "Managing authority staff took part in the first co-design sessions",
    "Social innovation named as a priority in the draft regional ESF+ call",
    "Ministry working group set up to draft guidance based on the pilot",
    "Call for proposals published with a social innovation criterion",
    "Model written into the annual plan of the public provider",
)
POLICY_TARGETS = ("A public body commits to the model in writing",
                  "The model appears in an ESF+ call or a public budget line")
BUSINESS_MODELS = {"Fees from municipalities replace part of the grant": ("fees",),
                   "Sales cover the running costs of the sites": ("sales",),
                   "Public contract for the core service agreed": ("public contracts",),
                   "Donor funding reduced; service contract with the region":
                       ("public contracts", "donations")}
"""Business-model revisions and the revenue, beside the grants, each brings."""
EARNED = frozenset({"fees", "sales", "public contracts"})
"""Revenue the model earns (grants and donations are not earned)."""
EARNED_SHARE_WITHOUT_INDICATOR = (5, 25)
"""The earned share of revenue of a pilot that does not report EARNED-INCOME."""
COST_OF_AN_FTE_YEAR = 55_000
"""What a full-time post costs a pilot a year, in EUR, with overheads (synthetic)."""
STAFF_SHARE = (0.25, 0.6)
"""The share of a pilot's budget an HR change's posts take."""
ADAPTATIONS = ("Sessions moved online for part of the year",
               "Material translated and adapted to local law",
               "Delivered with a local partner instead of own staff",
               "Shorter format for working participants")
FINDINGS = {
    "scale": "Outcomes met or exceeded; fidelity high; costs fall as sites are added",
    "adapt": "Promising outcomes, but the delivery model does not fit the local services",
    "stop": "Take-up too low and costs per participant far above plan",
}
OUTCOMES = {
    "taken-over-by-public-provider": "Start in one place and add sites one by one",
    "continued-by-promoter": "Line up the public provider's budget cycle before the pilot ends",
    "stopped": "Test take-up with a small group before building the tool",
}
"""How a pilot closes (the closure vocabulary), and the lessons it records."""
EVALUATION_DESIGNS = {
    "Mixed methods with a comparison group": ("quasi-experimental", 3),
    "Contribution analysis": ("qualitative", 2),
    "Process evaluation with fidelity checks": ("before-after", 2),
    "Realist evaluation": ("qualitative", 1),
}
"""Each evaluation method's design and the evidence level it reaches."""
ADOPTION_REASONS = {
    "deferred": ("Waiting for the next annual budget", "Council elections first",
                 "The regional ESF+ programme is not adopted yet"),
    "rejected": ("No budget line for the service after 2023",
                 "The provider prefers to extend its own service"),
}
"""Why a provider defers or rejects adoption."""
WAITING_FOR_EVALUATION = "Waiting for the pilot's evaluation before committing"
"""Why a provider defers adoption while no evaluation has recommended scaling."""
COVERAGES = ("Residents of the municipality", "Long-term unemployed in the region",
             "Older residents living alone", "Two districts first, then the whole city")
DEVIATION_REASONS = {
    "Sessions moved online for part of the year":
        "Participants could not attend the full original format",
    "Material translated and adapted to local law":
        "Local law does not allow the original rules",
    "Delivered with a local partner instead of own staff":
        "Own staff could not be trained to the original standard in time",
    "Shorter format for working participants":
        "Participants could not attend the full original format",
}
"""Why a core component is adapted, by the adaptation made (each of ADAPTATIONS)."""
ORIGINATOR_APPROVER = "Licensing board of the originator"
CORRECTIONS = ("Typo in the figure", "Site log re-counted", "Amount in the signed agreement",
               "Decimal point misplaced", "Late sign-in sheets added")
AMOUNT_SLIPS = (500, 1_000, -1_000, 9_000, -90)
"""How an amount typed from a signed agreement was off (the correction gives the right one)."""
READINESS = {
    "SEED-IT-01": "Managing authority staff keen to co-design; no budget yet for the lab's "
                  "facilitators",
    "SEED-GR-01": "Mapping protocol tested in two cities; eight more municipalities still to "
                  "sign the memorandum",
    "SEED-SI-01": "Platform runs; mentors from the centre available only two days a week",
    "SEED-RO-01": "Two town councils willing to ring-fence a budget; voting rules not yet "
                  "agreed",
    "BUICASUS-ES-01": "Three regional ESF+ bodies ready to test the scoring grid; the "
                      "guidance is still in draft",
    "BUICASUS-FR-01": "Former job seekers willing to mentor; Pôle emploi's referral route "
                      "not yet set up",
    "BUICASUS-SE-01": "Malmö staff trained in co-creation; Jelgava needs a translator for "
                      "the labs",
    "BUICASUS-LV-01": "Rural municipalities interested; too few mentors outside Riga",
    "ESIA-DE-01": "Jobcenter ready to refer young people; the outcome verifier is not yet "
                  "contracted",
    "ESIA-DK-01": "Aarhus has housing units to offer; Tartu's case managers need training "
                  "first",
    "ESIA-EE-01": "Peer tutors found in libraries; devices for the clubs still missing",
    "ESIA-PL-01": "Two cooperatives registered; job coaches hard to recruit",
    "FUSE-IE-01": "Peer workers trained; referral from community services depends on one "
                  "manager",
    "FUSE-PT-01": "Café premises found in Porto; the franchise agreement needs legal review",
    "FUSE-BG-01": "Mediators recruited from the community; primary-care doctors cautious",
    "FUSE-CY-01": "Women's associations ready to host circles; micro-grant fund still small",
    "PENCIL-LT-01": "Five schools signed up; teachers need time in the timetable for the labs",
    "PENCIL-BE-01": "Premises offered by the commune; technicians from the neighbourhood "
                    "still to be hired",
    "PENCIL-CZ-01": "Labour office in Brno willing to refer; employers hesitant",
    "PENCIL-FI-01": "App prototype ready; no evidence yet that job seekers will use it daily",
    "SIPLUS-AT-01": "Partner services agree to share one roof; opening hours disputed",
    "SIPLUS-HU-01": "Kitchen equipment in place; school canteens not yet committed to buy",
    "SIPLUS-SK-01": "Parents eager to take part; qualified early-years teachers scarce",
    "SIPLUS-BG-01": "Register of social enterprises exists; the municipality's voucher rules "
                    "not yet adopted",
}
"""What each pilot's readiness assessment found (synthetic)."""
EVALUATION_NOTES = {
    "SEED-IT-01": "managing authority staff now draft calls with the lab's method",
    "SEED-GR-01": "open maps published in all ten cities and used by their social services",
    "SEED-SI-01": "challenge teams keep working after the mentoring ends",
    "SEED-RO-01": "turnout in the votes rose in the second year; spending reports on time",
    "BUICASUS-ES-01": "the criterion changed which projects were funded in two regions",
    "BUICASUS-FR-01": "mentored job seekers found work sooner than the comparison group",
    "BUICASUS-SE-01": "older residents' ideas reached the municipal service plans",
    "BUICASUS-LV-01": "most incubated enterprises still trade a year on",
    "ESIA-DE-01": "verified job outcomes above the contract's threshold",
    "ESIA-DK-01": "most young adults kept their tenancy after a year",
    "ESIA-EE-01": "clubs work where a library hosts them, not in community halls",
    "FUSE-IE-01": "peer support reduced repeat crisis contacts",
    "FUSE-PT-01": "café jobs led to open-market jobs for a third of the workers",
    "FUSE-BG-01": "vaccination and check-up rates rose in the mediators' districts",
    "FUSE-CY-01": "the circles work, but the micro-grant is too small for Cypriot rents",
    "PENCIL-LT-01": "pupils' projects adopted by two municipalities",
    "PENCIL-CZ-01": "placements lasted longer than with the labour office's usual service",
    "PENCIL-FI-01": "few job seekers used the app beyond the first week",
    "SIPLUS-AT-01": "young people came back for a second service more often",
    "SIPLUS-HU-01": "trainees moved on to kitchen jobs; canteen sales cover the food costs",
    "SIPLUS-SK-01": "children's school readiness improved against the region's average",
    "SIPLUS-BG-01": "vouchers brought social enterprises their first public customers",
}
"""What each pilot's evaluation found beyond its verdict (synthetic)."""
