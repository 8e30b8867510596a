"""Defects found by the outside security test, each proven fixed through the real stack."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD


@pytest.mark.parametrize(
    "url",
    [
        "/referrals/?q=%00",
        "/review/decisions/%00/",
        "/review/?q=FT%00",
        "/policy/versions/?x=%00",
    ],
)
def test_nul_byte_in_address_is_400_not_500(url, gp_client, reviewer_client, policy_v1):
    for client in (gp_client, reviewer_client):
        assert client.get(url).status_code == 400


def test_nul_byte_in_a_form_value_is_400(gp_client, policy_v1):
    begun = gp_client.post(reverse("triage:begin"))
    url = begun["Location"]
    assert gp_client.post(url, {"nhs_number": "943\x00"}).status_code == 400


@pytest.mark.django_db
def test_over_long_username_at_sign_in_is_a_form_error(client):
    response = client.post(reverse("login"), {"username": "u" * 300, "password": "x"})
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "date_from_day=1&date_from_month=1&date_from_year=9999",
        "date_to_day=31&date_to_month=12&date_to_year=9999",
        "date_from_day=1&date_from_month=1&date_from_year=1999",
    ],
)
def test_year_9999_in_review_date_filters_is_a_form_error(reviewer_client, policy_v1, query):
    response = reviewer_client.get(f"{reverse('review:list')}?{query}")
    assert response.status_code == 200
    assert "be between 2000 and 2100" in response.content.decode()


def test_year_9999_in_sample_month_is_a_form_error(reviewer_client, policy_v1):
    response = reviewer_client.get(reverse("review:sample") + "?month=9999-12")
    assert response.status_code == 200
    assert "be between 2000 and 2100" in response.content.decode()


@pytest.mark.django_db
def test_healthz_is_not_redirected_to_https_in_production(settings, client):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/accessibility/").status_code == 301


def test_signed_in_pages_are_not_cached(gp_client, reviewer_client, policy_v1):
    for client, url in ((gp_client, "/referrals/"), (reviewer_client, "/review/")):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_every_response_has_a_permissions_policy(client):
    policy = client.get(reverse("login"))["Permissions-Policy"]
    assert "camera=()" in policy
    assert "geolocation=()" in policy


@pytest.fixture
def database_down(monkeypatch):
    """Every session read fails as it would with PostgreSQL stopped."""

    def refuse(self):
        raise OperationalError("connection to server failed: Connection refused")

    monkeypatch.setattr(SessionStore, "load", refuse)


def test_database_failure_in_middleware_gives_the_nhs_503(gp, database_down):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a" * 32
    response = client.get("/referrals/")
    assert response.status_code == 503
    body = response.content.decode()
    assert "Sorry, the service is unavailable" in body
    assert "nhsuk-header" in body


def test_database_failure_on_submit_says_the_answers_are_kept(gp, database_down):
    client = Client(raise_request_exception=False, enforce_csrf_checks=False)
    client.cookies["sessionid"] = "a" * 32
    check_id = "0b4f2e8c-5d1a-4c3e-9f7a-2b6d8e1c4a90"
    response = client.post(reverse("triage:check", args=[check_id]), {})
    assert response.status_code == 503
    assert "Your answers have not been lost" in response.content.decode()


def test_database_failure_on_a_question_does_not_claim_the_answers_are_kept(gp, database_down):
    # Only the check page's submit has its answers stored already; a question's do not.
    client = Client(raise_request_exception=False, enforce_csrf_checks=False)
    client.cookies["sessionid"] = "a" * 32
    check_id = "0b4f2e8c-5d1a-4c3e-9f7a-2b6d8e1c4a90"
    response = client.post(reverse("triage:step", args=[check_id, "symptoms"]), {})
    assert response.status_code == 503
    assert "Your answers have not been lost" not in response.content.decode()


def test_a_held_chain_lock_times_out_instead_of_hanging(settings, gp, practice, policy_v1):
    """Another session holds the decision chain's lock; the append gives up with an error."""
    import uuid

    import psycopg

    from tests.conftest import answers_for
    from triage.services.decisions import DECISION_CHAIN, decision_record

    settings.CHAIN_LOCK_TIMEOUT_MS = 200
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params["dbname"] = connection.settings_dict["NAME"]
    with psycopg.connect(**params) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [DECISION_CHAIN.lock_id])
        with pytest.raises(OperationalError, match="lock timeout"):
            decision_record(
                user=gp,
                practice=practice,
                nhs_number="9434765919",
                answers=answers_for(),
                submission_key=uuid.uuid4(),
            )


def test_database_connections_carry_statement_and_lock_timeouts(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] != "0"
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] != "0"


def test_healthz_names_the_failed_dependency(client, monkeypatch, db):
    monkeypatch.setattr("core.views._database_health", lambda: "unavailable: OperationalError")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable: OperationalError"


def test_passwords_need_at_least_12_characters(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="at least 12"):
        validate_password("Tr0ub4d&3xy")
    validate_password(PASSWORD)


def test_admin_clinician_form_with_a_non_numeric_practice_is_not_a_500(admin_client, practice):
    url = reverse("admin:triage_clinician_add")
    assert admin_client.get(url + "?practice=%25&user=x").status_code == 200
    assert admin_client.post(url, {"practice": "%", "user": "x"}).status_code == 200
