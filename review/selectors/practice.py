"""What a practice's GPs see of the ICB's review: open requests for more information."""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet

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
    """Which of these decisions have an unanswered request for more information (one query)."""
    ids = list(decision_ids)
    if not ids:
        return set()
    return set(
        open_information_requests()
        .filter(decision_id__in=ids)
        .values_list("decision_id", flat=True)
    )


def review_and_reply_history(*, decision) -> list:
    """Verdicts and practice replies on a decision, newest first, as one list.

    Each item has `kind` ("review" or "reply") and the row.
    """
    reviews = [
        {"kind": "review", "row": r, "at": r.created_at}
        for r in decision.reviews.select_related("reviewer", "notification").order_by("-sequence")
    ]
    replies = [
        {"kind": "reply", "row": r, "at": r.created_at}
        for r in decision.practice_replies.select_related("author").order_by("-sequence")
    ]
    return sorted(reviews + replies, key=lambda item: item["at"], reverse=True)
