"""The plan of the first iQ call (2020): 101 invented proposals, their outcome and their dates.

The figures are the programme's (PRODUCT.md): 101 proposals, 60 selected, 40 from ETS (17 of
them in a network) and 20 from informal groups; among the 60 the targets count young
people/students 15-35: 29, local communities: 13, children and pre-teens: 7, migrants: 7,
NEET: 7, fragile groups: 6, unemployed: 6, women in fragile conditions: 5 (80 in all, a
proposal may name several). Everything else (names, texts, dates of the single steps,
scores) is invented, drawn from a fixed seed so that every run builds the same plan.

The plan only says what each applicant does and which score the commission gives; the
ranking itself is computed by the services (``replay_iq``), and the outcome is checked
against the figures above by the demo's tests, never typed in.
"""

import random
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_UP, Decimal
from functools import cache

from stdnum import luhn
from stdnum.it import codicefiscale

from rione.core.clock import rome
from rione.demo.data_iq_ideas import IDEAS, Idea
from rione.demo.data_iq_people import (
    FIRST_NAMES_F,
    FIRST_NAMES_M,
    GROUPS,
    ORGANISATIONS,
    PARTNER_ROLES,
    PARTNERS,
    STREETS,
    SURNAMES,
)
from rione.demo.data_napoli import DISTRICTS
from rione.territory.models import ApplicantCategory

SEED = 2020
CENT = Decimal("0.01")
CALL_SLUG = "iq-fase-1"
ETS, GROUP = str(ApplicantCategory.ETS), str(ApplicantCategory.INFORMAL_GROUP)

# Who applied, and the outcome the commission's scores lead to.
APPLIED = {ETS: 66, GROUP: 35}
SELECTED = {ETS: 40, GROUP: 20}
NETWORKS = {"selected": 17, "not_selected": 8}
NOT_ADMISSIBLE = {ETS: 3, GROUP: 2}
CAP = 60
# Targets among the 60 selected (the seed's figures): main target, then a second one for 20.
SELECTED_TARGETS = {
    "giovani-15-35": 29,
    "comunita-locali": 13,
    "bambini-preadolescenti": 7,
    "migranti": 7,
    "neet": 7,
    "fasce-fragili": 6,
    "disoccupati": 6,
    "donne-fragilita": 5,
}
SECOND_TARGETS = {
    "giovani-15-35": 7,
    "comunita-locali": 3,
    "bambini-preadolescenti": 1,
    "migranti": 2,
    "neet": 2,
    "fasce-fragili": 2,
    "disoccupati": 2,
    "donne-fragilita": 1,
}

# The rubric (code, title, maximum points) and the selection rules.
CRITERIA = (
    ("A", "Qualità e innovatività dell'idea", 30),
    ("B", "Impatto sul quartiere e sui destinatari", 30),
    ("C", "Fattibilità e sostenibilità", 20),
    ("D", "Radicamento nel territorio e rete", 20),
)
OVERALL_MIN = Decimal("60")
APPEAL_DAYS = 10
SELECTED_SCORES = (66, 94)
OTHER_SCORES = (48, 65)

# The timeline (Europe/Rome): the call is open from 3 June to 10 August 2020 at 12:00.
FIRST_SUBMISSION = rome(2020, 6, 16, 10, 0)
LAST_SUBMISSION = rome(2020, 8, 10, 11, 30)
EARLIEST_START = rome(2020, 6, 3, 9, 30)
SETUP_AT = rome(2020, 8, 11, 9, 30)  # rules, rubric, checklist, commission
ADMISSIBILITY_FROM = rome(2020, 8, 17, 9, 0)
ASSIGNED_AT = rome(2020, 8, 31, 9, 0)
DECLARATIONS_AT = rome(2020, 9, 1, 9, 0)
REASSIGNED_AT = rome(2020, 9, 2, 9, 0)
SCORING_FROM = rome(2020, 9, 7, 9, 0)
COMPUTED_AT = rome(2020, 9, 29, 10, 0)
PROVISIONAL_AT = rome(2020, 9, 30, 12, 0)
APPEAL_AT = rome(2020, 10, 5, 11, 0)
APPEAL_DECIDED_AT = rome(2020, 10, 12, 10, 0)
FINAL_AT = rome(2020, 10, 15, 12, 0)
ACT_NUMBER = "12"
ACT_DATE = date(2020, 10, 15)

