"""NHS numbers: normalise what a person typed and check it could be a real patient's number.

The `nhs-number` package (MIT, maintained) does the Modulus 11 check and knows the issued
ranges; this module adds what it leaves out (a number of one repeated digit passes Modulus 11)
and the messages a GP reads. The test range (9xx xxx xxxx, never issued to patients) is accepted
only when settings.NHS_NUMBER_ALLOW_TEST_RANGE is on: in development and tests, not production.
"""

import re

import nhs_number as nhs
from django.conf import settings

SEPARATORS = re.compile(r"[\s-]+")
# Ranges issued to patients: England, Wales and the Isle of Man; Scotland (CHI); Northern Ireland.
ISSUED_REGIONS = (nhs.REGION_ENGLAND_WALES_IOM, nhs.REGION_SCOTLAND, nhs.REGION_NORTHERN_IRELAND)
TEST_REGION = nhs.REGION_SYNTHETIC


class NhsNumberError(ValueError):
    pass


def nhs_number_check_digit_ok(digits: str) -> bool:
    """Modulus 11 only (for generators that then pick a range); use nhs_number_normalise to vet."""
    return (
        len(digits) == 10
        and digits.isdigit()
        and nhs.calculate_checksum(digits[:9]) == int(digits[9])
    )


def nhs_number_in_accepted_range(digits: str, *, allow_test_range: bool | None = None) -> bool:
    if allow_test_range is None:
        allow_test_range = settings.NHS_NUMBER_ALLOW_TEST_RANGE
    regions = (*ISSUED_REGIONS, TEST_REGION) if allow_test_range else ISSUED_REGIONS
    return any(region.contains_number(digits) for region in regions)


def nhs_number_normalise(raw: str) -> str:
    """Return the 10 digits, or raise NhsNumberError with a message for the person who typed it."""
    value = SEPARATORS.sub("", raw or "")
    if not value:
        raise NhsNumberError("Enter the patient's NHS number")
    if not value.isdigit() or not value.isascii():
        raise NhsNumberError("NHS number must only include numbers and spaces")
    if len(value) != 10:
        raise NhsNumberError("NHS number must be 10 digits")
    if len(set(value)) == 1:
        raise NhsNumberError(
            "Enter a valid NHS number. A number of one repeated digit is never issued; "
            "check it against the patient's record"
        )
    if not nhs_number_check_digit_ok(value) or not nhs.is_valid(value):
        raise NhsNumberError(
            "Enter a valid NHS number. The number entered fails the check digit test; "
            "check it against the patient's record"
        )
    if not nhs_number_in_accepted_range(value):
        raise NhsNumberError(
            "Enter a valid NHS number. This number is not in a range issued to patients; "
            "check it against the patient's record"
        )
    return value


def nhs_number_format(digits: str) -> str:
    """Display as 3-3-4, for example 943 476 5919."""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
