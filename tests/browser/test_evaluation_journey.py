"""The evaluation in a real browser, as the people who do it: axe-core checks every page.

1. An evaluator logs in, opens «Le mie valutazioni», meets the declaration on conflicts of
   interest before the proposal (whose content stays hidden until then), declares no conflict,
   scores it criterion by criterion, saves a draft, finds it kept, signs it and then sees it
   signed and read-only. On a second proposal they declare a conflict: it leaves their list and
   its pages answer 404.
2. A manager computes the ranking of a closed call and publishes it as provisional; an
   applicant files an appeal from the personal area; the manager cannot publish the final
   ranking while the appeal window is open nor while the appeal waits for a decision, decides
   it, and publishes the final ranking with the act (determina). The public ranking page shows
   it with the act, and its CSV downloads.

The database is empty at the start (``live_server``); each test builds its call with the
givens of the evaluation's own tests. Staff MFA is off in the test settings (pyproject env).
"""

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from playwright.sync_api import Locator, Page, expect

from rione.core import clock
from rione.core.models import User
from rione.core.tests.factories import PASSWORD
from rione.evaluation.models import (
    Appeal,
    AppealOutcome,
    Assignment,
    ConflictDeclaration,
    Evaluation,
    EvaluationStatus,
    Ranking,
    RankingKind,
    Score,
)
from rione.evaluation.tests.test_commissions import build_panel
from rione.evaluation.tests.test_rankings import ranked_call
from rione.territory.tests.factories import CityFactory
from tests.browser.conftest import assert_accessible, open_page, save_screenshot

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SUMMARY = "Libri e letture nei cortili."  # the proposals' summary (complete_proposal)
ACT_NUMBER = "DD 412/2025"
ACT_DATE = date(2025, 6, 30)


def main(page: Page) -> Locator:
    return page.get_by_role("main")


def expect_message(page: Page, text: str) -> None:
    expect(page.get_by_text(text, exact=True)).to_be_visible()


def tick(box: Locator) -> None:
    """Tick a checkbox or radio button by clicking its label, as people do."""
    box.page.locator(f"label[for='{box.get_attribute('id')}']").click()
    expect(box).to_be_checked()


def scroll_to_top(element: Locator) -> None:
    """Bring ``element`` to the top of the window (for a screenshot of what matters)."""
    element.evaluate("node => node.scrollIntoView({block: 'start', behavior: 'instant'})")


def verified(user: User) -> User:
    """E-mail verification is mandatory to log in; staff and applicants here have done it."""
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def log_in(page: Page, email: str) -> None:
    page.goto("/account/login/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, context="login")
    form = main(page)
    form.get_by_label(re.compile(r"^Email", re.I)).fill(email)
    form.get_by_label(re.compile(r"^Password", re.I)).fill(PASSWORD)
    form.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("button", name="Esci")).to_be_attached()


def open_city_backoffice(page: Page, city_name: str) -> None:
    """From the header's «Gestione» to the city's overview."""
    page.get_by_role("link", name="Gestione", exact=True).click()
    expect(page).to_have_url(re.compile(r"/gestione/$"))
    assert_accessible(page, context="backoffice home")
    main(page).get_by_role("link", name=city_name, exact=True).click()
    expect(page).to_have_url(re.compile(r"/gestione/[-\w]+/$"))
    assert_accessible(page, context="city overview")


def sidebar(page: Page) -> Locator:
    return page.get_by_role("navigation", name=re.compile(r"^Gestione di "))


# 1. An evaluator


