"""Run as the owner after migrate: grant the application role least privilege."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from core.db_roles import append_only_tables, grants_apply, ignore_guard_install


class Command(BaseCommand):
    help = (
        "Grant the application role SELECT and INSERT on every table, UPDATE and DELETE only "
        "on the mutable ones, and make pgtrigger.ignore work for the owner only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--app-role", default=settings.DATABASE_APP_ROLE)
        parser.add_argument("--database", default="default")

    def handle(self, *args, app_role: str, database: str, **options):
        if not app_role:
            raise CommandError("No application role: set DATABASE_URL's user or pass --app-role")
        connection = connections[database]
        with transaction.atomic(using=database):
            ignore_guard_install(connection)
            mutable = grants_apply(app_role=app_role, connection=connection)
        self.stdout.write(
            f"{app_role}: SELECT, INSERT only on {', '.join(append_only_tables())}; "
            f"UPDATE, DELETE also on {len(mutable)} mutable tables."
        )
