"""What the public sees of the demo.

The Napoli iQ stage-1 dashboard and its open data show the seed's figures, read from the
pages and files themselves; and no public output (every page reached by following links
from the portal, the files they link, the public API) carries a natural person's data.
"""

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from rione.applicants.models import GroupMember, InformalGroup, Organisation, Person
from rione.applications.models import Partner
from rione.core.models import StaffRole, User
from rione.demo.tests.test_replay_iq import SELECTED_TARGETS as SEED_TARGETS
from rione.programmes.models import Call

pytestmark = pytest.mark.django_db

PRIVATE = ("/gestione/", "/area-personale/", "/account/", "/admin/", "/api/applicant/", "/i18n/")
PAGE_LIMIT = 1500


@pytest.fixture
def call(loaded_demo) -> Call:
    return Call.objects.select_related("city").get(city__slug="napoli", slug="iq-fase-1")


class Tables(HTMLParser):
    """Every table of a page as {caption: [[cell text, ...], ...]}."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: list[str] | None = None
        self._rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._name = ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table":
            self._rows, self._name = [], ""
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._caption is not None:
            self._name = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("th", "td") and self._cell is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self.tables[self._name] = self._rows

    def handle_data(self, data: str) -> None:
        if self._caption is not None:
            self._caption.append(data)
        if self._cell is not None:
            self._cell.append(data)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("a", "link"):
            self.hrefs += [value for name, value in attrs if name == "href" and value]


def tables_of(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_public_dashboard_shows_the_seed_figures(call):
    response = Client().get(reverse("monitoring:call_public", args=["napoli", call.slug]))

    assert response.status_code == 200
    tables = tables_of(response.content.decode())
    funnel = {row[0]: row[1] for row in tables["Proposte per fase"][1:]}
    assert [funnel[k] for k in ("Presentate", "Ammissibili", "Selezionate")] == ["101", "96", "60"]
    kinds = {row[0]: row[3] for row in tables["Proposte e contributi per tipologia di proponente"]}
    assert (kinds["ETS da solo"], kinds["ETS capofila di una rete"], kinds["Gruppo informale"]) == (
        "23",
        "17",
        "20",
    )
    targets = {row[0]: row[3] for row in tables["Proposte e contributi per destinatari"][1:]}
    assert {label: targets[label] for label in SEED_TARGETS} == {
        label: str(count) for label, count in SEED_TARGETS.items()
    }


def test_the_open_data_show_the_seed_figures(call):
    url = reverse("monitoring:opendata_csv", args=["napoli", call.slug])
    rows = list(csv.DictReader(io.StringIO(body_of(Client().get(url)).decode())))
    document = json.loads(
        body_of(Client().get(reverse("monitoring:opendata_json", args=["napoli", call.slug])))
    )

    assert len(rows) == 60 and len(document["progetti"]) == 60
    beneficiaries = Counter(row["beneficiario"] == "Gruppo informale" for row in rows)
    assert beneficiaries == {False: 40, True: 20}
    assert all(row["forma_giuridica"] for row in rows if row["beneficiario"] != "Gruppo informale")
    targets = Counter(t for row in rows for t in row["destinatari"].split("; ") if t)
    assert targets == SEED_TARGETS
    assert {row["stato"] for row in rows} == {"Selezionato in graduatoria definitiva"}
    assert [p["codice_locale_progetto"] for p in document["progetti"]] == [
        row["codice_locale_progetto"] for row in rows
    ]


def natural_persons() -> set[str]:
    """What would identify an applicant who is a natural person: names, codici fiscali,
    e-mail addresses and phone numbers of people, and the names of informal groups.

    City staff are left out: the officials a call names (its responsabile) are public by law.
    """
    staff = set(StaffRole.objects.values_list("user_id", flat=True))
    found: set[str] = set()
    for person in Person.objects.exclude(user_id__in=staff):
        found |= {
            f"{person.first_name} {person.last_name}",
            f"{person.last_name} {person.first_name}",
            person.codice_fiscale,
        }
        found |= {person.phone} if len(person.phone) > 6 else set()
    for user in User.objects.exclude(pk__in=staff).exclude(is_staff=True):
        found.add(user.email)
    for member in GroupMember.objects.all():
        found |= {f"{member.first_name} {member.last_name}", member.codice_fiscale}
    for name, cf in Organisation.objects.values_list("legal_rep_name", "legal_rep_cf"):
        found |= {name, cf}
    found |= set(InformalGroup.objects.values_list("name", flat=True))
    found |= {
        cf for cf in Partner.objects.values_list("codice_fiscale", flat=True) if len(cf) == 16
    }
    return {value.strip().lower() for value in found if value and len(value.strip()) > 4}


def public_outputs(client: Client) -> Iterator[tuple[str, str]]:
    """(url, text) of every public output reachable by links from each city's home page and
    the public API; text is the decoded body (cell values for a spreadsheet)."""
    queue = ["/", "/api/cities", "/api/programmes", "/api/calls?limit=200", "/api/sites"]
    queue += [f"/api/calls/{pk}" for pk in Call.objects.values_list("pk", flat=True)]
    seen: set[str] = set()
    while queue and len(seen) < PAGE_LIMIT:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if response.status_code != 200:
            continue
        kind = response.get("Content-Type", "")
        body = body_of(response)
        if "spreadsheetml" in kind:
            yield url, spreadsheet_text(body)
            continue
        if "pdf" in kind or "image" in kind:
            continue
        text = body.decode()
        yield url, text
        if "html" in kind:
            queue += [link for link in links_of(url, text) if link not in seen]


def links_of(base: str, html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        parts = urlsplit(urljoin(base, href))
        if parts.netloc not in ("", "testserver") or parts.scheme not in ("", "http"):
            continue
        if parts.path.startswith(PRIVATE) or parts.path.startswith("/static/"):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def spreadsheet_text(body: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body), read_only=True)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def test_no_public_output_names_a_natural_person(call):
    forbidden = natural_persons()
    assert len(forbidden) > 300  # the demo's applicants, members and groups are there to find

    outputs = dict(public_outputs(Client()))

    assert len(outputs) > 60
    kinds = {url.rsplit(".", 1)[-1] for url in outputs if re.search(r"\.(csv|json)$", url)}
    assert kinds == {"csv", "json"}  # the open data were reached through the pages' links
    assert any(url.startswith("/api/calls/") for url in outputs)
    leaks = {
        url: sorted(value for value in forbidden if value in text)
        for url, text in ((url, unescape(text).lower()) for url, text in outputs.items())
    }
    assert {url: found for url, found in leaks.items() if found} == {}