CHECKLIST = (
    "Domanda di partecipazione firmata dal legale rappresentante o dal referente del gruppo",
    "Idea coerente con le finalità dell'avviso: nuovi servizi di prossimità nei quartieri iQ",
    "Requisiti del proponente dichiarati e verificati",
)
ADMISSIBLE_REASON = "Domanda completa e conforme ai requisiti dell'avviso."
NOT_ADMISSIBLE_REASONS = (
    (0, "La domanda di partecipazione (Allegato A) non è firmata dal legale rappresentante."),
    (
        1,
        "L'idea propone solo la ristrutturazione della sede dell'ente, non un nuovo servizio "
        "di prossimità: è fuori dalle finalità dell'avviso.",
    ),
    (
        2,
        "Alla data della domanda l'ente non risultava iscritto ad alcun registro del Terzo "
        "settore, come chiede l'avviso.",
    ),
    (
        2,
        "Due componenti del gruppo fanno parte anche di un altro gruppo proponente: l'avviso "
        "ammette una sola proposta per persona.",
    ),
    (0, "La domanda di partecipazione non è firmata dal referente del gruppo."),
)
CONFLICT_REASON = "Negli ultimi tre anni ho svolto attività di volontariato con il proponente."
APPEAL_TEXT = (
    "Chiediamo il riesame del punteggio sul criterio «Radicamento nel territorio e rete»: il "
    "gruppo collabora da due anni con la scuola e con la parrocchia del quartiere."
)
APPEAL_DECISION = (
    "Il ricorso è respinto: la commissione ha riesaminato la proposta e conferma i punteggi, "
    "motivati nelle schede di valutazione; le collaborazioni indicate non risultano dalla "
    "domanda presentata."
)


@dataclass(frozen=True)
class PersonPlan:
    first_name: str
    last_name: str
    codice_fiscale: str
    email: str


@dataclass(frozen=True)
class PartnerPlan:
    name: str
    kind: str
    role: str
    resources: str


@dataclass(frozen=True)
class ProposalPlan:
    """One applicant and its proposal, in the order of submission (protocol number)."""

    number: int  # 1..101, the protocol number its submission takes
    category: str
    applicant: str
    legal_form: str  # "" for an informal group
    codice_fiscale: str  # the organisation's; "" for an informal group
    registered_office: str
    runts_registered_on: date | None
    contact: PersonPlan
    members: tuple[PersonPlan, ...]  # informal groups: the contact person first
    partners: tuple[PartnerPlan, ...]
    texts: dict[str, str]
    sector: str
    neighbourhoods: tuple[str, ...]
    targets: tuple[tuple[str, int], ...]
    lines: tuple[tuple[str, str, Decimal, Decimal], ...]  # cost category slug, text, qty, unit
    requested_grant: Decimal
    answers: tuple[str, str, str]  # need; people in the group or network; took part in 2018
    started_at: datetime
    submitted_at: datetime
    admissible: bool
    not_admissible: tuple[int, str] | None  # failed checklist item (index) and reason
    selected: bool
    score: int  # the total the commission gives (mean of its members' scores)

    @property
    def is_network(self) -> bool:
        return bool(self.partners)

    def step_at(self, step: int, steps: int = 8) -> datetime:
        """The moment of the ``step``-th of ``steps`` saves between starting and submitting."""
        return self.started_at + (self.submitted_at - self.started_at) * step / steps


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.upper() if ch.isalpha())


def _letters(name: str, *, first_name: bool) -> str:
    clean = _ascii(name)
    consonants = [ch for ch in clean if ch not in "AEIOU"]
    vowels = [ch for ch in clean if ch in "AEIOU"]
    if first_name and len(consonants) >= 4:
        consonants = [consonants[0], consonants[2], consonants[3]]
    return "".join(consonants + vowels + ["X", "X", "X"])[:3]


def person_cf(last_name: str, first_name: str, born: date, *, female: bool) -> str:
    """A codice fiscale with the right shape and check letter, for an invented person."""
    day = born.day + (40 if female else 0)
    code = (
        _letters(last_name, first_name=False)
        + _letters(first_name, first_name=True)
        + f"{born.year % 100:02d}"
        + "ABCDEHLMPRST"[born.month - 1]
        + f"{day:02d}"
        + "F839"  # born in Napoli
    )
    return code + codicefiscale.calc_check_digit(code)


def entity_cf(number: int) -> str:
    """An 11-digit codice fiscale of an association (prefix 9), with its check digit."""
    code = f"959{number:04d}063"
    return code + luhn.calc_check_digit(code)


