from django.urls import path

from rione.api.api import api

urlpatterns = [path("", api.urls)]
