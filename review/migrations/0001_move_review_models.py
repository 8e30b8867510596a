"""Review and ChainVerification move from triage to review; no table changes."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

OLD_TRIGGERS = [
    ("triage_review", "pgtrigger_review_append_only_a0fe8"),
    ("triage_review", "pgtrigger_review_no_truncate_0c422"),
    ("triage_review", "pgtrigger_review_chain_extends_c84a5"),
    ("triage_chainverification", "pgtrigger_chain_verification_append_only_63bf1"),
    ("triage_chainverification", "pgtrigger_chain_verification_no_truncate_7ca77"),
]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("triage", "0009_value_constraints"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The tables keep their names (triage_review, triage_chainverification), their rows and
    # their triggers: only Django's idea of which app owns them changes.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ChainVerification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("started_at", models.DateTimeField()),
                        ("finished_at", models.DateTimeField()),
                        ("ok", models.BooleanField()),
                        ("decisions_checked", models.PositiveBigIntegerField()),
                        ("reviews_checked", models.PositiveBigIntegerField()),
                        ("first_problem", models.TextField(blank=True)),
                        ("run_by", models.CharField(max_length=150)),
                    ],
                    options={
                        "db_table": "triage_chainverification",
                        "ordering": ["-finished_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="Review",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "verdict",
                            models.CharField(
                                choices=[
                                    ("agree", "Agree"),
                                    ("disagree", "Disagree"),
                                    ("refer_ifr", "Refer to individual funding request panel"),
                                    ("more_information", "More information needed"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("reason", models.TextField(blank=True)),
                        ("note", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField()),
                        ("submission_key", models.UUIDField(blank=True, null=True, unique=True)),
                        ("sequence", models.PositiveBigIntegerField(unique=True)),
                        ("previous_hash", models.CharField(max_length=64, unique=True)),
                        ("content_hash", models.CharField(max_length=64, unique=True)),
                    ],
                    options={
                        "db_table": "triage_review",
                        "ordering": ["-sequence"],
                    },
                ),
                migrations.AddField(
                    model_name="review",
                    name="decision",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reviews",
                        to="triage.decision",
                    ),
                ),
                migrations.AddField(
                    model_name="review",
                    name="reviewer",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reviews",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AddIndex(
                    model_name="review",
                    index=models.Index(
                        fields=["decision", "-sequence"], name="review_decision_idx"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="review",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("verdict", "disagree"), _negated=True),
                            models.Q(("reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="review_disagree_needs_reason",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="review",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("verdict__in", ["agree", "disagree", "refer_ifr", "more_information"])
                        ),
                        name="review_verdict_known",
                    ),
                ),
            ],
            database_operations=[],
        ),
        # The triggers are named after the owning app, so replace them under their new names.
        migrations.RunSQL(
            sql=[
                f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}();"
                for table, name in OLD_TRIGGERS
            ],
            reverse_sql=migrations.RunSQL.noop,
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="chainverification",
            trigger=pgtrigger.compiler.Trigger(
                name="chain_verification_append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="19de8a9b599463f004465df3d8c3475c1af8db90",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_chain_verification_append_only_d065c",
                    table="triage_chainverification",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="chainverification",
            trigger=pgtrigger.compiler.Trigger(
                name="chain_verification_no_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (current_setting('fusion.allow_truncate', true) IS DISTINCT FROM 'on')",
                    func="RAISE EXCEPTION 'pgtrigger: Cannot truncate the append-only table %', TG_TABLE_NAME;",
                    hash="8a0f615d6472eb5f7574b2d88143cc3bb00e125f",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_chain_verification_no_truncate_50c26",
                    table="triage_chainverification",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="review",
            trigger=pgtrigger.compiler.Trigger(
                name="review_append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="e1ee281b9fdd4178bdc00570b4ef670ab388a36d",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_review_append_only_4748d",
                    table="triage_review",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="review",
            trigger=pgtrigger.compiler.Trigger(
                name="review_no_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (current_setting('fusion.allow_truncate', true) IS DISTINCT FROM 'on')",
                    func="RAISE EXCEPTION 'pgtrigger: Cannot truncate the append-only table %', TG_TABLE_NAME;",
                    hash="23e8b3fa20649270f5a2030548ae1ff4b7ed9b87",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_review_no_truncate_3d05f",
                    table="triage_review",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="review",
            trigger=pgtrigger.compiler.Trigger(
                name="review_chain_extends",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    declare="DECLARE last_sequence bigint; last_hash varchar(64);",
                    func="\n            SELECT sequence, content_hash INTO last_sequence, last_hash\n              FROM triage_review ORDER BY sequence DESC LIMIT 1;\n            IF NEW.sequence <> COALESCE(last_sequence, 0) + 1\n               OR NEW.previous_hash <> COALESCE(last_hash, repeat('0', 64)) THEN\n                RAISE EXCEPTION\n                    'pgtrigger: % row (sequence %) does not extend the hash chain (expected %)',\n                    TG_TABLE_NAME, NEW.sequence, COALESCE(last_sequence, 0) + 1;\n            END IF;\n            RETURN NEW;\n            ",
                    hash="2aa81a4d77ea648b11d4e7893e4ee5d6c9075866",
                    operation="INSERT",
                    pgid="pgtrigger_review_chain_extends_f14f6",
                    table="triage_review",
                    when="BEFORE",
                ),
            ),
        ),
    ]
