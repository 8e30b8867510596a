"""Sign-in, role routing and the 403 for users without a role."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["triage:start", "review:list", "policy:manage"])
def test_anonymous_user_is_sent_to_sign_in_from_role_pages(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "start_page"),
    [("gp", "triage:start"), ("reviewer", "review:list"), ("policy_admin", "policy:manage")],
)
def test_sign_in_lands_each_role_on_its_start_page(client, request, policy_v1, persona, start_page):
    user = request.getfixturevalue(persona)
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(start_page)
    assert response.status_code == 200


def test_sign_in_with_wrong_password_shows_error_and_keeps_username(client, gp):
    response = client.post(reverse("login"), {"username": "gp", "password": "wrong"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter a correct username and password" in body
    assert 'value="gp"' in body


def test_sign_in_with_empty_fields_names_each_field(client, db):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    body = response.content.decode()
    assert "Enter your username" in body
    assert "Enter your password" in body


def test_repeated_failed_sign_ins_lock_the_account_out(client, gp, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "gp", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "gp", "password": PASSWORD})
    assert response.status_code == 429
    assert "locked" in response.content.decode().lower()


def test_user_without_role_gets_403_not_a_crash(no_role_client):
    response = no_role_client.get(reverse("home"))
    assert response.status_code == 403
    assert "You do not have permission" in response.content.decode()


@pytest.mark.parametrize("url_name", ["triage:start", "review:list", "policy:manage"])
def test_user_without_role_gets_403_on_role_pages(no_role_client, url_name):
    assert no_role_client.get(reverse(url_name)).status_code == 403


def test_gp_cannot_open_reviewer_pages(gp_client):
    assert gp_client.get(reverse("review:list")).status_code == 403


def test_sign_out_needs_post_and_ends_the_session(gp_client):
    assert gp_client.get(reverse("logout")).status_code == 405
    response = gp_client.post(reverse("logout"))
    assert response.status_code == 302
    assert gp_client.get(reverse("home")).status_code == 302


def test_header_shows_signed_in_user_and_sign_out(gp_client):
    body = gp_client.get(reverse("triage:start")).content.decode()
    assert "Gp Tester" in body
    assert "Sign out" in body


@pytest.mark.django_db
def test_migrations_create_the_three_role_groups_without_model_permissions():
    """Views check the role group; unused model permissions would only mislead an admin."""
    from django.contrib.auth.models import Group

    from core.roles import ROLES

    groups = Group.objects.filter(name__in=ROLES).prefetch_related("permissions")
    assert sorted(g.name for g in groups) == sorted(ROLES)
    assert all(not g.permissions.exists() for g in groups)


@pytest.mark.django_db(transaction=True)
def test_role_groups_come_back_after_the_tables_are_flushed():
    """A flush empties auth_group; without the groups nobody could be given a role."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from core.roles import ROLES

    call_command("flush", interactive=False, verbosity=0)
    assert sorted(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == sorted(
        ROLES
    )
