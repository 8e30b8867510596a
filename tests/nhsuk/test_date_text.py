"""uk_date writes exactly what Django's translated `date` filter writes, for every format the
templates use, across a year of local times including both clock changes."""

import datetime

import pytest
from django.template import Context, Template

from nhsuk.date_text import date_text

FORMATS = ["j M Y, H:i", "j F Y", "j M Y", "j F Y, H:i", "j F Y, H:i:s", "j M Y, H:i:s", "H:i",
           "H:i:s", "F Y", "T", "D j M"]  # fmt: skip


def _moments() -> list[datetime.datetime]:
    start = datetime.datetime(2026, 1, 1, 0, 0, 7, tzinfo=datetime.UTC)
    # every 7 hours 13 minutes for a year: every month, both DST changes, single-digit days
    return [start + datetime.timedelta(minutes=433 * n) for n in range(1215)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_uk_date_matches_djangos_date_filter_for_aware_datetimes(fmt):
    ours = Template("{% load nhsuk %}{{ when|uk_date:fmt }}")
    django = Template("{{ when|date:fmt }}")
    for moment in _moments():
        context = Context({"when": moment, "fmt": fmt})
        assert ours.render(context) == django.render(context), moment


def test_uk_date_writes_local_time_across_the_clock_change():
    summer = datetime.datetime(2026, 7, 4, 8, 5, tzinfo=datetime.UTC)
    rendered = Template('{% load nhsuk %}{{ when|uk_date:"j M Y, H:i" }}').render(
        Context({"when": summer})
    )
    assert rendered == "4 Jul 2026, 09:05"  # British Summer Time, an hour ahead of UTC


@pytest.mark.parametrize("fmt", ["j M Y", "j F Y", "F Y"])
def test_uk_date_matches_djangos_date_filter_for_dates(fmt):
    for day in range(0, 400, 3):
        value = datetime.date(2026, 1, 1) + datetime.timedelta(days=day)
        django = Template("{{ when|date:fmt }}").render(Context({"when": value, "fmt": fmt}))
        assert date_text(value, fmt) == django


def test_uk_date_of_nothing_or_not_a_date_is_empty_as_djangos():
    for value in (None, "", "not a date"):
        django = Template("{{ when|date:'j M Y' }}").render(Context({"when": value}))
        assert date_text(value, "j M Y") == django == ""


def test_uk_date_of_a_naive_datetime_is_written_as_it_is():
    naive = datetime.datetime(2026, 3, 29, 1, 30)
    assert date_text(naive, "j M Y, H:i") == "29 Mar 2026, 01:30"
