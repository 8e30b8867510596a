"""NHS numbers: Modulus 11, never one repeated digit, only issued ranges, test range by setting."""

import pytest

from triage.nhs_number import NhsNumberError, nhs_number_normalise


@pytest.mark.parametrize(
    "number",
    ["4010232137", "401 023 2137", "401-023-2137", "9434765919"],
    ids=["england", "spaced", "dashed", "test-range"],
)
def test_valid_numbers_are_accepted_and_normalised(number):
    assert nhs_number_normalise(number) == number.replace(" ", "").replace("-", "")


@pytest.mark.parametrize("digit", "0123456789")
def test_a_number_of_one_repeated_digit_is_refused(digit):
    with pytest.raises(NhsNumberError, match="one repeated digit is never issued"):
        nhs_number_normalise(digit * 10)


def test_a_number_failing_modulus_11_is_refused():
    with pytest.raises(NhsNumberError, match="fails the check digit test"):
        nhs_number_normalise("4010232138")


@pytest.mark.parametrize(
    "number", ["5000000005", "0000010006", "8600000009"], ids=["reserved", "low", "unallocated"]
)
def test_a_number_outside_the_issued_ranges_is_refused(number, settings):
    from triage.nhs_number import nhs_number_check_digit_ok

    assert nhs_number_check_digit_ok(number), "the example must pass Modulus 11"
    with pytest.raises(NhsNumberError, match="not in a range issued to patients"):
        nhs_number_normalise(number)


def test_the_test_range_is_refused_when_the_setting_is_off(settings):
    settings.NHS_NUMBER_ALLOW_TEST_RANGE = False
    with pytest.raises(NhsNumberError, match="not in a range issued to patients"):
        nhs_number_normalise("9434765919")
    assert nhs_number_normalise("4010232137") == "4010232137"


def test_the_test_range_is_off_by_default_in_production(monkeypatch):
    import importlib

    import config.settings

    monkeypatch.setenv("DJANGO_DEBUG", "false")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.delenv("NHS_NUMBER_ALLOW_TEST_RANGE", raising=False)
    try:
        assert importlib.reload(config.settings).NHS_NUMBER_ALLOW_TEST_RANGE is False
    finally:
        monkeypatch.undo()
        importlib.reload(config.settings)
