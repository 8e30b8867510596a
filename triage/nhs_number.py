"""NHS numbers: normalise what a person typed and check the Modulus 11 check digit."""

import re

SEPARATORS = re.compile(r"[\s-]+")


class NhsNumberError(ValueError):
    pass


def nhs_number_check_digit_ok(digits: str) -> bool:
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def nhs_number_normalise(raw: str) -> str:
    """Return the 10 digits, or raise NhsNumberError with a message for the person who typed it."""
    value = SEPARATORS.sub("", raw or "")
    if not value:
        raise NhsNumberError("Enter the patient's NHS number")
    if not value.isdigit() or not value.isascii():
        raise NhsNumberError("NHS number must only include numbers and spaces")
    if len(value) != 10:
        raise NhsNumberError("NHS number must be 10 digits")
    if not nhs_number_check_digit_ok(value):
        raise NhsNumberError(
            "Enter a valid NHS number. The number entered fails the check digit test; "
            "check it against the patient's record"
        )
    return value


def nhs_number_format(digits: str) -> str:
    """Display as 3-3-4, for example 943 476 5919."""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
