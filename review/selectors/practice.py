"""What a practice's GPs see of the ICB's review: open requests for more information."""

import functools
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.expressions import RawSQL

from core import rows
from review.models import PracticeReply, Review


def latest_reviews() -> QuerySet[Review]:
    """Each decision's latest review (the one that counts)."""
    later = Review.objects.filter(decision=OuterRef("decision"), sequence__gt=OuterRef("sequence"))
    return Review.objects.filter(~Exists(later))


def open_information_requests() -> QuerySet[Review]:
    """Latest reviews asking for more information that the practice has not answered yet."""
    answered = Exists(PracticeReply.objects.filter(review=OuterRef("pk")))
    return latest_reviews().filter(verdict=Review.Verdict.MORE_INFORMATION).exclude(answered)


def decisions_with_open_request(decision_ids: Iterable[int]) -> set[int]:
    """Which of these decisions have an unanswered request for more information (one query,
    compiled once: the GP's start page asks on every visit)."""
    ids = list(decision_ids)
    if not ids:
        return set()
    return {row[0] for row in _open_requests_among().rows(ids=ids)}


def open_information_request_for(decision) -> Review | None:
    """The decision's unanswered request for more information, if any (compiled once: the
    GP's decision page asks on every visit)."""
    found = _open_request_of().instances(decision=decision.pk)
    return found[0] if found else None


_IDS: list[int] = []  # placeholder for the ids, by identity (core.rows.Compiled)
_DECISION_ID = -190102031  # placeholder for a decision's id


@functools.cache
def _open_requests_among() -> rows.Compiled:
    among = RawSQL("SELECT unnest(%s::bigint[])", (_IDS,))  # noqa: S611 (no value is spliced)
    query = open_information_requests().filter(decision_id__in=among).values_list("decision_id")
    return rows.Compiled(query, ids=_IDS)


@functools.cache
def _open_request_of() -> rows.Compiled:
    query = open_information_requests().filter(decision_id=_DECISION_ID).order_by("-sequence")[:1]
    return rows.Compiled(query, decision=_DECISION_ID)


def review_and_reply_history(*, decision) -> list:
    """Verdicts and practice replies on a decision, newest first, as one list.

    Each item has `kind` ("review" or "reply") and the row. Both reads are compiled once and
    sent in one round trip (review_and_reply_reads).
    """
    return review_and_reply_history_of(
        decision, *rows.read_together(*review_and_reply_reads(decision=decision))
    )


def review_and_reply_reads(*, decision) -> list[tuple[rows.Compiled, dict]]:
    """The decision's verdicts (with reviewer and notification) and replies (with author), as
    compiled queries for rows.read_together; review_and_reply_history_of reads their rows."""
    return [(_reviews_of(), {"decision": decision.pk}), (_replies_of(), {"decision": decision.pk})]


def review_and_reply_history_of(decision, reviews: list, replies: list) -> list:
    """review_and_reply_history from the rows of review_and_reply_reads: the instances
    decision.reviews and decision.practice_replies give, each linked to `decision`."""
    history = []
    for kind, compiled, found in (
        ("review", _reviews_of(), reviews),
        ("reply", _replies_of(), replies),
    ):
        for row in compiled.models_of(found):
            row.decision = decision  # as the related manager links them
            history.append({"kind": kind, "row": row, "at": row.created_at})
    return sorted(history, key=lambda item: item["at"], reverse=True)


@functools.cache
def _reviews_of() -> rows.Compiled:
    reviews = Review.objects.filter(decision_id=_DECISION_ID).select_related(
        "reviewer", "notification"
    )
    return rows.Compiled(reviews.order_by("-sequence"), decision=_DECISION_ID)


@functools.cache
def _replies_of() -> rows.Compiled:
    replies = PracticeReply.objects.filter(decision_id=_DECISION_ID).select_related("author")
    return rows.Compiled(replies.order_by("-sequence"), decision=_DECISION_ID)
