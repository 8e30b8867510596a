from django.apps import AppConfig


def _api_decision_label():
    """On a decision's row: "via API: <client name>" when the API recorded it, else NULL."""
    from django.db.models import OuterRef, Subquery, Value
    from django.db.models.functions import Concat

    from fhir_api.models import ApiSubmission

    labels = (
        ApiSubmission.objects.filter(decision=OuterRef("pk"))
        .annotate(label=Concat(Value("via API: "), "client_name"))
        .values("label")[:1]
    )
    return Subquery(labels)


class FhirApiConfig(AppConfig):
    name = "fhir_api"
    verbose_name = "FHIR API"

    def ready(self) -> None:
        # Reviewers see "via API" without review importing this app (triage/sources.py).
        from triage.sources import register_decision_source

        register_decision_source(_api_decision_label)
