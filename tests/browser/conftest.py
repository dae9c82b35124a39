"""Headless Chromium (Debian's, never a downloaded one) driven by Playwright against a live server.

Two ways to get a server:

- ``page`` / ``phone_page`` use pytest-django's ``live_server``: each test gets an empty
  database (``transactional_db``) and builds what it needs.
- ``demo_page`` / ``demo_phone_page`` use ``demo_site``: a server of the test module with the
  demo data (Napoli iQ, Milano Quartieri Connessi) loaded once for the module. The tests that
  use it only read; the database is flushed when the module ends, as ``transactional_db`` would.
"""

import io
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15000


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
        if "demo_site" in getattr(item, "fixturenames", ()) and not item.get_closest_marker(
            "django_db"
        ):
            # pytest-django creates the test database only for the tests that declare it;
            # without this a run of demo_site tests alone would use the real database.
            item.add_marker(pytest.mark.django_db)


@pytest.fixture(scope="session")
def chromium_browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}"
        if os.environ.get("RIONE_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " and RIONE_REQUIRE_BROWSER=1")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser, base_url: str, *, phone: bool = False):
    """A fresh context (no cookies, Italian locale, Rome time) and its page."""
    device = {"viewport": PHONE, "is_mobile": True, "has_touch": True} if phone else {}
    context = browser.new_context(
        locale="it-IT",
        timezone_id="Europe/Rome",
        base_url=base_url,
        **({"viewport": DESKTOP} | device),
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


@pytest.fixture
def page(chromium_browser, live_server):
    page = open_page(chromium_browser, live_server.url)
    yield page
    page.context.close()


@pytest.fixture
def phone_page(chromium_browser, live_server):
    page = open_page(chromium_browser, live_server.url, phone=True)
    yield page
    page.context.close()


def _let_requests_end(timeout: float = 5.0) -> None:
    """Wait for the live server's request threads, whose browser contexts have closed.

    Each request thread closes the database connections when its keep-alive connection ends.
    On in-memory SQLite that connection is the one the server shares with the tests, and once
    the server has stopped it may no longer be used from another thread: a thread that ended
    after ``stop()`` raised in the background (a warning in the run, never a failure).
    """
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and "process_request_thread" in thread.name:
            thread.join(max(0.0, deadline - time.monotonic()))


def _is_test_database() -> bool:
    from django.db import connection

    if connection.vendor == "sqlite":
        return connection.is_in_memory_db()
    return str(connection.settings_dict["NAME"]).startswith("test_")


@pytest.fixture(scope="module")
def demo_site(
    chromium_browser, django_db_setup, django_db_blocker, tmp_path_factory
) -> Iterator[str]:
    """The URL of a live server whose database holds the demo data, for one test module.

    Loading once per module instead of once per test keeps the suite fast; it is safe because
    the tests that use it only read. The server is this fixture's own (pytest-django's
    ``live_server`` would pull in ``transactional_db``, which empties the database after every
    test). The data is committed before the tests start; each test still runs inside
    pytest-django's ``django_db`` transaction (added at collection), which is what makes
    pytest-django create the test database. At the end the database is flushed, the same
    clean-up ``transactional_db`` does, and the connections it used are closed: one left open
    keeps PostgreSQL from dropping the test database at the end of the run.
    """
    from django.core.management import call_command
    from django.test import modify_settings, override_settings
    from pytest_django.live_server_helper import LiveServer

    from rione.demo.loader import load_demo

    fast_hasher = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The demo's files (receipts, letters, attachments) go to a temporary folder, not var/.
    root = tmp_path_factory.mktemp("demo-files")
    files = override_settings(MEDIA_ROOT=root / "media", PRIVATE_MEDIA_ROOT=root / "private")
    with django_db_blocker.unblock(), files:
        if not _is_test_database():
            pytest.fail("demo_site refuses to load the demo data into a non-test database")
        try:
            with override_settings(PASSWORD_HASHERS=fast_hasher):
                load_demo()
            server = LiveServer("localhost")
            try:
                with modify_settings(ALLOWED_HOSTS={"append": "localhost"}):
                    yield server.url
            finally:
                _let_requests_end()
                server.stop()
        finally:
            call_command("flush", interactive=False, verbosity=0, stdout=io.StringIO())
            connections.close_all()


@pytest.fixture
def demo_page(chromium_browser, demo_site):
    page = open_page(chromium_browser, demo_site)
    yield page
    page.context.close()


@pytest.fixture
def demo_phone_page(chromium_browser, demo_site):
    page = open_page(chromium_browser, demo_site, phone=True)
    yield page
    page.context.close()


def assert_accessible(page, *, context: str = "") -> None:
    """axe-core (bundled with axe-playwright-python): no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        violation
        for violation in results.response["violations"]
        if violation.get("impact") in {"serious", "critical"}
    ]
    details = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in bad
    )
    assert not bad, f"Accessibility violations on {context or page.url}:\n{details}"


def save_screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
