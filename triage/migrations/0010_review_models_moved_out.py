"""Review and ChainVerification now belong to the review app; their tables stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0009_value_constraints"),
        ("review", "0001_move_review_models"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ChainVerification"),
                migrations.DeleteModel(name="Review"),
            ],
            database_operations=[],
        ),
    ]
