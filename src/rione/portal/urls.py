from django.contrib.sitemaps.views import sitemap
from django.urls import path

from rione.portal import views
from rione.portal.sitemaps import SITEMAPS

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("cerca/", views.search, name="search"),
    path("accessibilita/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("documenti/<int:pk>/", views.call_document, name="call_document"),
    path("<slug:city_slug>/", views.city_home, name="city"),
    path("<slug:city_slug>/programmi/<slug:slug>/", views.programme_detail, name="programme"),
    path("<slug:city_slug>/bandi/", views.call_list, name="call_list"),
    path("<slug:city_slug>/bandi/<slug:slug>/", views.call_detail, name="call_detail"),
    path("<slug:city_slug>/notizie/", views.news_list, name="news_list"),
    path("<slug:city_slug>/notizie/<slug:slug>/", views.news_detail, name="news_detail"),
    path("<slug:city_slug>/voci-dai-quartieri/", views.story_list, name="story_list"),
    path(
        "<slug:city_slug>/voci-dai-quartieri/<slug:slug>/",
        views.story_detail,
        name="story_detail",
    ),
    path("<slug:city_slug>/contatti/", views.contacts, name="contacts"),
]

# Outside the "portal" namespace: the names Django and crawlers expect.
root_urlpatterns = [
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]
