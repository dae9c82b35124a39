"""The applicant API: a person's own proposals, step by step, up to the receipt.

Thin endpoints: find the proposal (404 when it is missing or not the caller's), turn
ids into objects, call the same service the HTML pages call, read the result back.
Errors are mapped in ``rione.api.api``, so they read as on the pages.

``router`` mounts, under one authentication and one tag, the endpoints of
``proposals`` (start, list, read, save the steps, validate), ``files`` (partners and
attachments) and ``submission`` (submit, receipts, reopen, withdraw).
"""

from ninja import Router

from rione.applications.api import files, proposals, submission
from rione.applications.api.auth import BearerToken, CsrfSession

__all__ = ["router"]

router = Router(auth=[BearerToken(), CsrfSession()], tags=["Applicant"])
for module in (proposals, files, submission):
    router.add_router("", module.router)
