"""The three role groups, which views check; they carry no model permissions."""

from django.db import migrations

ROLES = ("GP", "ICB reviewer", "Policy admin")


def roles_ensure(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        group, _ = Group.objects.get_or_create(name=name)
        # Permissions granted by an earlier release were never checked: drop them.
        group.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("triage", "0007_role_permissions"),
    ]

    operations = [migrations.RunPython(roles_ensure, migrations.RunPython.noop)]
