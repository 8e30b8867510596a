"""Notices that apps above triage put on the GP's pages, through a hook, so triage never
imports (or loads template tags from) the apps that depend on it.

An app registers a `NoticeSource` in its `AppConfig.ready()`; review registers "More
information requested" (review/practice_notices.py). The GP's list shows each source's tags
next to a decision, the decision page each source's banner.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from triage.models import Decision


@dataclass(frozen=True)
class DecisionTag:
    """A short label linking to where the GP acts on it, shown next to a decision in a list.
    Both are text: the list escapes them (triage.decision_rows)."""

    text: str
    url: str


@dataclass(frozen=True)
class NoticeSource:
    """`tags` returns {decision id: tag} for the decisions that need one (one query for all);
    `banner` returns the HTML shown at the top of a decision's page, or ""."""

    tags: Callable[[Sequence[Decision]], dict[int, DecisionTag]]
    banner: Callable[[Decision], str]


_sources: dict[str, NoticeSource] = {}


def notice_source_register(name: str, source: NoticeSource) -> None:
    """Add (or replace, by name) a source of notices for the GP's pages."""
    _sources[name] = source


def decision_tags(decisions: Sequence[Decision]) -> dict[int, list[DecisionTag]]:
    """Every source's tags for these decisions, by decision id."""
    decisions = list(decisions)
    tags: dict[int, list[DecisionTag]] = {}
    for source in _sources.values():
        for pk, tag in source.tags(decisions).items():
            tags.setdefault(pk, []).append(tag)
    return tags


def decision_banners(decision: Decision) -> list[str]:
    """Every source's banner for this decision's page, the empty ones left out."""
    return [html for source in _sources.values() if (html := source.banner(decision))]
