"""Give each role group its permissions, now that the models they refer to exist.

Views check the role (group) itself; the permissions make the roles legible in the Django
admin and let an ICB administrator see what each role may do.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "GP": [
        ("triage", "add_decision"),
        ("triage", "view_decision"),
    ],
    "ICB reviewer": [
        ("triage", "view_decision"),
        ("triage", "export_decision"),
        ("triage", "add_review"),
        ("triage", "view_review"),
        ("triage", "view_accessevent"),
        ("triage", "add_chainverification"),
        ("triage", "view_chainverification"),
        ("policy", "view_policyversion"),
    ],
    "Policy admin": [
        ("policy", "view_policyversion"),
        ("policy", "add_policyversion"),
        ("policy", "change_policyversion"),
        ("policy", "delete_policyversion"),
        ("policy", "publish_policyversion"),
        ("policy", "view_policyeditevent"),
    ],
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_label in ("triage", "policy"):
        app_config = apps.get_app_config(app_label)
        # The migration state's app configs are stubs; create_permissions checks this flag.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, permissions in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, codename in permissions:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("policy", "0002_truncate_guards"),
        ("triage", "0006_truncate_guards"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