class _People:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.codes: set[str] = set()
        self.count = 0

    def make(self) -> PersonPlan:
        while True:
            female = self.rng.random() < 0.5
            first = self.rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
            last = self.rng.choice(SURNAMES)
            born = date(
                self.rng.randint(1960, 1999), self.rng.randint(1, 12), self.rng.randint(1, 28)
            )
            code = person_cf(last, first, born, female=female)
            if code not in self.codes:
                break
        self.codes.add(code)
        self.count += 1
        local = f"{_ascii(first).lower()}.{_ascii(last).lower()}.{self.count:03d}"
        return PersonPlan(first, last, code, f"{local}@rione.demo")


@dataclass
class _Draft:
    category: str
    selected: bool
    network: bool = False
    admissible: bool = True
    targets: list[str] | None = None


def _drafts(rng: random.Random) -> list[_Draft]:
    drafts: list[_Draft] = []
    for category in (ETS, GROUP):
        chosen = SELECTED[category]
        drafts += [_Draft(category, selected=True) for _ in range(chosen)]
        drafts += [_Draft(category, selected=False) for _ in range(APPLIED[category] - chosen)]
    ets_selected = [d for d in drafts if d.category == ETS and d.selected]
    ets_other = [d for d in drafts if d.category == ETS and not d.selected]
    for draft in ets_selected[: NETWORKS["selected"]]:
        draft.network = True
    for draft in ets_other[: NETWORKS["not_selected"]]:
        draft.network = True
    for category in (ETS, GROUP):
        others = [d for d in drafts if d.category == category and not d.selected and not d.network]
        for draft in others[-NOT_ADMISSIBLE[category] :]:
            draft.admissible = False
    _plan_targets(rng, drafts)
    return drafts


def _expand(counts: dict[str, int]) -> list[str]:
    return [slug for slug, n in counts.items() for _ in range(n)]


def _plan_targets(rng: random.Random, drafts: list[_Draft]) -> None:
    """Main and second targets such that the 60 selected count exactly SELECTED_TARGETS."""
    selected = [d for d in drafts if d.selected]
    main = Counter(SELECTED_TARGETS) - Counter(SECOND_TARGETS)
    firsts = _expand(dict(main))
    rng.shuffle(firsts)
    for draft, slug in zip(selected, firsts, strict=True):
        draft.targets = [slug]
    seconds = _expand(SECOND_TARGETS)
    rng.shuffle(seconds)
    for slug in seconds:
        draft = next(
            d
            for d in selected
            if d.targets is not None and len(d.targets) == 1 and d.targets[0] != slug
        )
        assert draft.targets is not None
        draft.targets.append(slug)
        selected.remove(draft)
        selected.append(draft)  # spread the second targets over different proposals
    slugs = list(SELECTED_TARGETS)
    for draft in drafts:
        if draft.selected:
            continue
        first = rng.choice(slugs)
        draft.targets = [first]
        if rng.random() < 0.3:
            draft.targets.append(rng.choice([s for s in slugs if s != first]))


def _daytime(rng: random.Random, day: datetime, *, latest: int = 21) -> datetime:
    return day.replace(hour=rng.randint(9, latest), minute=rng.randrange(0, 60, 5))


def _submission_times(rng: random.Random, count: int) -> list[datetime]:
    """Submissions in the daytime, thickening towards the deadline, as they do."""
    days = (LAST_SUBMISSION - FIRST_SUBMISSION).days
    moments = []
    for _ in range(count):
        day = FIRST_SUBMISSION + timedelta(days=round(days * rng.betavariate(2.2, 1)))
        moments.append(
            _daytime(rng, day, latest=11 if day.date() == LAST_SUBMISSION.date() else 21)
        )
    moments.sort()
    distinct: list[datetime] = []
    for moment in moments:
        if distinct and moment <= distinct[-1]:
            moment = distinct[-1] + timedelta(minutes=7)
        distinct.append(moment)
    assert distinct[-1] < rome(2020, 8, 10, 12, 0)
    return distinct


def _budget(
    rng: random.Random, category: str
) -> tuple[tuple[tuple[str, str, Decimal, Decimal], ...], Decimal]:
    """Budget lines and the requested grant, in the second call's ranges and co-financing."""
    if category == ETS:
        grant = Decimal(rng.randrange(50_000, 140_001, 500))
        own = Decimal(rng.choice((10, 12, 15)))
    else:
        grant = Decimal(rng.randrange(30_000, 50_001, 500))
        own = Decimal(rng.choice((5, 6, 8)))
    total = (grant * 100 / (100 - own)).quantize(Decimal(10), rounding=ROUND_UP)
    hours = (total * Decimal("0.55") / 25).quantize(Decimal(1))
    equipment = (total * Decimal("0.25")).quantize(CENT)
    lines = (
        ("personale", "Educatori e operatori", hours, Decimal("25.00")),
        ("attrezzature", "Attrezzature e arredi", Decimal(1), equipment),
        (
            "comunicazione",
            "Comunicazione e promozione",
            Decimal(1),
            (total - hours * 25 - equipment).quantize(CENT),
        ),
    )
    return lines, grant.quantize(CENT)


