"""The demo applicant: a profile, an association, an informal group, and proposals to the open call.

Everything goes through the services, as a real applicant would do it: the association's
proposal is submitted (so the back office has one to show), the group's is a draft.
"""

from datetime import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF

from rione.applicants import services as applicants
from rione.applicants.models import InformalGroup, LegalForm, MemberRole, Organisation, Person
from rione.applications import services as applications
from rione.applications.models import Proposal
from rione.core import clock
from rione.core.models import User
from rione.programmes.models import Call, CallPhase
from rione.territory.models import CostCategory, Sector, TargetGroup

OPEN_CALL_SLUG = "iq-nuove-idee"
ORGANISATION = {
    "name": "Associazione Vicoli in Rete APS (dimostrativa)",
    "legal_form": LegalForm.APS,
    "codice_fiscale": "95000120634",
    "pec": "vicoliinrete@pec.rione.demo",
    "runts_number": "DEMO-12345",
    "runts_registered_on": datetime(2022, 6, 15).date(),
    "registered_office": "Vico Lungo Montecalvario 10, 80134 Napoli",
    "legal_rep_name": "Salvatore Iovine",
    "legal_rep_cf": "VNISVT80A01F839B",
}
GROUP_MEMBERS = [
    {"first_name": "Salvatore", "last_name": "Iovine", "codice_fiscale": "VNISVT80A01F839B"},
    {"first_name": "Carmela", "last_name": "Sorrentino", "codice_fiscale": "SRRCML85C45F839G"},
    {"first_name": "Gennaro", "last_name": "Cuomo", "codice_fiscale": "CMUGNR90D12F839C"},
]


def _pdf(title: str) -> SimpleUploadedFile:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=14)
    document.cell(text=title)
    return SimpleUploadedFile("scheda-idea.pdf", bytes(document.output()), "application/pdf")


def ensure_profile(user: User) -> None:
    if not Person.objects.filter(user=user).exists():
        applicants.save_profile(
            user=user,
            by=user,
            values={
                "first_name": user.first_name,
                "last_name": user.last_name,
                "codice_fiscale": GROUP_MEMBERS[0]["codice_fiscale"],
                "phone": "",
            },
        )
    applicants.accept_privacy_notice(by=user)


def ensure_organisation(user: User) -> Organisation:
    found = Organisation.objects.filter(codice_fiscale=ORGANISATION["codice_fiscale"]).first()
    return found or applicants.create_organisation(
        by=user, values=ORGANISATION, creator_role=MemberRole.LEGAL_REPRESENTATIVE
    )


def ensure_group(user: User) -> InformalGroup:
    found = InformalGroup.objects.filter(contact=user).first()
    return found or applicants.create_group(
        by=user, name="Gruppo Cortili Aperti (dimostrativo)", members=GROUP_MEMBERS
    )


def fill_and_submit(call: Call, organisation: Organisation, user: User, at: datetime) -> None:
    proposal = applications.start_proposal(call=call, by=user, organisation=organisation, at=at)
    city = call.city
    applications.save_idea_step(
        proposal=proposal,
        by=user,
        at=at,
        values={
            "title": "Biblioteca di vicolo",
            "summary": "Prestito di libri e letture ad alta voce nei bassi e nei cortili dei Quartieri Spagnoli.",
            "sector": Sector.objects.filter(city=city).order_by("order").first(),
            "problem": "Nei vicoli mancano spazi di lettura per bambini e ragazzi.",
            "solution": "Tre punti prestito nei bassi, con volontari e letture settimanali.",
            "innovation": "La biblioteca va dove vivono i lettori, con i commercianti come custodi.",
            "impact": "200 prestiti al mese e 40 ragazzi coinvolti nelle letture.",
            "sustainability": "Quote associative, donazioni di libri e una convenzione con la biblioteca civica.",
        },
        neighbourhoods=list(call.eligible_neighbourhoods.order_by("order")[:1]),
    )
    applications.save_targets_step(
        proposal=proposal,
        by=user,
        at=at,
        rows=[(TargetGroup.objects.filter(city=city).order_by("order")[0], 40)],
    )
    category = CostCategory.objects.filter(city=city).order_by("order")[0]
    applications.save_budget_step(
        proposal=proposal,
        by=user,
        at=at,
        lines=[
            applications.LineInput(
                category, "Educatori per le letture", Decimal("120"), Decimal("25.00")
            ),
            applications.LineInput(category, "Scaffali e libri", Decimal("1"), Decimal("2000.00")),
        ],
        requested_grant=Decimal("4500.00"),
    )
    applications.save_answers_step(
        proposal=proposal,
        by=user,
        at=at,
        answers={q.pk: "Montecalvario" for q in call.extra_questions.all()},
    )
    for document in call.required_documents.all():
        applications.add_attachment(
            proposal=proposal,
            by=user,
            upload=_pdf(document.title),
            required_document=document,
            at=at,
        )
    applications.submit_proposal(proposal=proposal, by=user, truthfulness=True, privacy=True, at=at)


def ensure_demo_applicant(user: User, *, now: datetime) -> None:
    ensure_profile(user)
    organisation = ensure_organisation(user)
    group = ensure_group(user)
    call = Call.objects.filter(city__slug="napoli", slug=OPEN_CALL_SLUG).first()
    if call is None or call.phase_at(now) != CallPhase.OPEN:
        return
    with clock.travel_to(now):
        if not Proposal.objects.filter(call=call, organisation=organisation).exists():
            fill_and_submit(call, organisation, user, now)
        if not Proposal.objects.filter(call=call, group=group).exists():
            draft = applications.start_proposal(call=call, by=user, group=group, at=now)
            applications.save_idea_step(
                proposal=draft,
                by=user,
                at=now,
                values={
                    "title": "Cortili aperti il sabato",
                    "summary": "Giochi e merende nei cortili.",
                },
                neighbourhoods=[],
            )
