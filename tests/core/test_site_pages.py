"""The health check and the NHS-styled error pages."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_reports_database_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_503_when_database_is_unavailable(client, monkeypatch, db):
    class BrokenConnection:
        def cursor(self):
            raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr("core.views.connection", BrokenConnection())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "error"


@pytest.mark.django_db
def test_unknown_page_shows_nhs_styled_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "nhsuk-header" in body


@pytest.mark.django_db
def test_server_error_shows_nhs_styled_500(settings):
    settings.ROOT_URLCONF = "tests.core.failing_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, there is a problem with the service" in body
    assert "Traceback" not in body


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "default-src 'self'" in csp


@pytest.mark.django_db
def test_accessibility_statement_is_public(client):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    assert "WCAG 2.2" in response.content.decode()


def test_django_admin_shows_decisions_read_only(admin_client, gp, practice, policy_v1):
    import uuid

    from tests.conftest import answers_for
    from triage.services.decisions import decision_record

    decision, _ = decision_record(
        user=gp,
        practice=practice,
        nhs_number="9434765919",
        answers=answers_for(),
        submission_key=uuid.uuid4(),
    )
    url = reverse("admin:triage_decision_change", args=[decision.pk])
    body = admin_client.get(url).content.decode()
    assert decision.reference in body
    assert 'name="_save"' not in body
    assert admin_client.post(url, {}).status_code == 403


def test_expired_form_shows_an_nhs_styled_page(gp, policy_v1):
    client = Client(enforce_csrf_checks=True)
    client.force_login(gp)
    response = client.post(reverse("triage:begin"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "Sorry, that form has expired" in body
    assert "nhsuk-header" in body


@pytest.mark.django_db
def test_privacy_notice_says_who_controls_what_is_stored_why_how_long_who_sees_it_and_rights(
    client,
):
    body = client.get(reverse("privacy")).content.decode()
    for heading in (
        "Who is responsible for your information",
        "What we store",
        "Why we store it",
        "How long we keep it",
        "Who can see it",
        "Your rights",
    ):
        assert heading in body
    assert "NHS number" in body
    assert 'href="/privacy/"' in body  # linked from every page's footer


@pytest.mark.django_db
def test_accessibility_statement_has_contact_date_prepared_and_the_known_aria_expanded_issue(
    client, settings
):
    settings.FEEDBACK_URL = "mailto:team@example.nhs.uk"
    body = client.get(reverse("accessibility")).content.decode()
    assert 'href="mailto:team@example.nhs.uk"' in body
    assert "This statement was prepared on" in body
    assert "<code>aria-expanded</code> on the radio button" in body


@pytest.mark.django_db
def test_beta_banner_links_to_the_configured_feedback_address(client, settings):
    settings.FEEDBACK_URL = "https://forms.example.nhs.uk/fusion-triage"
    body = client.get(reverse("accessibility")).content.decode()
    banner = body[body.index("app-phase-banner") :]
    assert 'href="https://forms.example.nhs.uk/fusion-triage">feedback</a>' in banner


@pytest.mark.django_db
def test_beta_banner_without_a_feedback_address_names_the_team(client, settings):
    settings.FEEDBACK_URL = ""
    body = client.get(reverse("accessibility")).content.decode()
    assert "Contact the ICB clinical policy team to give feedback." in body
