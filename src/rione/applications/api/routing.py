"""The router every module of the applicant API puts its endpoints on."""

from collections.abc import Callable
from typing import Any

from ninja import Router


class ApplicantRouter(Router):
    """A router whose operation ids stay ``rione_applications_api_<view>``.

    Those are the ids the endpoints had when the API was one module, and clients
    generated from the OpenAPI schema call them by these ids; ninja would otherwise
    derive them from the module the view lives in.
    """

    def add_api_operation(
        self, path: str, methods: list[str], view_func: Callable[..., Any], **options: Any
    ) -> None:
        options["operation_id"] = (
            options.get("operation_id") or f"rione_applications_api_{view_func.__name__}"
        )
        super().add_api_operation(path, methods, view_func, **options)
