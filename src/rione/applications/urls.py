from django.urls import include, path

from rione.applications import views
from rione.applications.views_tokens import token_urlpatterns

app_name = "applications"

P = "area-personale/domande/<int:pk>/"

urlpatterns = [
    path("area-personale/domande/", views.my_proposals, name="list"),
    path("area-personale/domande/nuova/<int:call_pk>/", views.start, name="start"),
    path(P, views.proposal, name="proposal"),
    path(P + "passi/<slug:step>/", views.step, name="step"),
    path(P + "allegati/carica/", views.upload, name="upload"),
    path(P + "allegati/<int:attachment_pk>/", views.attachment, name="attachment"),
    path(
        P + "allegati/<int:attachment_pk>/rimuovi/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path(P + "partner/nuovo/", views.partner_add, name="partner_add"),
    path(P + "partner/<int:partner_pk>/", views.partner_edit, name="partner_edit"),
    path(P + "partner/<int:partner_pk>/rimuovi/", views.partner_remove, name="partner_remove"),
    path(P + "riapri/", views.reopen, name="reopen"),
    path(P + "ritira/", views.withdraw, name="withdraw"),
    path(P + "elimina/", views.discard, name="discard"),
    path("area-personale/ricevute/<int:pk>/", views.receipt, name="receipt"),
    path("area-personale/ricevute/<int:pk>/ricevuta.pdf", views.receipt_pdf, name="receipt_pdf"),
    path(
        "area-personale/ricevute/<int:pk>/domanda.pdf",
        views.application_pdf,
        name="application_pdf",
    ),
    path(
        "area-personale/ricevute/<int:pk>/contenuto.json",
        views.receipt_content,
        name="receipt_content",
    ),
    path("area-personale/quesiti/", views.questions, name="questions"),
    path("area-personale/quesiti/nuovo/<int:call_pk>/", views.ask, name="ask"),
    path("area-personale/sessione/", views.keep_alive, name="keep_alive"),
    path("area-personale/", include(token_urlpatterns)),
    path(
        "<slug:city_slug>/bandi/<slug:call_slug>/verifica-ricevuta/",
        views.verify_receipt,
        name="verify_receipt",
    ),
]
