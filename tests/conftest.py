"""Personas and clients shared by the suite: one fixture per kind of user."""

import pytest
from django.apps import apps
from django.db.backends.postgresql.operations import DatabaseOperations
from django.db.models.signals import post_migrate
from django.test import Client

from core.roles import GP, POLICY_ADMIN, REVIEWER, ROLES

PASSWORD = "correct-horse-battery-staple"

# The mock OpenID Connect provider, for the sign-in, API and browser tests.
pytest_plugins = ["tests.oidc_provider"]


def _truncate_guards_ignored() -> str:
    """SQL that lets this transaction's TRUNCATEs past every append-only table's guard: pgtrigger's
    ignore setting, honoured for the owner only (core/db_roles.py) — the suite's connection."""
    import pgtrigger

    pgids = sorted(
        trigger.get_pgid(model)
        for model, trigger in pgtrigger.registered()
        if trigger.name.endswith("no_truncate")
    )
    return "SET LOCAL pgtrigger.ignore = '{" + ",".join(pgids) + "}'"


def _flush_past_truncate_guards(original):
    def execute_sql_flush(self, sql_list):
        # Transactional tests empty every table with TRUNCATE after each test (Django's flush).
        return original(self, [_truncate_guards_ignored(), *sql_list])

    return execute_sql_flush


DatabaseOperations.execute_sql_flush = _flush_past_truncate_guards(
    DatabaseOperations.execute_sql_flush
)


def _restore_roles(sender, using: str = "default", **kwargs) -> None:
    """The data migration made the role groups, so the flush after each transactional test
    (the browser tests, the concurrency test) deletes them for the tests that follow. Django sends
    post_migrate after every such flush; this puts the groups back."""
    from django.contrib.auth.models import Group

    for role in ROLES:
        Group.objects.using(using).get_or_create(name=role)


post_migrate.connect(_restore_roles, sender=apps.get_app_config("core"), dispatch_uid="roles")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The personas' passwords need no key stretching in tests; it would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def checkpoints_off(settings):
    """No checkpoint folder or signing key unless a test asks for them (the `checkpoints`
    fixture), whatever the developer's environment says."""
    settings.CHECKPOINT_DIR = ""
    settings.CHECKPOINT_SIGNING_KEY = ""
    settings.CHECKPOINT_SIGNING_KEY_FILE = ""
    settings.CHECKPOINT_PUBLIC_KEY_FILE = ""
    settings.CHECKPOINT_EVERY = 0


@pytest.fixture
def checkpoints(settings, tmp_path):
    """A checkpoint folder and a fresh signing key in the test's own temporary directory."""
    from core.checkpoints import signing_key_generate

    key = tmp_path / "keys" / "checkpoint-signing.pem"
    signing_key_generate(key)
    settings.CHECKPOINT_DIR = str(tmp_path / "checkpoints")
    settings.CHECKPOINT_SIGNING_KEY_FILE = str(key)
    return tmp_path / "checkpoints"


@pytest.fixture(autouse=True)
def nhs_number_test_range_allowed(settings):
    """Tests use NHS numbers from the test range, as development does; production refuses them."""
    settings.NHS_NUMBER_ALLOW_TEST_RANGE = True


def make_user(username: str, role: str | None = None, practice=None):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from triage.models import Clinician

    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=username.title(), last_name="Tester"
    )
    if role:
        # get_or_create: a transactional test's flush empties the groups the migration made.
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    if practice:
        Clinician.objects.create(user=user, practice=practice)
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def practice(db):
    """A GP practice in Derbyshire."""
    from triage.models import Practice

    return Practice.objects.create(ods_code="C81001", name="Peak View Surgery")


@pytest.fixture
def other_practice(db):
    """A second practice, whose decisions the first practice's GP must never see."""
    from triage.models import Practice

    return Practice.objects.create(ods_code="C81002", name="Derwent Bank Medical Centre")


@pytest.fixture
def gp(practice):
    """A GP who refers from Peak View Surgery."""
    return make_user("gp", GP, practice)


@pytest.fixture
def other_gp(other_practice):
    """A GP at Derwent Bank Medical Centre."""
    return make_user("othergp", GP, other_practice)


@pytest.fixture
def reviewer(db):
    """An ICB reviewer who audits every decision."""
    return make_user("reviewer", REVIEWER)


@pytest.fixture
def policy_admin(db):
    """A policy admin who drafts and publishes policy versions."""
    return make_user("policyadmin", POLICY_ADMIN)


@pytest.fixture
def second_policy_admin(db):
    """A second policy admin, who approves and publishes drafts the first one wrote."""
    return make_user("secondadmin", POLICY_ADMIN)


@pytest.fixture
def second_policy_admin_client(second_policy_admin) -> Client:
    return client_for(second_policy_admin)


def publish_draft(draft, *, author, approver, effective_from, **kwargs):
    """Two-person sign-off in one call: `author` sends the draft for approval (unless it is
    already waiting), `approver` approves it (CPAG, today) and publishes it. Warnings are
    confirmed unless `confirm` says otherwise (tests about warnings pass their own)."""
    from django.utils import timezone

    from policy.services import (
        Approval,
        PublishConfirmations,
        policy_version_mark_ready,
        policy_version_publish,
    )

    draft.refresh_from_db()
    if draft.status == "draft":
        draft = policy_version_mark_ready(version=draft, user=author)
    kwargs.setdefault("approval", Approval("CPAG", timezone.localdate(), "CPAG/2026/01"))
    kwargs.setdefault("confirm", PublishConfirmations(warnings_read=True))
    return policy_version_publish(
        version=draft, user=approver, effective_from=effective_from, **kwargs
    )


def publish_now(draft, *, author, **kwargs):
    """Publish `draft` effective today, approved by a second policy admin made for the purpose."""
    import uuid

    from django.utils import timezone

    approver = make_user(f"approver-{uuid.uuid4().hex[:8]}", POLICY_ADMIN)
    kwargs.setdefault("effective_from", timezone.localdate())
    return publish_draft(draft, author=author, approver=approver, **kwargs)


@pytest.fixture
def no_role_user(db):
    """A signed-in user who holds none of the service's roles."""
    return make_user("norole")


@pytest.fixture
def gp_client(gp) -> Client:
    return client_for(gp)


@pytest.fixture
def other_gp_client(other_gp) -> Client:
    return client_for(other_gp)


@pytest.fixture
def reviewer_client(reviewer) -> Client:
    return client_for(reviewer)


@pytest.fixture
def policy_admin_client(policy_admin) -> Client:
    return client_for(policy_admin)


@pytest.fixture
def no_role_client(no_role_user) -> Client:
    return client_for(no_role_user)


@pytest.fixture
def policy_v1(db):
    """The Derbyshire position statement, loaded as published version 1."""
    from policy.services import policy_seed

    version, _ = policy_seed()
    return version


VALID_NHS_NUMBERS = ("9434765919", "9434765870", "4010232137")


def answers_for(**overrides) -> dict:
    """A complete, valid answers dict (isolated back pain, nothing else) with overrides."""
    answers = {
        "pain_location": "back_only",
        "red_flags": [],
        "conditions": [],
        "decompression_planned": False,
        "decompression_destabilising": None,
    }
    answers.update(overrides)
    return answers


def free_port() -> int:
    """A port nothing listens on (so: a mail server that is down, until one is started)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on localhost (aiosmtpd) that Django's SMTP backend sends to; yields
    the list of messages it has received."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received: list = []

    class Collect(Message):
        def handle_message(self, message) -> None:
            received.append(message)

    port = free_port()
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield received
    controller.stop()
