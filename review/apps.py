from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "ICB review"

    def ready(self) -> None:
        from core.chain import chain_appended
        from review.services.checkpoints import checkpoint_after_decisions

        # Every CHECKPOINT_EVERY decisions the worker signs a checkpoint (ADR 0062).
        chain_appended.connect(checkpoint_after_decisions, dispatch_uid="checkpoint_every")

        # The GP's pages (triage) show review's notices through triage's hook.
        from review import practice_notices

        practice_notices.register()
