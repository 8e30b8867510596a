"""Where a decision came from, for pages that must not import the app that recorded it.

The FHIR API sits above the reviewer's workspace, so review cannot ask it directly which
decisions it made. Instead, an app that records decisions through another channel registers a
source here (in its AppConfig.ready) and review asks this registry (dependency inversion).
"""

from collections.abc import Callable, Iterable

DecisionSource = Callable[[list[int]], dict[int, str]]

_sources: list[DecisionSource] = []


def register_decision_source(source: DecisionSource) -> None:
    """Add `source`: given decision ids, it returns {id: "via API: <client name>"} for those it
    recorded, in one query. Registering the same function twice has no effect."""
    if source not in _sources:
        _sources.append(source)


def decision_sources(decision_ids: Iterable[int]) -> dict[int, str]:
    """{decision id: how it was made} for those of `decision_ids` not made through the web
    form; one query per registered source, whatever the number of ids."""
    ids = [i for i in decision_ids if i is not None]
    found: dict[int, str] = {}
    if not ids:
        return found
    for source in _sources:
        for decision_id, label in source(ids).items():
            found.setdefault(decision_id, label)
    return found


def decision_source(decision_id: int) -> str:
    """How one decision was made ("via API: <client name>"), or "" for the web form."""
    return decision_sources([decision_id]).get(decision_id, "")
