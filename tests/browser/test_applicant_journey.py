"""A newcomer signs up, confirms the e-mail, completes the profile, registers an informal group,
fills in every step of a proposal, leaves, comes back through «Le mie domande», submits and
downloads the receipt — on a desktop screen and on a phone. axe-core checks every page.

The call is built in the test (empty database): an open call of a published city and programme
with the default taxonomies, one mandatory document and one extra question.
"""

import re
from decimal import Decimal

from django.core import mail
from playwright.sync_api import Locator, Page, expect

from rione.applicants.tests.factories import person_cf
from rione.applications.models import Proposal
from rione.applications.tests.factories import PDF_BYTES, open_call
from rione.programmes.models import ExtraQuestion, QuestionKind, RequiredDocument
from rione.territory.tests.factories import CityFactory, NeighbourhoodFactory
from tests.browser.conftest import assert_accessible, save_screenshot

PASSWORD = "Quartiere-Vivo-2025!"
GROUP = "Quartiere Vivo"
MEMBERS = [("Maria", "Rossi"), ("Luca", "Bianchi"), ("Anna", "Esposito")]
NEIGHBOURHOOD = "Scampia"
CALL_TITLE = "Avviso Quartieri al centro"
DOCUMENT = "Scheda di progetto"
QUESTION = "Avete già svolto attività nel quartiere?"
TITLE = "Biblioteca di strada"
SUMMARY = "Libri e letture nei cortili delle Vele, con i ragazzi del quartiere."
IDEA_TEXTS = {
    "Problema o bisogno": "Nei cortili mancano luoghi di lettura per i ragazzi.",
    "Soluzione proposta": "Una biblioteca mobile che gira tra i cortili due volte a settimana.",
    "Elementi di innovazione": "I ragazzi scelgono i libri e guidano le letture.",
    "Impatto atteso": "Duecento prestiti e quaranta ragazzi coinvolti in un anno.",
    "Sostenibilità dopo il contributo": "Il comitato di quartiere prosegue con le donazioni.",
}
SECTOR = "Turismo, arte e cultura"
TARGET_GROUP = "Giovani e studenti fra i 15 e i 35 anni"
# (category, description, quantity, unit cost) typed the Italian way, and the line amount.
LINES = [
    ("Personale", "Educatori di strada", "120", "25,50", "3.060,00 €"),
    ("Materiali di consumo", "Libri e scaffali mobili", "1", "1.250,50", "1.250,50 €"),
]
# (quantity, unit cost) as the budget step shows them again after saving.
SAVED_LINES = [("120,00", "25,50"), ("1,00", "1.250,50")]
TOTAL = "4.310,50 €"
GRANT = "4.000,00"
ANSWER = "Sì, da tre anni organizziamo letture estive nei cortili."


def build_call():
    city = CityFactory(name="Napoli", slug="napoli", official_name="Comune di Napoli")
    call = open_call(programme__city=city, title=CALL_TITLE, slug="quartieri-al-centro")
    call.eligible_neighbourhoods.set(
        [NeighbourhoodFactory(district__city=city, name=NEIGHBOURHOOD)]
    )
    RequiredDocument.objects.create(call=call, title=DOCUMENT, is_mandatory=True)
    ExtraQuestion.objects.create(
        call=call, text=QUESTION, kind=QuestionKind.LONG_TEXT, is_required=True
    )
    return call


def main(page: Page) -> Locator:
    return page.get_by_role("main")


def field(scope: Page | Locator, label: str) -> Locator:
    """A form control by its label; required fields add " (obbligatorio)" to the name."""
    return scope.get_by_label(
        re.compile(rf"^{re.escape(label)}\s*\*?\s*(\(obbligatorio\))?$", re.I)
    )


def tick(box: Locator) -> None:
    """Tick a checkbox or radio button by its label, as people do (the theme draws the box on
    the label, which covers the input)."""
    box.page.locator(f"label[for='{box.get_attribute('id')}']").click()
    expect(box).to_be_checked()


def expect_message(page: Page, text: str) -> None:
    expect(page.get_by_text(text, exact=True)).to_be_visible()


# Account, profile and group


