"""Give open drafts the questionnaire's error messages, now held by the wording, with today's
words. Published versions are frozen; they read these texts from the seed (ADR 0070)."""

from django.db import migrations


def add_missing_texts(apps, schema_editor):
    from policy.wording import wording_with_seed_defaults

    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    for draft in PolicyVersion.objects.filter(status__in=("draft", "ready")).exclude(wording={}):
        merged = wording_with_seed_defaults(draft.wording)
        if merged != draft.wording:
            draft.wording = merged
            draft.save(update_fields=["wording"])


class Migration(migrations.Migration):
    dependencies = [("policy", "0009_truncate_guard_without_opt_out")]

    operations = [migrations.RunPython(add_missing_texts, migrations.RunPython.noop)]
