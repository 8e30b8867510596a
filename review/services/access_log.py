"""What goes in the access log's `query` text, and reading it back for the viewer.

The AccessEvent model (triage) has two actions, view and export, and one free-text `query`
column. Until it grows columns of its own, the details of list pages, searches and exports
are kept there as JSON: {"kind": ..., "references": [...], "filters": "...", "rows": N,
"search_hash": "..."}. Older rows hold a bare query string, read as an export's filters.
"""

import json
from dataclasses import dataclass

from triage.models import AccessEvent

KINDS = {
    "list": "Listed decisions",
    "search": "Searched by NHS number",
    "export": "Exported decisions",
    "export_queued": "Asked for a large export",
    "export_download": "Downloaded an export",
    "gp_view": "GP viewed decision",
    "gp_print": "GP printed decision",
    "gp_list": "GP listed practice decisions",
}


def access_query(*, kind: str, **fields) -> str:
    """The JSON kept in AccessEvent.query for an event of `kind`."""
    assert kind in KINDS, kind
    return json.dumps({"kind": kind, **{k: v for k, v in fields.items() if v not in (None, "")}})


@dataclass(frozen=True)
class AccessDetail:
    kind: str
    label: str
    references: list[str]
    filters: str
    rows: int | None
    search_hash: str


def access_detail(event: AccessEvent) -> AccessDetail:
    """The event's details, whichever shape its `query` has."""
    data: dict = {}
    if event.query.startswith("{"):
        try:
            data = json.loads(event.query)
        except ValueError:
            data = {}
    if not isinstance(data, dict):
        data = {}
    kind = data.get("kind") or ("export" if event.action == AccessEvent.Action.EXPORT else "view")
    label = KINDS.get(kind) or event.get_action_display()
    filters = data.get("filters", "" if data else event.query)
    return AccessDetail(
        kind=kind,
        label=label,
        references=[str(r) for r in data.get("references", [])],
        filters=str(filters),
        rows=data.get("rows"),
        search_hash=str(data.get("search_hash", "")),
    )
