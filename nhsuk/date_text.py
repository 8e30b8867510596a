"""Dates and times as the service's pages write them ("4 Mar 2026, 09:05"), without Django's
translated `date` filter.

Django's `date` filter looks the month name up through gettext on every call: about 0.1 ms a
date, which on a list of 20 or 50 rows was the largest single cost of the page (issue #15).
The service is written in English only, so the names are constants here. Only the format
characters the templates use are handled; any other format goes to Django's filter, so the
output is always what `date` would write (tests/nhsuk/test_date_text.py compares the two).
"""

import datetime

from django.template.defaultfilters import date as django_date

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
LITERALS = frozenset(" ,:-/")
TIME_CODES = frozenset("His")


def date_text(value: datetime.date | datetime.datetime | None, fmt: str) -> str:
    """`value` (already in local time) written in `fmt`, a Django date format string."""
    if not isinstance(value, datetime.date):
        return django_date(value, fmt)
    has_time = isinstance(value, datetime.datetime)
    parts = []
    for code in fmt:
        if code in LITERALS:
            parts.append(code)
        elif code == "j":
            parts.append(str(value.day))
        elif code == "M":
            parts.append(MONTHS[value.month - 1][:3])
        elif code == "F":
            parts.append(MONTHS[value.month - 1])
        elif code == "Y":
            parts.append(f"{value.year:04d}")
        elif code in TIME_CODES and has_time:
            parts.append(f"{getattr(value, _TIME_PARTS[code]):02d}")
        else:  # a code this module does not know: Django's own, for exactly its output
            return django_date(value, fmt)
    return "".join(parts)


_TIME_PARTS = {"H": "hour", "i": "minute", "s": "second"}