def _neighbourhoods(rng: random.Random, main: str) -> tuple[str, ...]:
    district = next(d for d in DISTRICTS if main in d.neighbourhoods)
    others = [n for n in district.neighbourhoods if n != main]
    if others and rng.random() < 0.25:
        return (main, rng.choice(others))
    return (main,)


def _score(rng: random.Random, draft: _Draft) -> int:
    low, high = SELECTED_SCORES if draft.selected else OTHER_SCORES
    return rng.randint(low, high)


@cache
def proposals() -> tuple[ProposalPlan, ...]:
    """The 101 proposals, in the order they were submitted."""
    rng = random.Random(SEED)
    drafts = _drafts(rng)
    rng.shuffle(drafts)
    times = _submission_times(rng, len(drafts))
    people = _People(rng)
    ideas_by_target: dict[str, list[Idea]] = {}
    for idea in IDEAS:
        ideas_by_target.setdefault(idea.target, []).append(idea)
    areas = [name for district in DISTRICTS for name in district.neighbourhoods]
    used: set[tuple[str, str]] = set()
    organisations = iter(sorted(ORGANISATIONS, key=lambda o: rng.random()))
    groups = iter(sorted(GROUPS, key=lambda g: rng.random()))
    refusals = iter(NOT_ADMISSIBLE_REASONS)
    plans = []
    for number, (draft, submitted_at) in enumerate(zip(drafts, times, strict=True), start=1):
        assert draft.targets is not None
        candidates = ideas_by_target[draft.targets[0]]
        while True:
            idea, place = rng.choice(candidates), rng.choice(areas)
            if (idea.title, place) not in used:
                break
        used.add((idea.title, place))
        contact = people.make()
        if draft.category == ETS:
            org = next(organisations)
            applicant, legal_form = org.name, org.legal_form
            members: tuple[PersonPlan, ...] = ()
            size = 1
        else:
            applicant, legal_form = next(groups), ""
            members = (contact, *(people.make() for _ in range(rng.randint(2, 5))))
            size = len(members)
        partners: tuple[PartnerPlan, ...] = ()
        if draft.network:
            chosen = rng.sample(PARTNERS, rng.randint(1, 3))
            partners = tuple(
                PartnerPlan(p.name, p.kind, rng.choice(PARTNER_ROLES), p.resources) for p in chosen
            )
            size = 1 + len(partners)
        lines, grant = _budget(rng, draft.category)
        started_at = max(
            EARLIEST_START,
            _daytime(rng, submitted_at - timedelta(days=rng.randint(3, 25)), latest=18),
        )
        texts = idea.text(place)
        plans.append(
            ProposalPlan(
                number=number,
                category=draft.category,
                applicant=applicant,
                legal_form=legal_form,
                codice_fiscale=entity_cf(number) if draft.category == ETS else "",
                registered_office=(
                    f"{rng.choice(STREETS)} {rng.randint(1, 120)}, 801{rng.randint(10, 47)} Napoli"
                ),
                runts_registered_on=date(rng.randint(2012, 2019), rng.randint(1, 12), 15)
                if draft.category == ETS
                else None,
                contact=contact,
                members=members,
                partners=partners,
                texts=texts,
                sector=idea.sector,
                neighbourhoods=_neighbourhoods(rng, place),
                targets=tuple((slug, rng.randrange(15, 201, 5)) for slug in draft.targets),
                lines=lines,
                requested_grant=grant,
                answers=(texts["problem"], str(size), rng.choice(("yes", "no", "no"))),
                started_at=started_at,
                submitted_at=submitted_at,
                admissible=draft.admissible,
                not_admissible=None if draft.admissible else next(refusals),
                selected=draft.selected,
                score=_score(rng, draft),
            )
        )
    return tuple(plans)


def criterion_points(total: int) -> list[int]:
    """Points per criterion of CRITERIA that add up to ``total`` (0-100): each about its share."""
    maxima = [points for _code, _title, points in CRITERIA]
    points = [total * maximum // 100 for maximum in maxima]
    for index, maximum in enumerate(maxima):  # what rounding left out, where there is room
        extra = min(total - sum(points), maximum - points[index])
        points[index] += extra
    assert sum(points) == total, total
    return points
