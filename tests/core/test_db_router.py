"""The read-replica router: reviewer reads go to `replica` when one is set; nothing else does.

In the suite the `replica` alias is a second connection to the test database (a test mirror),
so these tests commit their rows (transaction=True) and count the queries each alias ran.
"""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.db_router import ReplicaRouter, replica_reads
from policy.models import PolicyVersion
from tests.conftest import VALID_NHS_NUMBERS, answers_for
from triage.models import AccessEvent, Decision

BOTH = ["default", "replica"]
router = ReplicaRouter()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The personas' passwords need no key stretching here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def replica_on(settings):
    """A replica is configured (as DATABASE_REPLICA_URL would)."""
    settings.REPLICA_READS = True


@pytest.fixture
def decision(gp, practice, policy_v1):
    """A committed decision made by the GP at Peak View Surgery."""
    from triage.services.decisions import decision_record

    made, _ = decision_record(
        user=gp,
        practice=practice,
        nhs_number=VALID_NHS_NUMBERS[0],
        answers=answers_for(),
        submission_key=uuid.uuid4(),
        version=policy_v1,
    )
    return made


def _queries(alias: str, action) -> list[str]:
    with CaptureQueriesContext(connections[alias]) as captured:
        action()
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_reviewer_list_reads_decisions_from_the_replica(replica_on, reviewer_client, decision):
    responses = []
    replica_sql = _queries(
        "replica", lambda: responses.append(reviewer_client.get(reverse("review:list")))
    )
    assert responses[0].status_code == 200
    assert decision.reference in responses[0].content.decode()
    assert any("triage_decision" in sql for sql in replica_sql)


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_reviewer_detail_reads_replica_but_writes_access_log_to_default(
    replica_on, reviewer_client, decision
):
    url = reverse("review:detail", args=[decision.reference])
    default_sql = []
    replica_sql = _queries(
        "replica", lambda: default_sql.extend(_queries("default", lambda: reviewer_client.get(url)))
    )
    assert any("triage_decision" in sql for sql in replica_sql)
    assert not any(sql.startswith(("INSERT", "UPDATE", "DELETE")) for sql in replica_sql)
    assert any(sql.startswith("INSERT") and "triage_accessevent" in sql for sql in default_sql)
    assert AccessEvent.objects.filter(decision=decision).count() == 1


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_reviewer_csv_export_streams_from_the_replica(replica_on, reviewer_client, decision):
    def export():
        response = reviewer_client.get(reverse("review:export"))
        assert decision.reference in b"".join(response.streaming_content).decode()

    assert any("triage_decision" in sql for sql in _queries("replica", export))


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_gp_pages_and_submissions_never_read_from_the_replica(replica_on, gp_client, decision):
    def journey():
        assert gp_client.get(reverse("triage:start")).status_code == 200
        assert (
            gp_client.get(reverse("triage:decision", args=[decision.reference])).status_code == 200
        )
        assert gp_client.post(reverse("triage:begin")).status_code == 302

    assert _queries("replica", journey) == []


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_reviewer_verdict_post_uses_only_default(replica_on, reviewer_client, decision):
    def post():
        response = reviewer_client.post(
            reverse("review:review", args=[decision.reference]),
            {"verdict": "agree", "submission_key": str(uuid.uuid4())},
        )
        assert response.status_code == 302

    assert _queries("replica", post) == []


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_without_a_replica_configured_reviewer_reads_stay_on_default(reviewer_client, decision):
    assert _queries("replica", lambda: reviewer_client.get(reverse("review:list"))) == []


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_sessions_users_and_access_log_are_always_read_from_default(replica_on):
    with replica_reads():
        for model in (Session, get_user_model(), AccessEvent):
            assert router.db_for_read(model) == "default"


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_decisions_and_policies_read_from_replica_only_inside_replica_reads(replica_on):
    assert router.db_for_read(Decision) == "default"
    with replica_reads():
        assert router.db_for_read(Decision) == "replica"
        assert router.db_for_read(PolicyVersion) == "replica"
    assert router.db_for_read(Decision) == "default"


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_reads_inside_a_transaction_on_default_stay_on_default(replica_on):
    with replica_reads(), transaction.atomic():
        assert router.db_for_read(Decision) == "default"


def test_writes_and_migrations_always_go_to_default():
    with replica_reads():
        assert router.db_for_write(Decision) == "default"
    assert router.allow_migrate("default", "triage")
    assert not router.allow_migrate("replica", "triage")
