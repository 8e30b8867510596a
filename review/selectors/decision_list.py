"""The reviewer's list page, its rows and capped count, read by SQL compiled once per
combination of filters, sort order and paging direction, in one round trip to PostgreSQL.

At 1,000,000 decisions the ORM spent longer compiling these two queries and building the rows
than PostgreSQL took to run them (docs/performance-profile.md, round 5). The rules stay written
once, with the ORM: decision_list_for_review, DecisionFilter's filters, keyset_rows' order and
cursor and count_capped's cap are compiled with stand-in values (core.rows.Compiled) and run with
the request's. Only SQL text with stand-ins is kept, never a value a reviewer typed or chose.
"""

import datetime
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models

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
)
from triage.models import Decision

if TYPE_CHECKING:
    from review.filters import DecisionFilter

# Combinations kept: each is two SQL strings; reviewers use a few dozen.
KEPT = 256


@dataclass(frozen=True)
class ListQueries:
    rows: Compiled
    count: Compiled


_kept: OrderedDict[tuple, ListQueries] = OrderedDict()
_lock = threading.Lock()


def _cursor_stand_in(field: str, position: int) -> Equal:
    """A value no real cursor holds, of the type `field` holds, for the cursor's `position`."""
    column = Decision._meta.get_field(field)
    if isinstance(column, models.DateTimeField):
        return Equal(datetime.datetime(1002, 1, 1 + position, tzinfo=datetime.UTC))
    if isinstance(column, models.IntegerField):
        return Equal(2_000_000_000 - position)  # within every integer column's range
    return Equal(f"\x1fcursor-{position}")


def _queries(key: tuple, build) -> ListQueries:
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
            return found
    found = build()
    with _lock:
        _kept[key] = found
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return found


def decision_list_page(
    filterset: "DecisionFilter", *, cursor: str = ""
) -> tuple[KeysetPage, tuple[int, bool]]:
    """decision_list_for_review() filtered by the valid `filterset`: its page after `cursor`
    (keyset_page) and its capped count (count_capped), the same rows, instances and count as
    those give. The filterset's own queryset is not read."""
    order = SORTS[filterset.sort_key]
    page_size, cap = reads.PAGE_SIZE, reads.COUNT_CAP  # read when called (tests change them)
    filters = filterset.compiled_filters()
    if filters is None or order[0][0] == PRACTICE_NAME:
        # Sorted by practice, the page is read practice by practice (_rows_by_practice).
        filtered = filterset.filter_values(decision_list_for_review(), filterset.cleaned_values())
        page = keyset_page(filtered, order=order, cursor=cursor, page_size=page_size)
        return page, count_capped(filtered, cap=cap)
    state, walk = keyset_walk(order, cursor)
    after = state["v"] if state else None
    cursor_stand_ins = (
        {f"cursor_{i}": _cursor_stand_in(field, i) for i, (field, _) in enumerate(walk)}
        if after is not None
        else {}
    )

    def build() -> ListQueries:
        filtered = filterset.filter_values(decision_list_for_review(), filters.stand_ins)
        sent = {name: Equal(stand_in) for name, (stand_in, _) in filters.sent.items()}
        stand_in_after = [stand_in.value for stand_in in cursor_stand_ins.values()] or None
        rows = keyset_rows(filtered, walk, stand_in_after)[: page_size + 1]
        counted = filtered.order_by().values("pk")[: cap + 1]
        return ListQueries(
            rows=Compiled(rows, **sent, **cursor_stand_ins),
            count=Compiled(counted, counted=True, **sent),
        )

    queries = _queries((filters.key, tuple(walk), after is not None, page_size, cap), build)
    values = {name: real for name, (_, real) in filters.sent.items()}
    cursor_values = dict(zip(cursor_stand_ins, after or (), strict=True))
    found, [(n,)] = read_together(
        (queries.rows, {**values, **cursor_values}), (queries.count, values)
    )
    page = keyset_page_of(order, state, queries.rows.models_of(found), page_size)
    return page, (min(n, cap), n > cap)
