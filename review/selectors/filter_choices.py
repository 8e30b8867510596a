"""The decision filters' four select lists (practices, published versions, reviewers, GPs), read
fresh on every request in one round trip whose SQL is compiled once per process.

As ModelChoiceFilters each list was its own query, compiled by the ORM on every request, with a
second query to check each value chosen; a new practice or user must still show at once, so
nothing here is kept between requests except the SQL text.
"""

import functools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import CharField, F, QuerySet, Value
from django.db.models.expressions import Window
from django.db.models.functions import Cast, RowNumber

from core.roles import GP, REVIEWER
from core.rows import Compiled
from policy.models import PolicyVersion
from policy.selectors import POLICY_SLUG
from triage.models import Practice

PRACTICES, VERSIONS, REVIEWERS, CLINICIANS = "practice", "policy_version", "reviewer", "clinician"


@dataclass(frozen=True)
class Listed:
    """One option of a select list: what the query string holds, what the reviewer reads, and
    the row it stands for."""

    value: str
    label: str
    pk: int


def practices() -> QuerySet[Practice]:
    return Practice.objects.order_by("name")


def published_versions() -> QuerySet[PolicyVersion]:
    return PolicyVersion.objects.filter(
        policy__slug=POLICY_SLUG, status=PolicyVersion.Status.PUBLISHED
    ).order_by("-number")


def users_with_role(role: str) -> QuerySet:
    return get_user_model().objects.filter(groups__name=role).order_by("username")


def practice_label(name: str, ods_code: str) -> str:
    return str(Practice(name=name, ods_code=ods_code))


def version_label(number: int) -> str:
    return f"Version {number}"


def user_label(first_name: str, last_name: str, username: str) -> str:
    full_name = get_user_model()(first_name=first_name, last_name=last_name).get_full_name()
    return f"{full_name or username} ({username})"


def _rows(queryset: QuerySet, name: str, value, texts: tuple) -> QuerySet:
    """One list as (list, pk, value, text, text, text, position): the union needs one shape."""
    blank = Value("", output_field=CharField())
    texts = (*texts, blank, blank, blank)[:3]
    ordering = queryset.query.order_by
    return (
        queryset.order_by()
        .annotate(
            list_name=Value(name, output_field=CharField()),
            list_value=Cast(value, CharField()),
            text_1=texts[0],
            text_2=texts[1],
            text_3=texts[2],
            position=Window(RowNumber(), order_by=[_order(field) for field in ordering]),
        )
        .values_list("list_name", "pk", "list_value", "text_1", "text_2", "text_3", "position")
    )


def _order(field: str):
    return F(field[1:]).desc() if field.startswith("-") else F(field).asc()


@functools.cache
def _compiled() -> Compiled:
    lists = [
        _rows(practices(), PRACTICES, F("ods_code"), (F("name"), F("ods_code"))),
        _rows(published_versions(), VERSIONS, F("number"), (Cast("number", CharField()),)),
        *(
            _rows(
                users_with_role(role),
                name,
                F("username"),
                (F("first_name"), F("last_name"), F("username")),
            )
            for role, name in ((REVIEWER, REVIEWERS), (GP, CLINICIANS))
        ),
    ]
    union = lists[0].union(*lists[1:], all=True).order_by("list_name", "position")
    return Compiled(union)


def filter_choice_lists() -> dict[str, list[Listed]]:
    """{list name: its options in the order shown}, as the ModelChoiceFilters listed them."""
    found: dict[str, list[Listed]] = {PRACTICES: [], VERSIONS: [], REVIEWERS: [], CLINICIANS: []}
    for name, pk, value, text_1, text_2, text_3, _ in _compiled().rows():
        if name == PRACTICES:
            label = practice_label(text_1, text_2)
        elif name == VERSIONS:
            label = version_label(int(text_1))
        else:
            label = user_label(text_1, text_2, text_3)
        found[name].append(Listed(value=value, label=label, pk=pk))
    return found
