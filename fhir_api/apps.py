from django.apps import AppConfig


def _api_decision_sources(decision_ids: list[int]) -> dict[int, str]:
    from fhir_api.selectors import api_client_names_for_decisions

    return {
        decision_id: f"via API: {client_name}"
        for decision_id, client_name in api_client_names_for_decisions(decision_ids).items()
    }


class FhirApiConfig(AppConfig):
    name = "fhir_api"
    verbose_name = "FHIR API"

    def ready(self) -> None:
        # Reviewers see "via API" without review importing this app (triage/sources.py).
        from triage.sources import register_decision_source

        register_decision_source(_api_decision_sources)
