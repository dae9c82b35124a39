"""The staff back office under /gestione/. Every pattern here must be in the permission matrix test."""

from django.urls import include, path

from .views import (
    calls,
    content,
    dashboard,
    exports,
    history,
    programmes,
    proposals,
    staff,
    territory,
)

app_name = "backoffice"


def _part_urls(segment: str, kind: str) -> list:
    return [
        path(f"{segment}/nuovo/", calls.part_form, {"kind": kind}, name=f"{kind}_create"),
        path(f"{segment}/<int:part_pk>/", calls.part_form, {"kind": kind}, name=f"{kind}_edit"),
        path(
            f"{segment}/<int:part_pk>/elimina/",
            calls.part_delete,
            {"kind": kind},
            name=f"{kind}_delete",
        ),
    ]


def _content_urls(segment: str, kind: str) -> list:
    return [
        path(f"{segment}/", content.content_list, {"kind": kind}, name=f"{kind}_list"),
        path(f"{segment}/nuova/", content.content_form, {"kind": kind}, name=f"{kind}_create"),
        path(f"{segment}/<int:pk>/", content.content_form, {"kind": kind}, name=f"{kind}_edit"),
        path(
            f"{segment}/<int:pk>/pubblica/",
            content.content_publish,
            {"kind": kind},
            name=f"{kind}_publish",
        ),
        path(
            f"{segment}/<int:pk>/ritira/",
            content.content_unpublish,
            {"kind": kind},
            name=f"{kind}_unpublish",
        ),
    ]


call_urls = [
    path("", calls.call_detail, name="call_detail"),
    path("modifica/", calls.call_edit, name="call_edit"),
    path("stato/", calls.call_transition, name="call_transition"),
    path("storia/", calls.call_history, name="call_history"),
    path("modifiche/nuova/", calls.amendment_create, name="amendment_create"),
    path("allegati/nuovo/", calls.document_create, name="document_create"),
    path(
        "allegati/<int:part_pk>/elimina/",
        calls.part_delete,
        {"kind": "document"},
        name="document_delete",
    ),
    path("faq/<int:part_pk>/pubblica/", calls.faq_publish, name="faq_publish"),
    path("proposte/", proposals.proposal_list, name="proposal_list"),
    path("proposte/esporta.csv", proposals.proposal_export_csv, name="proposal_export_csv"),
    path("proposte/esporta-xlsx/", proposals.proposal_export_xlsx, name="proposal_export_xlsx"),
    path("proposte/<int:proposal_pk>/", proposals.proposal_detail, name="proposal_detail"),
    path(
        "proposte/<int:proposal_pk>/allegati/<int:attachment_pk>/",
        proposals.proposal_attachment,
        name="proposal_attachment",
    ),
    path("quesiti/", proposals.applicant_question_list, name="applicant_question_list"),
    path(
        "quesiti/<int:question_pk>/rispondi/",
        proposals.applicant_question_answer,
        name="applicant_question_answer",
    ),
    *_part_urls("lotti", "lot"),
    *_part_urls("regole", "grantrule"),
    *_part_urls("documenti-richiesti", "requireddocument"),
    *_part_urls("domande", "question"),
    *_part_urls("faq", "faq"),
]

programme_urls = [
    path("", programmes.programme_edit, name="programme_edit"),
    path("pubblica/", programmes.programme_publish, name="programme_publish"),
    path("storia/", programmes.programme_history, name="programme_history"),
    path("ritira/", programmes.programme_unpublish, name="programme_unpublish"),
    path("fasi/nuova/", programmes.stage_form, name="stage_create"),
    path("fasi/<int:stage_pk>/", programmes.stage_form, name="stage_edit"),
    path("fasi/<int:stage_pk>/elimina/", programmes.stage_delete, name="stage_delete"),
]

city_urls = [
    path("", dashboard.city_home, name="city"),
    path("programmi/", programmes.programme_list, name="programme_list"),
    path("programmi/nuovo/", programmes.programme_create, name="programme_create"),
    path("programmi/<int:pk>/", include(programme_urls)),
    path("programmi/<int:programme_pk>/avvisi/nuovo/", calls.call_create, name="call_create"),
    path("avvisi/", calls.call_list, name="call_list"),
    path("avvisi/<int:pk>/", include(call_urls)),
    path("amministrazione/", territory.city_details, name="city_details"),
    path("sedi/", territory.site_list, name="site_list"),
    path("sedi/nuova/", territory.site_form, name="site_create"),
    path("sedi/<int:pk>/", territory.site_form, name="site_edit"),
    path("sedi/<int:pk>/elimina/", territory.site_delete, name="site_delete"),
    path("municipalita/", territory.district_list, name="district_list"),
    path("municipalita/nuova/", territory.district_form, name="district_create"),
    path("municipalita/<int:pk>/", territory.district_form, name="district_edit"),
    path("municipalita/<int:pk>/elimina/", territory.district_delete, name="district_delete"),
    path("quartieri/", territory.neighbourhood_list, name="neighbourhood_list"),
    path("quartieri/nuovo/", territory.neighbourhood_form, name="neighbourhood_create"),
    path("quartieri/<int:pk>/", territory.neighbourhood_form, name="neighbourhood_edit"),
    path(
        "quartieri/<int:pk>/elimina/", territory.neighbourhood_delete, name="neighbourhood_delete"
    ),
    path("tassonomie/", territory.taxonomy_index, name="taxonomy_index"),
    path("tassonomie/<slug:taxonomy>/", territory.term_list, name="term_list"),
    path("tassonomie/<slug:taxonomy>/nuova/", territory.term_form, name="term_create"),
    path("tassonomie/<slug:taxonomy>/<int:pk>/", territory.term_form, name="term_edit"),
    *_content_urls("notizie", "news"),
    *_content_urls("storie", "story"),
    path("staff/", staff.staff_list, name="staff_list"),
    path("staff/invita/", staff.staff_invite, name="staff_invite"),
    path("staff/ruoli/nuovo/", staff.staff_grant, name="staff_grant"),
    path("staff/ruoli/<int:pk>/revoca/", staff.staff_revoke, name="staff_revoke"),
    path("staff/inviti/<int:pk>/revoca/", staff.invitation_revoke, name="invitation_revoke"),
    path("registro/", history.audit_log, name="audit_log"),
    path("esportazioni/<uuid:token>/", exports.export_progress, name="export_progress"),
    path("esportazioni/<uuid:token>/scarica/", exports.export_download, name="export_download"),
    path("esportazioni/<uuid:token>/riprova/", exports.export_retry, name="export_retry"),
]

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("inviti/<str:token>/", staff.invitation_accept, name="invitation_accept"),
    path("<slug:city_slug>/", include(city_urls)),
]
