from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "ICB review"

    def ready(self) -> None:
        # The GP's pages (triage) show review's notices through triage's hook.
        from review import practice_notices

        practice_notices.register()
