"""A newcomer opens the home page, finds the iQ stage-1 call, reads its FAQ, switches to English
and searches for "Scampia" — on a desktop screen and on a phone, where the menu is behind the
burger button. axe-core checks every page of the way.
"""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, save_screenshot

CALL_TITLE = "Avviso iQ – selezione di idee per l'incubazione"
STAGE_2_TITLE = "Avviso iQ – contributi per l'accelerazione"
STORY_TITLE = "Scampia, un orto tra le Vele"
FAQ_QUESTION = "Un gruppo informale deve costituirsi in associazione per partecipare?"
FAQ_ANSWER = "I gruppi informali partecipano come tali"


def open_main_menu_link(page: Page, name: str, *, phone: bool) -> None:
    menu = page.get_by_role("navigation", name="Menu principale")
    link = menu.get_by_role("link", name=name, exact=True)
    if phone:
        expect(link).to_be_hidden()
        page.get_by_role("button", name="Apri il menu").click()
        expect(link).to_be_visible()
        assert_accessible(page, context="main menu open on a phone")
    link.click()


def find_the_call(page: Page, *, phone: bool) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page.get_by_role("heading", level=1)).to_have_text("Innovazione sociale nei quartieri")
    assert_accessible(page, context="home")
    if not phone:
        save_screenshot(page, "home")

    page.get_by_role("region", name="Le città").get_by_role("link", name="Comune di Napoli").click()
    expect(page).to_have_url(re.compile(r"/napoli/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Comune di Napoli")
    assert_accessible(page, context="Napoli")

    open_main_menu_link(page, "Avvisi", phone=phone)
    expect(page).to_have_url(re.compile(r"/napoli/bandi/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Avvisi")
    assert_accessible(page, context="Napoli calls")

    filters = page.get_by_role("navigation", name="Filtra gli avvisi per stato")
    filters.get_by_role("link", name=re.compile(r"^Chiusi")).click()
    expect(page).to_have_url(re.compile(r"stato=chiusi"))
    closed = filters.get_by_role("link", name=re.compile(r"^Chiusi"))
    expect(closed).to_have_attribute("aria-current", "page")
    assert_accessible(page, context="Napoli closed calls")

    page.get_by_role("main").get_by_role("link", name=CALL_TITLE).click()
    expect(page).to_have_url(re.compile(r"/napoli/bandi/iq-fase-1/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(CALL_TITLE)


DEADLINE = {
    "it": ("Scadenza", "10 agosto 2020, ore 12:00 (ora italiana)"),
    "en": ("Deadline", "10 August 2020, 12:00 (Italian time)"),
}


def check_deadline(page: Page, *, language: str) -> None:
    label, text = DEADLINE[language]
    when = page.get_by_role("complementary")
    term = when.locator("dt", has_text=re.compile(f"^{label}$"))
    deadline = term.locator("xpath=following-sibling::dd[1]")
    expect(deadline).to_have_text(text)
    expect(deadline.locator("time")).to_have_attribute("datetime", "2020-08-10T12:00:00+02:00")


def read_the_faq(page: Page) -> None:
    question = page.get_by_role("button", name=FAQ_QUESTION)
    answer = page.get_by_role("region", name=FAQ_QUESTION)
    expect(question).to_have_attribute("aria-expanded", "false")
    expect(answer).to_be_hidden()
    question.scroll_into_view_if_needed()
    question.click()
    expect(question).to_have_attribute("aria-expanded", "true")
    expect(answer).to_be_visible()
    expect(answer).to_contain_text(FAQ_ANSWER)
    expect(page.locator(".accordion-collapse.collapsing")).to_have_count(0)
    assert_accessible(page, context="call page with an FAQ answer open")


def switch_to_english(page: Page) -> None:
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/napoli/bandi/iq-fase-1/$"))
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("button", name="Italiano")).not_to_have_attribute(
        "aria-current", "true"
    )
    expect(page.get_by_role("navigation", name="Main menu")).to_be_attached()
    check_deadline(page, language="en")
    assert_accessible(page, context="call page in English")


def search_for_scampia(page: Page) -> None:
    search = page.get_by_role("banner").get_by_role("searchbox")
    search.fill("Scampia")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/cerca/\?q=Scampia"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Search")
    calls = main.locator("section[aria-labelledby='group-avvisi']")
    expect(calls.get_by_role("link", name=CALL_TITLE)).to_be_visible()
    expect(calls.get_by_role("link", name=STAGE_2_TITLE)).to_be_visible()
    stories = main.locator("section[aria-labelledby='group-storie']")
    expect(stories.get_by_role("link", name=STORY_TITLE)).to_be_visible()
    assert_accessible(page, context="search results for Scampia")


def test_newcomer_finds_the_call_reads_the_faq_and_searches_in_english(demo_page):
    page = demo_page
    find_the_call(page, phone=False)
    check_deadline(page, language="it")
    assert_accessible(page, context="iQ stage-1 call")
    save_screenshot(page, "call-detail")
    read_the_faq(page)
    switch_to_english(page)
    search_for_scampia(page)


def test_newcomer_journey_on_a_phone(demo_phone_page):
    page = demo_phone_page
    find_the_call(page, phone=True)
    check_deadline(page, language="it")
    assert_accessible(page, context="iQ stage-1 call on a phone")
    save_screenshot(page, "phone-call-detail")
    read_the_faq(page)
    switch_to_english(page)
    search_for_scampia(page)
