"""A database migrated before the app split keeps every record and its chains after it."""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

# The last triage migration of the layout before the split, when triage held the reviews. The
# policy app (whose tables the split does not touch) is migrated to its latest first, so the
# seeding code of today can load the policy.
BEFORE_SPLIT = [("policy", None), ("triage", "0009_value_constraints")]

# Records decisions (their table is unchanged) and, with the columns the reviews table had
# before the split, reviews: each chained and hashed exactly as that release did.
SEED = """
import datetime, uuid, django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from core.chain import GENESIS_HASH, content_hash
from policy.services import policy_seed
from triage.models import Clinician, Practice
from triage.services.decisions import decision_record

version, _ = policy_seed()
practice = Practice.objects.create(ods_code="C81001", name="Peak View Surgery")
gp = get_user_model().objects.create_user("gp", password="x" * 20)
Clinician.objects.create(user=gp, practice=practice)
reviewer = get_user_model().objects.create_user("reviewer", password="x" * 20)
decisions = []
for n in range(5):
    decision, _ = decision_record(
        user=gp, practice=practice, nhs_number="9434765919", submission_key=uuid.uuid4(),
        answers={"pain_location": "back_only", "red_flags": [], "conditions": [],
                 "decompression_planned": False, "decompression_destabilising": None},
    )
    decisions.append(decision)
previous = GENESIS_HASH
with connection.cursor() as cursor:
    for sequence, decision in enumerate(decisions, start=1):
        row = {"sequence": sequence, "submission_key": uuid.uuid4(), "decision_id": decision.pk,
               "reviewer_id": reviewer.pk, "verdict": "agree", "reason": "", "note": "",
               "created_at": datetime.datetime.now(datetime.UTC), "previous_hash": previous}
        row["content_hash"] = previous = content_hash(row)
        cursor.execute(
            "INSERT INTO triage_review (" + ", ".join(row) + ") VALUES ("
            + ", ".join(["%s"] * len(row)) + ")", list(row.values()))
"""

COUNT = """
import django
django.setup()
from review.models import Review
from triage.models import Decision
print(Decision.objects.count(), Review.objects.count())
"""


def _url(name: str) -> str:
    db = settings.DATABASES["default"]
    host = quote(db["HOST"] or "localhost", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{name}"


def _run(args: list[str], url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture
def scratch_database():
    """An empty database on the test server, dropped afterwards."""
    name = f"fusion_migrate_{uuid.uuid4().hex[:12]}"
    admin = _url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield _url(name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_database_from_before_the_split_migrates_with_no_data_lost(scratch_database):
    for app, migration in BEFORE_SPLIT:
        target = [app, migration] if migration else [app]
        _run(["manage.py", "migrate", "--no-input", *target], scratch_database)
    _run(["-c", SEED], scratch_database)
    before = _run(["-c", COUNT], scratch_database).stdout.split()

    _run(["manage.py", "migrate", "--no-input"], scratch_database)

    assert _run(["-c", COUNT], scratch_database).stdout.split() == before == ["5", "5"]
    verified = _run(["manage.py", "verify_chain"], scratch_database)
    assert "intact" in verified.stdout.lower()
    # The review table keeps its append-only guard under its new owner.
    with psycopg.connect(scratch_database) as conn, pytest.raises(psycopg.errors.RaiseException):
        conn.execute("UPDATE triage_review SET note = 'edited'")


# Access-log rows as the release before the chain wrote them (no sequence or hashes).
ACCESS_LOG_BEFORE_CHAIN = """
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
user = get_user_model().objects.create_user("reviewer", password="x" * 20)
with connection.cursor() as cursor:
    for query in ("", '{"kind": "list", "references": []}', "outcome=urgent_pathway"):
        cursor.execute(
            "INSERT INTO triage_accessevent (user_id, action, query, at)"
            " VALUES (%s, 'export', %s, now())", [user.pk, query])
"""


def test_access_log_rows_from_before_the_chain_are_linked_in_order(scratch_database):
    _run(
        ["manage.py", "migrate", "--no-input", "triage", "0014_startback_scores"], scratch_database
    )
    _run(["-c", ACCESS_LOG_BEFORE_CHAIN], scratch_database)

    _run(["manage.py", "migrate", "--no-input"], scratch_database)

    verified = _run(["manage.py", "verify_chain", "--no-checkpoint"], scratch_database)
    assert "3 access log entries verified" in verified.stdout
    with psycopg.connect(scratch_database) as conn:
        rows = conn.execute("SELECT sequence FROM triage_accessevent ORDER BY id").fetchall()
        assert rows == [(1,), (2,), (3,)]
        with pytest.raises(psycopg.errors.RaiseException):
            conn.execute("UPDATE triage_accessevent SET query = 'edited'")
