"""The reviewer's list page, its rows and capped count, read by SQL compiled once per
combination of filters, sort order and paging direction: in one round trip to PostgreSQL, or,
sorted by practice, the practices with the count, then each practice's rows until the page is
full (usually one).

At 1,000,000 decisions the ORM spent longer compiling these queries and building the rows than
PostgreSQL took to run them (docs/performance-profile.md, round 5). The rules stay written once,
with the ORM: decision_list_for_review, DecisionFilter's filters, the keyset order and cursor,
the practice walk and count_capped's cap are compiled with stand-in values (core.rows.Compiled)
and run with the request's. Only SQL text with stand-ins is kept, never a value a reviewer
typed or chose.
"""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import QuerySet

from core.memo import Kept
from core.rows import Compiled, Equal, read_together
from review.selectors import review as reads
from review.selectors.review import (
    PRACTICE_NAME,
    SORTS,
    KeysetPage,
    count_capped,
    decision_list_for_review,
    keyset_page,
    keyset_page_of,
    keyset_rows,
    keyset_walk,
    practice_names,
    practice_rows,
    practices_by_name,
    rows_by_practice,
)
from triage.models import Decision

if TYPE_CHECKING:
    from review.filters import CompiledFilters, DecisionFilter

# Queries kept: a few for each combination of filters; reviewers use a few dozen.
KEPT = 256
_kept_queries: Kept[Compiled] = Kept(KEPT)


def _cursor_stand_in(field: str, position: int) -> Equal:
    """A value no real cursor holds, of the type `field` holds, for the cursor's `position`."""
    column = Decision._meta.get_field(field)
    if isinstance(column, models.DateTimeField):
        return Equal(datetime.datetime(1002, 1, 1 + position, tzinfo=datetime.UTC))
    if isinstance(column, models.IntegerField):
        return Equal(2_000_000_000 - position)  # within every integer column's range
    return Equal(f"\x1fcursor-{position}")


def _kept(key: tuple, build):
    """What `build()` compiles for `key`, compiled once and kept (at most KEPT of them)."""
    return _kept_queries.get_or_make(key, build)


def decision_list_page(
    filterset: "DecisionFilter", *, cursor: str = ""
) -> tuple[KeysetPage, tuple[int, bool]]:
    """decision_list_for_review() filtered by the valid `filterset`: its page after `cursor`
    (keyset_page) and its capped count (count_capped), the same rows, instances and count as
    those give. The filterset's own queryset is not read."""
    order = SORTS[filterset.sort_key]
    page_size, cap = reads.PAGE_SIZE, reads.COUNT_CAP  # read when called (tests change them)
    filters = filterset.compiled_filters()
    if filters is None:
        filtered = filterset.filter_values(decision_list_for_review(), filterset.cleaned_values())
        page = keyset_page(filtered, order=order, cursor=cursor, page_size=page_size)
        return page, count_capped(filtered, cap=cap)
    state, walk = keyset_walk(order, cursor)
    after = state["v"] if state else None
    reading = _Reading(
        filterset=filterset,
        filters=filters,
        walk=tuple(walk),
        page_size=page_size,
        values={name: real for name, (_, real) in filters.sent.items()},
        sent={name: Equal(stand_in) for name, (stand_in, _) in filters.sent.items()},
    )
    count = _kept(("count", filters.key, cap), lambda: reading.count_compiled(cap))
    if walk[0][0] == PRACTICE_NAME:
        found, n = reading.by_practice(after, count)
    else:
        found, n = reading.by_keyset(after, count)
    return keyset_page_of(order, state, found, page_size), (min(n, cap), n > cap)


@dataclass(frozen=True)
class _Reading:
    """One request's list: its filters with their stand-ins and values, and its walk."""

    filterset: "DecisionFilter"
    filters: "CompiledFilters"
    walk: tuple
    page_size: int
    values: dict
    sent: dict

    def filtered(self) -> QuerySet:
        """The list filtered by the stand-ins, to compile."""
        return self.filterset.filter_values(decision_list_for_review(), self.filters.stand_ins)

    def count_compiled(self, cap: int) -> Compiled:
        counted = self.filtered().order_by().values("pk")[: cap + 1]
        return Compiled(counted, counted=True, **self.sent)

    def by_keyset(self, after, count: Compiled) -> tuple[list, int]:
        """The page's rows (keyset_rows, one more than a page) and the capped count, in one
        round trip."""
        stand_ins = (
            {f"cursor_{i}": _cursor_stand_in(field, i) for i, (field, _) in enumerate(self.walk)}
            if after is not None
            else {}
        )

        def build() -> Compiled:
            stand_in_after = [stand_in.value for stand_in in stand_ins.values()] or None
            found = keyset_rows(self.filtered(), self.walk, stand_in_after)[: self.page_size + 1]
            return Compiled(found, **self.sent, **stand_ins)

        key = ("page", self.filters.key, self.walk, bool(stand_ins), self.page_size)
        page_rows = _kept(key, build)
        at_cursor = dict(zip(stand_ins, after or (), strict=True))
        found, [(n,)] = read_together(
            (page_rows, {**self.values, **at_cursor}), (count, self.values)
        )
        return page_rows.models_of(found), n

    def by_practice(self, after, count: Compiled) -> tuple[list, int]:
        """The rows of the practice walk (rows_by_practice) and the capped count: the practices
        in name order with the count in one round trip, then each practice's rows, by SQL
        compiled once for each number of practices sharing a name."""
        names, [(n,)] = read_together((practices_by_name(), {}), (count, self.values))

        def read(pks: list[int], after_sequence, most: int) -> list:
            by_id = {f"practice_{i}": pk for i, pk in enumerate(pks)}
            at_cursor = {"sequence": after_sequence} if after_sequence is not None else {}

            def build() -> Compiled:
                stand_ins = {
                    f"practice_{i}": Equal(_PRACTICE_STAND_IN + i) for i in range(len(pks))
                }
                sequence = {"sequence": _cursor_stand_in("sequence", 1)} if at_cursor else {}
                found = practice_rows(
                    self.filtered(),
                    self.walk,
                    [stand_in.value for stand_in in stand_ins.values()],
                    sequence["sequence"].value if sequence else None,
                )[: self.page_size + 1]
                return Compiled(found, **self.sent, **stand_ins, **sequence)

            key = ("practice", self.filters.key, self.walk, len(pks), bool(at_cursor))
            compiled = _kept((*key, self.page_size), build)
            [found] = read_together((compiled, {**self.values, **by_id, **at_cursor}))
            return compiled.models_of(found)[:most]

        found = rows_by_practice(practice_names(names), self.walk, after, self.page_size + 1, read)
        return found, n


# Stand-ins for the ids of the practices one read of the practice walk reads.
_PRACTICE_STAND_IN = 2_000_000_200
