"""Formerly gave each role group Django model permissions.

Nothing checked those permissions (views check the role group itself), so this step is now a
no-op; core.0001_role_groups removes the permissions it granted on existing databases.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("policy", "0002_truncate_guards"),
        ("triage", "0006_truncate_guards"),
    ]

    operations = []
