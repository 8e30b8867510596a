from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _guard_trigger_ignore(sender, using: str = "default", **kwargs) -> None:
    from core.db_roles import ignore_guard_install

    ignore_guard_install(connections[using])


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Shared pieces: roles, sign-in, site pages"

    def ready(self) -> None:
        # Migrations that install triggers rewrite pgtrigger's ignore helper; put ours back.
        post_migrate.connect(_guard_trigger_ignore, sender=self, dispatch_uid="ignore_guard")
