"""Dashboards: staff pages under /gestione/, public pages under the city's portal.

Every pattern is in the permission matrix test (tests/test_views.py).
"""

from django.urls import URLPattern

from rione.monitoring import views, views_exports, views_opendata

app_name = "monitoring"

urlpatterns: list[URLPattern] = (
    views.urlpatterns + views_opendata.urlpatterns + views_exports.urlpatterns
)
