from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from rione.portal.urls import root_urlpatterns

urlpatterns: list[URLPattern | URLResolver] = [
    # Choosing the interface language acts for no one, so it needs no CSRF token: without
    # one, the public pages are the same for every visitor and can be cached.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("account/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("rione.api.urls")),
    path("gestione/", include("rione.backoffice.urls")),
    path("area-personale/", include("rione.applicants.urls")),
    path("", include("rione.applications.urls")),
    path("", include("rione.evaluation.urls")),
    path("", include("rione.monitoring.urls")),
    *root_urlpatterns,  # sitemap.xml, robots.txt: outside the "portal" namespace
    path("", include("rione.portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
