from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "rione.api"
    label = "api"
    verbose_name = "API"
