from django.urls import path

from rione.applicants import views

app_name = "applicants"

urlpatterns = [
    path("", views.home, name="home"),
    path("profilo/", views.profile, name="profile"),
    path("enti/nuovo/", views.organisation_create, name="organisation_create"),
    path("enti/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("enti/<int:pk>/modifica/", views.organisation_edit, name="organisation_edit"),
    path("enti/<int:pk>/invita/", views.member_invite, name="member_invite"),
    path(
        "enti/<int:pk>/componenti/<int:membership_pk>/rimuovi/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "enti/<int:pk>/inviti/<int:invitation_pk>/revoca/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("inviti/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("gruppi/nuovo/", views.group_create, name="group_create"),
    path("gruppi/<int:pk>/", views.group_detail, name="group_detail"),
    path("gruppi/<int:pk>/modifica/", views.group_edit, name="group_edit"),
    path("gruppi/<int:pk>/componenti/aggiungi/", views.group_member_add, name="group_member_add"),
    path(
        "gruppi/<int:pk>/componenti/<int:member_pk>/rimuovi/",
        views.group_member_remove,
        name="group_member_remove",
    ),
]