def open_my_evaluations(page: Page) -> Locator:
    sidebar(page).get_by_role("link", name="Le mie valutazioni").click()
    expect(page).to_have_url(re.compile(r"/gestione/[-\w]+/valutazioni/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Le mie valutazioni")
    assert_accessible(page, context="my evaluations")
    return main(page).get_by_role("table", name="Proposte da valutare")


def row_of(table: Locator, title: str) -> Locator:
    return table.get_by_role("row").filter(has=table.page.get_by_role("rowheader", name=title))


def action(table: Locator, verb: str, title: str) -> Locator:
    """The row's button: its hidden text names the proposal ("Dichiara: Proposta 0")."""
    return row_of(table, title).get_by_role(
        "link", name=re.compile(rf"^{verb}\s*:\s*{re.escape(title)}$")
    )


def declare_no_conflict(page: Page, title: str) -> None:
    expect(page).to_have_url(re.compile(r"/valutazioni/\d+/dichiarazione/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Dichiarazione sul conflitto di interessi"
    )
    who = main(page).get_by_role("region", name="Chi presenta la proposta")
    expect(who).to_contain_text(title)
    # Who applies, yes; what they propose, not before the declaration.
    expect(main(page)).not_to_contain_text(SUMMARY)
    expect(main(page).get_by_role("textbox", name=re.compile("^Punti"))).to_have_count(0)
    assert_accessible(page, context="declaration")

    # No answer: nothing is recorded, the page says why.
    main(page).get_by_role("button", name="Registra la dichiarazione").click()
    expect(main(page).get_by_role("alert")).to_contain_text("Non è stato salvato nulla")
    expect(main(page)).to_contain_text("Rispondi sì o no.")
    assert not ConflictDeclaration.objects.exists()
    assert_accessible(page, context="declaration with an error")

    tick(main(page).get_by_role("radio", name="No, non ho conflitti di interessi"))
    main(page).get_by_role("button", name="Registra la dichiarazione").click()
    expect(page).to_have_url(re.compile(r"/valutazioni/\d+/$"))
    expect_message(page, "Dichiarazione registrata: puoi valutare la proposta.")


def criterion(page: Page, label: str) -> Locator:
    return main(page).get_by_role("group", name=label)


def points(page: Page, label: str) -> Locator:
    return criterion(page, label).get_by_role("textbox", name=re.compile(r"^Punti"))


def comment(page: Page, label: str) -> Locator:
    return criterion(page, label).get_by_role("textbox", name=re.compile(r"^Commento"))


def score_save_and_sign(page: Page, proposal) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(proposal.title)
    expect(main(page)).to_contain_text(SUMMARY)
    expect(main(page).get_by_text("In bozza", exact=True)).to_have_count(0)
    assert_accessible(page, context="scoring form")

    # Points over a criterion's maximum: refused, nothing stored.
    points(page, "A.1 Chiarezza").fill("7,5")
    comment(page, "A.1 Chiarezza").fill("Obiettivi chiari e misurabili.")
    points(page, "A.2 Fattibilità").fill("25")
    main(page).get_by_role("button", name="Salva bozza").click()
    expect(main(page).get_by_role("alert")).to_contain_text("Non è stato salvato nulla")
    expect(points(page, "A.2 Fattibilità")).to_have_attribute("aria-invalid", "true")
    assert not Evaluation.objects.exists()
    assert not Score.objects.exists()
    assert_accessible(page, context="scoring form with an error")

    # A draft with two criteria of three: kept, and shown again the Italian way.
    points(page, "A.2 Fattibilità").fill("15")
    main(page).get_by_role("button", name="Salva bozza").click()
    expect_message(page, "Bozza salvata.")
    expect(main(page).get_by_text("In bozza", exact=True)).to_be_visible()
    page.reload()
    expect(points(page, "A.1 Chiarezza")).to_have_value("7,50")
    expect(comment(page, "A.1 Chiarezza")).to_have_value("Obiettivi chiari e misurabili.")
    expect(points(page, "A.2 Fattibilità")).to_have_value("15,00")
    expect(points(page, "B Impatto")).to_have_value("")
    evaluation = Evaluation.objects.get()
    assert evaluation.status == EvaluationStatus.DRAFT
    assert dict(evaluation.scores.values_list("criterion__code", "points")) == {
        "A.1": Decimal("7.50"),
        "A.2": Decimal("15.00"),
    }

    # Signing needs the confirmation ticked.
    points(page, "B Impatto").fill("18")
    main(page).get_by_label(re.compile(r"^Giudizio complessivo", re.I)).fill(
        "Proposta solida, con un buon radicamento nel quartiere."
    )
    scroll_to_top(main(page).get_by_role("heading", name="La tua valutazione"))
    save_screenshot(page, "evaluation-scoring")
    main(page).get_by_role("button", name="Firma la valutazione").click()
    expect(main(page)).to_contain_text("Spunta la conferma per firmare la valutazione.")
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DRAFT
    assert evaluation.scores.count() == 2
    assert_accessible(page, context="sign-off without confirmation")

    tick(main(page).get_by_role("checkbox", name=re.compile(r"^Confermo")))
    main(page).get_by_role("button", name="Firma la valutazione").click()
    expect_message(page, "Valutazione firmata.")
    expect(main(page).get_by_text("Valutazione firmata", exact=True)).to_be_visible()
    # The section and the scrollable table inside it share the name: the section is first.
    mine = main(page).get_by_role("region", name="La tua valutazione").first
    expect(mine).to_contain_text("non si può più modificare")
    # Read-only: the scores in a table, no field or button left to change them.
    expect(mine.get_by_role("textbox")).to_have_count(0)
    expect(mine.get_by_role("button")).to_have_count(0)
    scores = mine.get_by_role("table")
    expect(scores.get_by_role("row").filter(has_text="A.1 Chiarezza")).to_contain_text("7,50")
    expect(scores.get_by_role("row").filter(has_text="B Impatto")).to_contain_text("18,00")
    expect(mine).to_contain_text("Proposta solida, con un buon radicamento nel quartiere.")
    assert_accessible(page, context="signed evaluation")


def declare_a_conflict(page: Page, table: Locator, title: str) -> None:
    action(table, "Dichiara", title).click()
    declare = main(page).get_by_role("button", name="Registra la dichiarazione")
    tick(main(page).get_by_role("radio", name="Sì, ho un conflitto di interessi"))
    declare.click()
    # A conflict needs its reason.
    expect(main(page)).to_contain_text("Indica il motivo del conflitto di interessi")
    assert ConflictDeclaration.objects.filter(has_conflict=True).count() == 0
    assert_accessible(page, context="conflict without a reason")
    tick(main(page).get_by_role("radio", name="Sì, ho un conflitto di interessi"))
    main(page).get_by_label(re.compile(r"^Motivo", re.I)).fill("Mia sorella guida l'associazione.")
    declare.click()
    expect(page).to_have_url(re.compile(r"/valutazioni/$"))
    expect_message(
        page,
        "Dichiarazione registrata: hai un conflitto di interessi, la proposta non ti è più "
        "assegnata.",
    )


def test_evaluator_declares_scores_and_signs(page, settings):
    settings.PASSWORD_HASHERS = FAST_HASHER
    city = CityFactory(name="Napoli", slug="napoli")
    panel = build_panel(city, n_proposals=2)
    evaluator = verified(panel.member)
    scored, conflicted = panel.proposals
    assert Assignment.objects.filter(member__user=evaluator).count() == 2

    log_in(page, evaluator.email)
    open_city_backoffice(page, "Napoli")
    table = open_my_evaluations(page)
    expect(table.get_by_role("row")).to_have_count(3)  # heading row and two proposals
    expect(row_of(table, scored.title)).to_contain_text("Dichiarazione da rendere")

    # The scoring form's address leads to the declaration first.
    page.goto(f"/gestione/{city.slug}/valutazioni/{scored.pk}/")
    expect(page).to_have_url(re.compile(rf"/valutazioni/{scored.pk}/dichiarazione/$"))
    page.go_back()
    action(table, "Dichiara", scored.title).click()
    declare_no_conflict(page, scored.title)
    score_save_and_sign(page, scored)

    table = open_my_evaluations(page)
    expect(row_of(table, scored.title)).to_contain_text("Firmata")
    expect(action(table, "Vedi", scored.title)).to_be_visible()

    declare_a_conflict(page, table, conflicted.title)
    table = main(page).get_by_role("table", name="Proposte da valutare")
    expect(table.get_by_role("row")).to_have_count(2)
    expect(row_of(table, conflicted.title)).to_have_count(0)
    assert_accessible(page, context="my evaluations after a conflict")
    for path in ("", "dichiarazione/"):
        response = page.goto(f"/gestione/{city.slug}/valutazioni/{conflicted.pk}/{path}")
        assert response is not None and response.status == 404, path

    seat = panel.seat(evaluator)
    evaluation = Evaluation.objects.get(member=seat, proposal=scored)
    assert evaluation.status == EvaluationStatus.SIGNED
    assert evaluation.signed_at is not None
    assert evaluation.comment == "Proposta solida, con un buon radicamento nel quartiere."
    assert {
        s.criterion.code: (s.points, s.comment)
        for s in evaluation.scores.select_related("criterion")
    } == {
        "A.1": (Decimal("7.50"), "Obiettivi chiari e misurabili."),
        "A.2": (Decimal("15.00"), ""),
        "B": (Decimal("18.00"), ""),
    }
    assert not Evaluation.objects.filter(member=seat, proposal=conflicted).exists()
    assert set(
        ConflictDeclaration.objects.filter(member=seat).values_list(
            "proposal_id", "has_conflict", "reason"
        )
    ) == {
        (scored.pk, False, ""),
        (conflicted.pk, True, "Mia sorella guida l'associazione."),
    }


# 2. A manager, and an applicant who appeals


def open_ranking_tab(page: Page, call) -> None:
    sidebar(page).get_by_role("link", name="Avvisi").click()
    expect(page).to_have_url(re.compile(r"/avvisi/$"))
    assert_accessible(page, context="calls")
    main(page).get_by_role("link", name=call.title).first.click()
    expect(page).to_have_url(re.compile(rf"/avvisi/{call.pk}/$"))
    assert_accessible(page, context="call")
    page.get_by_role("link", name="Graduatoria", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/avvisi/{call.pk}/graduatoria/$"))
    expect(main(page).get_by_role("heading", level=2, name="Graduatoria")).to_be_visible()


def publish_final(page: Page) -> None:
    form = (
        main(page)
        .locator("form")
        .filter(
            has=page.get_by_role("button", name="Ricalcola e pubblica la graduatoria definitiva")
        )
    )
    form.get_by_label("numero della determina").fill(ACT_NUMBER)
    form.get_by_label("data della determina").fill(ACT_DATE.isoformat())
    form.get_by_role("button", name="Ricalcola e pubblica la graduatoria definitiva").click()


def file_an_appeal(page: Page, call, proposal) -> None:
    page.goto(f"/{call.city.slug}/bandi/{call.slug}/graduatoria/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Graduatoria provvisoria")
    assert_accessible(page, context="public provisional ranking")
    page.goto(f"/area-personale/domande/{proposal.pk}/ricorso/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ricorso sulla graduatoria provvisoria"
    )
    assert_accessible(page, context="appeal form")
    main(page).get_by_role("button", name="Presenta il ricorso").click()
    expect(main(page)).to_contain_text("Scrivi i motivi del ricorso.")
    assert not Appeal.objects.exists()
    main(page).get_by_label(re.compile(r"^Motivi del ricorso", re.I)).fill(
        "Il criterio sull'impatto non considera i quaranta ragazzi già coinvolti."
    )
    main(page).get_by_role("button", name="Presenta il ricorso").click()
    expect_message(page, "Ricorso presentato. La città ti comunicherà la decisione.")
    filed = main(page).get_by_role("status").filter(has_text="Hai presentato ricorso")
    expect(filed).to_contain_text("Esito: In esame")
    assert_accessible(page, context="appeal filed")


def test_manager_publishes_provisional_then_final_ranking(page, chromium_browser, settings):
    settings.PASSWORD_HASHERS = FAST_HASHER
    city = CityFactory(name="Napoli", slug="napoli")
    world = ranked_call(city, [70, 90])
    call, manager = world.call, verified(world.manager)
    lower, higher = world.proposals
    applicant = verified(lower.created_by)

    log_in(page, manager.email)
    open_city_backoffice(page, "Napoli")
    open_ranking_tab(page, call)
    expect(main(page)).to_contain_text("Nessuna graduatoria calcolata per questo avviso.")
    assert_accessible(page, context="ranking tab, nothing computed")

    main(page).get_by_role("button", name="Calcola la graduatoria").click()
    expect_message(page, "Graduatoria calcolata. Controllala prima di pubblicarla.")
    expect(main(page)).to_contain_text("Non ancora pubblicata.")
    table = main(page).get_by_role("table", name="Graduatoria")
    rows = table.get_by_role("row")
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_contain_text(higher.title)
    expect(rows.nth(2)).to_contain_text(lower.title)
    assert_accessible(page, context="ranking computed")

    main(page).get_by_role("button", name="Pubblica come graduatoria provvisoria").click()
    expect_message(page, "Graduatoria provvisoria pubblicata: si apre il termine per i ricorsi.")
    expect(main(page)).to_contain_text("Nessun ricorso presentato.")
    provisional = Ranking.objects.get(kind=RankingKind.PROVISIONAL)
    assert provisional.published_at is not None
    assert provisional.appeals_close_at is not None
    assert_accessible(page, context="provisional ranking published")

    # The applicant of the lower proposal appeals, in a browser of their own.
    applicant_page = open_page(chromium_browser, page.url.split("/gestione/")[0])
    try:
        log_in(applicant_page, applicant.email)
        file_an_appeal(applicant_page, call, lower)
    finally:
        applicant_page.context.close()

    # While the window is open the final ranking waits.
    page.reload()
    publish_final(page)
    expect_message(
        page,
        "Il termine per i ricorsi sulla graduatoria provvisoria non è ancora scaduto: la "
        "graduatoria definitiva si pubblica dopo.",
    )
    assert not Ranking.objects.filter(kind=RankingKind.FINAL).exists()

    # The appeal days go by (the window is moved into the past, no sleeping).
    Ranking.objects.filter(pk=provisional.pk).update(
        appeals_close_at=clock.now() - timedelta(minutes=1)
    )
    publish_final(page)
    expect_message(
        page,
        "Ci sono ricorsi ancora da decidere: la graduatoria definitiva si pubblica dopo averli "
        "decisi tutti.",
    )
    assert not Ranking.objects.filter(kind=RankingKind.FINAL).exists()

    appeal = main(page).get_by_role("region", name=re.compile(rf"{re.escape(lower.title)}$"))
    expect(appeal).to_contain_text(lower.title)
    expect(appeal).to_contain_text("quaranta ragazzi")
    assert_accessible(page, context="ranking with a pending appeal")
    tick(appeal.get_by_role("radio", name="Respinto"))
    appeal.get_by_label("decisione motivata").fill(
        "Il punteggio sull'impatto è motivato nella scheda di valutazione."
    )
    appeal.get_by_role("button", name="Registra la decisione").click()
    expect_message(page, "Decisione registrata e comunicata al proponente.")
    decided = Appeal.objects.get()
    assert decided.outcome == AppealOutcome.REJECTED
    assert decided.decided_by_id == manager.pk

    publish_final(page)
    expect_message(page, "Graduatoria definitiva pubblicata.")
    expect(main(page)).to_contain_text(f"Determina n. {ACT_NUMBER}.")
    assert_accessible(page, context="final ranking published")
    scroll_to_top(main(page).get_by_text(re.compile(r"^Graduatoria definitiva calcolata il", re.I)))
    save_screenshot(page, "evaluation-ranking")
    final = Ranking.objects.get(kind=RankingKind.FINAL)
    assert final.published_at is not None
    assert (final.act_number, final.act_date) == (ACT_NUMBER, ACT_DATE)
    assert list(final.entries.order_by("position").values_list("proposal_id", flat=True)) == [
        higher.pk,
        lower.pk,
    ]

    # The public page shows the final ranking with its act; the CSV downloads.
    page.goto(f"/{city.slug}/bandi/{call.slug}/graduatoria/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Graduatoria definitiva")
    expect(main(page)).to_contain_text(
        re.compile(
            rf"Approvata con determina n\. {re.escape(ACT_NUMBER)} del 30 giugno 2025\.", re.I
        )
    )
    public = main(page).get_by_role("table", name="Graduatoria")
    expect(public.get_by_role("row")).to_have_count(3)
    expect(public.get_by_role("row").nth(1)).to_contain_text(higher.title)
    assert_accessible(page, context="public final ranking")
    with page.expect_download() as download_info:
        main(page).get_by_role("link", name="Scarica CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"graduatoria-final-{call.slug}.csv"
    with open(download.path(), encoding="utf-8-sig") as data:
        lines = list(csv.reader(io.StringIO(data.read())))
    assert len(lines) == 3, lines
    assert higher.title in lines[1]
    assert lower.title in lines[2]
