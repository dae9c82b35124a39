"""Staff pages of the evaluation under /gestione/, applicant pages under /area-personale/.

Each views module lists its own patterns; every pattern is in a permission matrix test.
"""

from django.urls import URLPattern, URLResolver

from rione.evaluation.views import admissibility, integration
from rione.evaluation.views import appeals as appeal_views
from rione.evaluation.views import commissions as commission_views
from rione.evaluation.views import minutes as minutes_views
from rione.evaluation.views import rankings as ranking_views
from rione.evaluation.views import scoring as scoring_views

app_name = "evaluation"

urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns += admissibility.urlpatterns + integration.urlpatterns
urlpatterns += commission_views.urlpatterns + scoring_views.urlpatterns
urlpatterns += ranking_views.urlpatterns
urlpatterns += appeal_views.urlpatterns
urlpatterns += minutes_views.urlpatterns
