"""A database that is busy or does not answer gives a 503 that says to try again, wherever in
the request it failed (issue 12); a bug such as a missing table stays a 500."""

from unittest import mock

import psycopg
import pytest
from django.db import OperationalError, connection
from django.test import Client

from tests.helpers import client_for

pytestmark = pytest.mark.django_db

EXECUTE = "django.db.backends.utils.CursorWrapper._execute_with_wrappers"


def _busy() -> OperationalError:
    """What each database raises when it is busy: SQLite's lock, psycopg's time-out."""
    if connection.vendor == "sqlite":
        return OperationalError("database is locked")
    error = OperationalError("connection to server failed: timeout expired")
    error.__cause__ = psycopg.OperationalError("timeout expired")
    return error


@pytest.fixture
def production(settings):
    settings.DEBUG = False


def test_a_database_lost_before_the_view_answers_503(production, pm):
    """The first query of a page is the session's user, loaded by the authentication
    middleware before any view runs: a database lost there was a 500."""
    client = client_for(pm)
    client.raise_request_exception = False
    with mock.patch(EXECUTE, side_effect=_busy()):
        response = client.get("/alerts/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "dpm is busy" in response.content.decode()


def test_the_api_gets_its_503_as_json(production):
    client = Client(raise_request_exception=False)
    with mock.patch(EXECUTE, side_effect=_busy()):
        response = client.get(
            "/api/v1/products", HTTP_AUTHORIZATION=f"Bearer dpm_{'0' * 8}_{'a' * 43}"
        )
    assert response.status_code == 503
    assert "nothing was written" in response.json()["detail"]


def test_a_missing_table_is_still_a_500(production, pm):
    client = client_for(pm)
    client.raise_request_exception = False
    with mock.patch(EXECUTE, side_effect=OperationalError("no such table: products_alert")):
        response = client.get("/alerts/")
    assert response.status_code == 500