def sign_up_and_confirm(page: Page, email: str) -> None:
    page.goto("/account/signup/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, context="sign-up")
    form = main(page)
    field(form, "Email").fill(email)
    field(form, "Password").fill(PASSWORD)
    field(form, "Password (di nuovo)").fill(PASSWORD)
    form.get_by_role("button", name="Registrazione").click()
    expect(page).to_have_url(re.compile(r"/account/confirm-email/$"))
    assert_accessible(page, context="verification e-mail sent")

    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    message = mail.outbox[0]
    assert message.to == [email]
    link = re.search(r"https?://\S+/account/confirm-email/\S+/", message.body)
    assert link, message.body
    page.goto(link.group(0))
    assert_accessible(page, context="confirm e-mail")
    main(page).get_by_role("button", name="Conferma").click()
    expect(page.get_by_role("button", name="Esci")).to_be_attached()


def complete_profile(page: Page) -> None:
    page.goto("/area-personale/")
    main(page).get_by_role("link", name="Completa il profilo").click()
    expect(page).to_have_url(re.compile(r"/area-personale/profilo/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Il tuo profilo")
    assert_accessible(page, context="profile")
    form = main(page)
    field(form, "Nome").fill(MEMBERS[0][0])
    field(form, "Cognome").fill(MEMBERS[0][1])
    field(form, "Codice fiscale").fill(person_cf(1))
    tick(form.get_by_role("checkbox", name=re.compile("Ho letto l'informativa")))
    form.get_by_role("button", name="Salva").click()
    expect(page).to_have_url(re.compile(r"/area-personale/$"))
    expect_message(page, "Profilo salvato.")


def create_group(page: Page) -> None:
    main(page).get_by_role("link", name="Registra un gruppo informale").click()
    expect(page).to_have_url(re.compile(r"/area-personale/gruppi/nuovo/$"))
    assert_accessible(page, context="new informal group")
    form = main(page)
    field(form, "Nome del gruppo").fill(GROUP)
    for n, (first, last) in enumerate(MEMBERS, start=1):
        member = form.get_by_role("group", name=f"Componente {n}")
        field(member, "Nome").fill(first)
        field(member, "Cognome").fill(last)
        field(member, "Codice fiscale").fill(person_cf(n))
    form.get_by_role("button", name="Registra il gruppo").click()
    expect(page).to_have_url(re.compile(r"/area-personale/gruppi/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(GROUP)
    members = main(page).get_by_role("region", name="Componenti").get_by_role("listitem")
    expect(members).to_have_count(3)
    assert_accessible(page, context="informal group")


# The proposal


def steps_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Passi della domanda")


def expect_step(page: Page, label: str, *, number: int) -> None:
    """The current step: its heading, its address and the step list marking it."""
    expect(page).to_have_url(re.compile(r"/area-personale/domande/\d+/passi/[a-z]+/$"))
    expect(main(page).get_by_role("heading", level=2, name=label, exact=True)).to_be_visible()
    current = steps_nav(page).locator("[aria-current='step']")
    expect(current).to_contain_text(label)
    assert_accessible(page, context=f"step {number}: {label}")


def expect_step_state(page: Page, label: str, state: str) -> None:
    link = steps_nav(page).get_by_role("link", name=re.compile(rf"^\d?\s*{re.escape(label)}"))
    expect(link).to_contain_text(state)


def save_and_continue(page: Page) -> None:
    main(page).get_by_role("button", name="Salva e continua").click()
    expect_message(page, "Sezione salvata.")


def start_proposal(page: Page, call) -> None:
    page.goto(f"/{call.city.slug}/bandi/{call.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(CALL_TITLE)
    assert_accessible(page, context="call page")
    page.get_by_role("link", name="Presenta una domanda").click()
    expect(page).to_have_url(re.compile(rf"/area-personale/domande/nuova/{call.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nuova domanda")
    assert_accessible(page, context="start a proposal")
    form = main(page)
    tick(form.get_by_role("radio", name=f"{GROUP} (gruppo informale)"))
    form.get_by_role("button", name="Inizia la domanda").click()
    expect_message(page, "Domanda creata. Puoi salvarla e riprenderla quando vuoi.")
    expect_step(page, "L'idea", number=2)
    expect_step_state(page, "Proponente", "Completato")
    expect_step_state(page, "L'idea", "Da compilare")
    expect_step_state(page, "Riepilogo e invio", "Da compilare")

    # Step 1 was filled in by the start page: look at it, then go on from there.
    steps_nav(page).get_by_role("link", name=re.compile("^Proponente")).click()
    expect_step(page, "Proponente", number=1)
    expect(main(page).get_by_role("radio", name=f"{GROUP} (gruppo informale)")).to_be_checked()
    save_and_continue(page)
    expect_step(page, "L'idea", number=2)


def fill_idea(page: Page) -> None:
    form = main(page)
    field(form, "Titolo").fill(TITLE)
    summary = field(form, "Sintesi")
    summary.fill(SUMMARY)
    counter = form.locator("#id_summary-counter")
    expect(counter).to_have_text(f"{len(SUMMARY)} / 1000 caratteri")
    expect(summary).to_have_attribute("aria-describedby", re.compile(r"\bid_summary-counter\b"))
    field(form, "Settore").select_option(label=SECTOR)
    tick(form.get_by_role("checkbox", name=re.compile(NEIGHBOURHOOD)))
    for label, text in IDEA_TEXTS.items():
        field(form, label).fill(text)
    save_and_continue(page)
    expect_step(page, "Destinatari", number=3)
    expect_step_state(page, "L'idea", "Completato")


def fill_targets(page: Page) -> None:
    field(main(page), TARGET_GROUP).fill("40")
    save_and_continue(page)
    expect_step(page, "Budget", number=4)
    expect_step_state(page, "Destinatari", "Completato")


def budget_total(page: Page) -> Locator:
    return main(page).locator("dl.budget-summary [data-total]")


def fill_budget(page: Page, *, phone: bool) -> None:
    form = main(page)
    add = form.get_by_role("button", name="Aggiungi una voce")
    lines = form.locator("fieldset[data-line]")
    before = lines.count()
    for n, (category, description, quantity, unit_cost, amount) in enumerate(
        LINES, start=before + 1
    ):
        add.click()
        line = form.get_by_role("group", name=f"Voce {n}")
        expect(line).to_be_visible()
        expect(field(line, "Voce di costo")).to_be_focused()
        field(line, "Voce di costo").select_option(label=category)
        field(line, "Descrizione").fill(description)
        field(line, "Quantità").fill(quantity)
        field(line, "Costo unitario (€)").fill(unit_cost)
        expect(line.locator("[data-amount]")).to_have_text(amount)
    expect(lines).to_have_count(before + len(LINES))
    field(form, "Contributo richiesto (€)").fill(GRANT)
    expect(budget_total(page)).to_have_text(TOTAL)
    expect(form.locator("[data-own]")).to_have_text("310,50 €")
    expect(form.locator("[data-pct]")).to_have_text("7,20")
    live_total = budget_total(page).inner_text()
    assert_accessible(page, context="budget with two new lines")
    if not phone:
        save_screenshot(page, "proposal-budget")

    form.get_by_role("button", name="Salva", exact=True).click()
    expect_message(page, "Sezione salvata.")
    expect_step(page, "Budget", number=4)
    expect_step_state(page, "Budget", "Completato")
    # What the server computed, before the script recomputes it in the page.
    served = re.findall(r"data-total>([^<]+)<", page.request.get(page.url).text())
    assert served, "no server-rendered total on the budget page"
    assert {total.replace("\xa0", " ") for total in served} == {live_total.replace("\xa0", " ")}
    assert live_total == TOTAL
    expect(budget_total(page)).to_have_text(TOTAL)
    proposal = Proposal.objects.get()
    assert proposal.requested_grant == Decimal("4000.00")
    assert proposal.budget_lines.count() == 2
    save_and_continue(page)
    expect_step(page, "Domande dell'avviso", number=5)


def fill_questions(page: Page) -> None:
    answer = field(main(page), QUESTION)
    answer.fill(ANSWER)
    expect(main(page).locator(".char-counter")).to_have_text(f"{len(ANSWER)} / 4000 caratteri")
    save_and_continue(page)
    expect_step(page, "Allegati", number=6)
    expect_step_state(page, "Domande dell'avviso", "Completato")
    expect_step_state(page, "Allegati", "Da compilare")


def upload_document(page: Page) -> None:
    required = main(page).get_by_role("region", name="Documenti richiesti dall'avviso")
    document = required.get_by_role("listitem").filter(has_text=DOCUMENT)
    expect(document).to_contain_text("Nessun file caricato.")
    document.get_by_label(re.compile(rf"Scegli il file\s+{DOCUMENT}")).set_input_files(
        {"name": "scheda.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    document.get_by_role("button", name=f"Carica {DOCUMENT}").click()
    expect_message(page, "File caricato.")
    expect_step(page, "Allegati", number=6)
    expect(document.get_by_role("link", name="scheda.pdf")).to_be_visible()
    expect_step_state(page, "Allegati", "Completato")
    main(page).get_by_role("link", name="Vai al riepilogo").click()
    expect_step(page, "Riepilogo e invio", number=7)


# Leave and come back


def leave_and_log_back_in(page: Page, email: str) -> None:
    page.get_by_role("button", name="Esci").click()
    expect(page.get_by_role("button", name="Esci")).to_have_count(0)
    page.goto("/")
    page.get_by_role("link", name="Accedi").click()
    expect(page).to_have_url(re.compile(r"/account/login/"))
    assert_accessible(page, context="login")
    form = main(page)
    field(form, "Email").fill(email)
    field(form, "Password").fill(PASSWORD)
    form.get_by_role("button", name="Accedi").click()
    page.get_by_role("link", name="Area personale").click()
    expect(page).to_have_url(re.compile(r"/area-personale/$"))
    main(page).get_by_role("link", name="Le mie domande").click()
    expect(page).to_have_url(re.compile(r"/area-personale/domande/$"))


def resume_from_my_proposals(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Le mie domande")
    card = main(page).get_by_role("listitem").filter(has_text=TITLE)
    expect(card).to_contain_text("Bozza")
    expect(card).to_contain_text(f"{CALL_TITLE} · Napoli · {GROUP}")
    assert_accessible(page, context="my proposals with a draft")
    card.get_by_role("link", name=TITLE).click()
    # Every step is done: the proposal opens at the summary, with what was saved before.
    expect_step(page, "Riepilogo e invio", number=7)
    for label in (
        "Proponente",
        "L'idea",
        "Destinatari",
        "Budget",
        "Domande dell'avviso",
        "Allegati",
    ):
        expect_step_state(page, label, "Completato")
    expect_step_state(page, "Riepilogo e invio", "Da compilare")
    content = main(page).locator(".submitted-content")
    for text in (TITLE, SUMMARY, NEIGHBOURHOOD, TOTAL, ANSWER, "scheda.pdf", *MEMBERS[2]):
        expect(content).to_contain_text(text)

    # The budget lines come back with the amounts written the Italian way (without grouping).
    steps_nav(page).get_by_role("link", name=re.compile("^Budget")).click()
    expect_step(page, "Budget", number=4)
    for n, (typed, shown) in enumerate(zip(LINES, SAVED_LINES, strict=True), start=1):
        category, description, _quantity, _unit_cost, amount = typed
        line = main(page).get_by_role("group", name=f"Voce {n}")
        expect(field(line, "Voce di costo").locator("option:checked")).to_have_text(category)
        expect(field(line, "Descrizione")).to_have_value(description)
        expect(field(line, "Quantità")).to_have_value(shown[0])
        expect(field(line, "Costo unitario (€)")).to_have_value(shown[1])
        expect(line.locator("[data-amount]")).to_have_text(amount)
    expect(field(main(page), "Contributo richiesto (€)")).to_have_value("4.000,00")
    expect(budget_total(page)).to_have_text(TOTAL)
    steps_nav(page).get_by_role("link", name=re.compile("^Riepilogo e invio")).click()
    expect_step(page, "Riepilogo e invio", number=7)


def submit(page: Page, *, phone: bool) -> None:
    form = main(page)
    tick(form.get_by_role("checkbox", name=re.compile("^Dichiaro")))
    tick(form.get_by_role("checkbox", name=re.compile("^Ho letto l'informativa")))
    if not phone:
        save_screenshot(page, "proposal-summary")
    form.get_by_role("button", name="Presenta la domanda").click()
    expect(page).to_have_url(re.compile(r"/area-personale/ricevute/\d+/$"))
    expect_message(page, "Domanda presentata. Ecco la ricevuta.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ricevuta n. 1")
    protocol = (
        main(page)
        .locator("dt", has_text="Numero di protocollo")
        .locator("xpath=following-sibling::dd[1]")
    )
    expect(protocol).to_have_text("1")
    assert_accessible(page, context="receipt")
    if not phone:
        save_screenshot(page, "receipt")
    with page.expect_download() as download_info:
        main(page).get_by_role("link", name="Scarica la ricevuta (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == "ricevuta-1.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def see_it_submitted(page: Page) -> None:
    # The button under the receipt (the breadcrumb has a link of the same name before it).
    main(page).get_by_role("link", name="Le mie domande").last.click()
    expect(page).to_have_url(re.compile(r"/area-personale/domande/$"))
    card = main(page).get_by_role("listitem").filter(has_text=TITLE)
    expect(card.locator(".badge")).to_have_text("Presentata")
    expect(card.get_by_role("link", name="Presentazione n. 1")).to_be_visible()
    assert_accessible(page, context="my proposals, submitted")


def applicant_journey(page: Page, *, phone: bool) -> None:
    call = build_call()
    email = f"maria.{'phone' if phone else 'desktop'}@example.org"
    sign_up_and_confirm(page, email)
    complete_profile(page)
    create_group(page)
    start_proposal(page, call)
    fill_idea(page)
    fill_targets(page)
    fill_budget(page, phone=phone)
    fill_questions(page)
    upload_document(page)
    leave_and_log_back_in(page, email)
    resume_from_my_proposals(page)
    submit(page, phone=phone)
    see_it_submitted(page)


def test_newcomer_applies_to_a_call(page):
    applicant_journey(page, phone=False)


def test_newcomer_applies_to_a_call_on_a_phone(phone_page):
    applicant_journey(phone_page, phone=True)
