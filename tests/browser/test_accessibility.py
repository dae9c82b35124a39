"""axe-core on every public page, with the demo data: no serious or critical violation."""

import pytest
from django.urls import reverse

from rione.demo.data_milano import MILANO
from rione.demo.data_napoli import NAPOLI
from tests.browser.conftest import assert_accessible, open_page

CITIES = (NAPOLI, MILANO)
NOT_FOUND = "/napoli/bandi/questo-avviso-non-esiste/"


def portal(name: str, *args: str) -> str:
    return reverse(f"portal:{name}", args=args)


def city_pages(spec) -> list[tuple[str, str]]:
    slug = spec.slug
    pages = [
        (f"{slug}-city", portal("city", slug)),
        (f"{slug}-programme", portal("programme", slug, spec.programme.slug)),
        (f"{slug}-calls", portal("call_list", slug)),
        *(
            (f"{slug}-calls-{state}", portal("call_list", slug) + f"?stato={state}")
            for state in ("aperti", "in-arrivo", "chiusi")
        ),
        *(
            (f"{slug}-call-{call.slug}", portal("call_detail", slug, call.slug))
            for call in spec.programme.calls
        ),
        (f"{slug}-news", portal("news_list", slug)),
        *(
            (f"{slug}-news-{item.slug}", portal("news_detail", slug, item.slug))
            for item in spec.news
        ),
        (f"{slug}-stories", portal("story_list", slug)),
        *(
            (f"{slug}-story-{story.slug}", portal("story_detail", slug, story.slug))
            for story in spec.stories
        ),
        (f"{slug}-contacts", portal("contacts", slug)),
    ]
    if spec.stories and spec.stories[0].neighbourhood:
        neighbourhood = spec.stories[0].neighbourhood.lower().replace(" ", "-")
        pages.append(
            (f"{slug}-stories-filtered", f"{portal('story_list', slug)}?quartiere={neighbourhood}")
        )
    return pages


PAGES = [
    ("home", portal("home")),
    *(page for spec in CITIES for page in city_pages(spec)),
    ("search-scampia", portal("search") + "?q=Scampia"),
    ("search-calls-only", portal("search") + "?q=iQ&tipo=avvisi"),
    ("search-in-city", portal("search") + "?q=portineria&citta=milano"),
    ("search-no-results", portal("search") + "?q=zzzqqq"),
    ("search-empty", portal("search")),
    ("accessibility-statement", portal("accessibility")),
    ("privacy", portal("privacy")),
    ("not-found", NOT_FOUND),
    ("login", reverse("account_login")),
    ("signup", reverse("account_signup")),
    ("password-reset", reverse("account_reset_password")),
]


@pytest.fixture(scope="module")
def reader(chromium_browser, demo_site):
    """One page for the whole module: it keeps the browser cache, so the theme's CSS, JS
    and fonts are fetched once. The pages are only read, so sharing it changes nothing."""
    page = open_page(chromium_browser, demo_site)
    yield page
    page.context.close()


@pytest.mark.parametrize("path", [path for _, path in PAGES], ids=[name for name, _ in PAGES])
def test_public_page_has_no_serious_accessibility_violation(reader, path):
    response = reader.goto(path)
    expected = 404 if path == NOT_FOUND else 200
    assert response is not None and response.status == expected, path
    assert_accessible(reader, context=path)
