"""core.rows.Compiled: stand-ins found by equality, counted queries, and rows turned into the
instances the ORM makes from the same SQL."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, F, Q

from core.rows import Compiled, Equal
from triage.models import Decision, Practice

pytestmark = pytest.mark.django_db


@pytest.fixture
def practices():
    return [
        Practice.objects.create(ods_code=f"C8100{i}", name=f"Practice {'CBA'[i]}") for i in range(3)
    ]


def test_an_equal_stand_in_is_replaced_wherever_it_is_sent(practices):
    stand_in = "\x1fstand-in"
    query = Practice.objects.filter(name__gte=stand_in).exclude(name=stand_in).order_by("pk")
    compiled = Compiled(query, name=Equal(stand_in))
    assert len(compiled.slots["name"]) == 2
    found = compiled.models_of(compiled.rows(name="Practice B"))
    assert found == list(Practice.objects.filter(name__gt="Practice B").order_by("pk"))


def test_an_equal_stand_in_is_sent_as_the_type_the_orm_sends():
    compiled = Compiled(Decision.objects.filter(sequence__gt=2_000_000_000), s=Equal(2_000_000_000))
    _, orm = Decision.objects.filter(sequence__gt=5).query.get_compiler("default").as_sql()
    sent = compiled.params_for(s=5)
    assert sent == list(orm)
    assert [type(p) for p in sent] == [type(p) for p in orm]  # psycopg's Int8, not int


def test_a_stand_in_the_orm_leaves_out_fails_loudly():
    # The ORM drops a comparison with a value outside the column's range.
    query = Decision.objects.filter(Q(reference="FT-AAAA-AAAA") | Q(sequence__lt=-5))
    with pytest.raises(ImproperlyConfigured):
        Compiled(query, s=Equal(-5))


def test_a_counted_query_counts_as_queryset_count(practices):
    capped = Practice.objects.filter(name__gt=Equal("\x1f").value).values("pk")[:3]
    compiled = Compiled(capped, counted=True, name=Equal("\x1f"))
    for after in ("", "Practice A", "Practice C"):
        expected = Practice.objects.filter(name__gt=after).values("pk")[:3].count()
        assert compiled.rows(name=after) == [(expected,)]


def test_instances_are_what_the_orm_makes_with_annotations_and_deferred_fields(practices):
    query = (
        Practice.objects.annotate(n=Count("decisions"), upper=F("ods_code"))
        .only("name")
        .order_by("name")
    )
    compiled = Compiled(query)
    made, orm = compiled.models_of(compiled.rows()), list(query)
    assert [(p.pk, p.name, p.n, p.upper, p.get_deferred_fields()) for p in made] == [
        (p.pk, p.name, p.n, p.upper, p.get_deferred_fields()) for p in orm
    ]
