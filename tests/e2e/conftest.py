"""Browser journeys: Playwright drives Debian's Chromium against pytest-django's live server.

Playwright's own browser download does not work here, so the executable is Debian's chromium.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.db import connection

from crm.audit import triggers
from crm.catalog.reference import load_reference_data as load_catalog
from crm.clients.reference import load_reference_data as load_clients
from crm.org.reference import load_reference_data as load_org
from crm.pipeline.reference import load_reference_data as load_pipeline

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
REFERENCE_LOADERS = (load_org, load_catalog, load_clients, load_pipeline)
# Not test-results/: pytest-playwright empties that folder at the start of every session.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--lang=ru-RU",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "ru-RU",
        "timezone_id": "Europe/Moscow",
        "viewport": {"width": 1440, "height": 900},
    }


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def browser_db(transactional_db):
    """A committed database the live server can see, with the reference data the migrations load.

    The flush after each such test empties every table, reference data included, so it is loaded again.
    SQLite's flush deletes row by row, which the append-only audit triggers refuse, so they are lifted
    just for the flush; every test that relies on them installs them first (they are idempotent).
    """
    triggers.install(connection)
    for load_reference_data in REFERENCE_LOADERS:
        load_reference_data(django_apps)
    yield
    if connection.vendor == "sqlite":
        triggers.uninstall(connection)


@pytest.fixture
def login(page, live_server):
    def _login(username: str, password: str = "demo-pass-123") -> None:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Логин").fill(username)
        page.get_by_label("Пароль").fill(password)
        page.get_by_role("button", name="Войти").click()

    return _login
