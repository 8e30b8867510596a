from django.apps import AppConfig, apps
from django.db import connections
from django.db.models.signals import post_migrate


def _guard_trigger_ignore(sender, using: str = "default", **kwargs) -> None:
    # post_migrate is sent once per app that has models (core has none, so a receiver bound to
    # core never ran), after the whole migration plan: act once, for the last of them.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if not with_models or sender is not with_models[-1]:
        return
    from core.db_roles import ignore_guard_install

    ignore_guard_install(connections[using])


def _role_groups_ensure(sender, using: str = "default", **kwargs) -> None:
    # The data migration creates the groups once; a flush (a test database reset, or an owner
    # emptying the tables) would leave the service with no roles, so every migrate and flush
    # makes sure the three exist. Their permissions are never touched here.
    if sender.label != "auth":
        return
    from django.contrib.auth.models import Group

    from core.roles import ROLES

    for name in ROLES:
        Group.objects.using(using).get_or_create(name=name)


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Shared pieces: roles, sign-in, site pages"

    def ready(self) -> None:
        # Migrations that install triggers rewrite pgtrigger's ignore helper; put ours back.
        post_migrate.connect(_guard_trigger_ignore, dispatch_uid="ignore_guard")
        post_migrate.connect(_role_groups_ensure, dispatch_uid="role_groups")
