"""Give drafts the new wording and engine 1.1 rules; published versions are frozen, so when the
latest published version predates them, start a draft carrying them for the admin to publish."""

from django.db import migrations

from policy.models import SECTION_FIELDS


def upgrade(apps, schema_editor):
    from policy.seed_upgrade import needs_upgrade, upgrade_content

    Policy = apps.get_model("policy", "Policy")
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    for policy in Policy.objects.all():
        versions = PolicyVersion.objects.filter(policy=policy)
        draft = versions.filter(status="draft").first()
        source = draft or versions.filter(status="published").order_by("-number").first()
        if source is None or not needs_upgrade(source.rules, source.wording):
            continue
        sections = {field: getattr(source, field) for field in SECTION_FIELDS}
        rules, questions, wording = upgrade_content(
            rules=source.rules, questions=source.questions, wording=source.wording,
            sections=sections,
        )  # fmt: skip
        if draft is not None:
            draft.rules, draft.questions, draft.wording = rules, questions, wording
            draft.save(update_fields=["rules", "questions", "wording"])
            continue
        # Drafts get their number when they are published (never reused).
        PolicyVersion.objects.create(
            policy=policy,
            number=None,
            status="draft",
            based_on=source,
            rules=rules,
            questions=questions,
            wording=wording,
            **sections,
        )


class Migration(migrations.Migration):
    dependencies = [("policy", "0005_version_wording")]

    operations = [migrations.RunPython(upgrade, migrations.RunPython.noop)]
