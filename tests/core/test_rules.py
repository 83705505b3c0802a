from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from parcours.core.dates import Period, add_months, age_at, counts_on, stay_days
from parcours.core.text import compact, fold
from parcours.core.validators import validate_finess, validate_insee_commune, validate_nir

TODAY = date(2026, 11, 23)


def test_stay_days_french_rule():
    assert stay_days(date(2024, 1, 1), date(2024, 1, 2), as_of=TODAY) == 1  # exit day not counted
    assert stay_days(date(2024, 1, 1), date(2024, 1, 1), as_of=TODAY) == 1  # same day counts one
    assert stay_days(date(2024, 2, 28), date(2024, 3, 1), as_of=TODAY) == 2  # 29 February 2024
    assert stay_days(date(2023, 2, 28), date(2023, 3, 1), as_of=TODAY) == 1
    assert stay_days(date(2026, 11, 1), None, as_of=TODAY) == 23  # open stay runs to today (counted)


def test_stay_days_in_a_period():
    year = Period(date(2024, 1, 1), date(2024, 12, 31))
    assert year.days == 366
    assert stay_days(date(2023, 12, 1), None, year, as_of=TODAY) == 366  # open: to the end of the period
    assert stay_days(date(2024, 12, 31), date(2025, 1, 10), year, as_of=TODAY) == 1
    assert stay_days(date(2023, 1, 1), date(2024, 1, 1), year, as_of=TODAY) == 0
    assert (
        stay_days(date(2024, 6, 1), None, Period(date(2024, 1, 1), date(2027, 1, 1)), as_of=TODAY)
        == (TODAY - date(2024, 6, 1)).days + 1
    )
    assert stay_days(date(2024, 3, 3), date(2024, 3, 3), year, as_of=TODAY) == 1
    assert stay_days(date(2023, 3, 3), date(2023, 3, 3), year, as_of=TODAY) == 0


@given(
    st.dates(date(2015, 1, 1), date(2026, 1, 1)),
    st.integers(0, 2000),
    st.dates(date(2015, 1, 1), date(2026, 1, 1)),
)
def test_stay_days_equals_count_of_occupied_days(entry, length, day):
    from datetime import timedelta

    exit_ = entry + timedelta(days=length)
    period = Period(min(day, day + timedelta(days=40)), day + timedelta(days=40))
    counted = sum(counts_on(entry, exit_, period.start + timedelta(days=i)) for i in range(period.days))
    assert stay_days(entry, exit_, period, as_of=TODAY) == counted


def test_age_at_and_add_months():
    assert age_at(date(2012, 3, 4), date(2026, 3, 3)) == 13
    assert age_at(date(2012, 3, 4), date(2026, 3, 4)) == 14
    assert age_at(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_at(date(2008, 2, 29), date(2026, 3, 1)) == 18
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 11, 15), 3) == date(2025, 2, 15)


@pytest.mark.parametrize("value", ["120000001", "2A0000001", "2B1234567", "971234567", "40078001A"])
def test_finess_valid(value):
    validate_finess(value)


@pytest.mark.parametrize(
    "value", ["", "12000000", "1200000011", "000000000", "960000000", "12000000a", "9A0000000"]
)
def test_finess_invalid(value):
    with pytest.raises(ValidationError):
        validate_finess(value)


@pytest.mark.parametrize(
    "value,ok",
    [
        ("12145", True),
        ("2A004", True),
        ("97411", True),
        ("93066", True),
        ("1214", False),
        ("00123", False),
        ("2C004", False),
        ("96001", False),
        ("ABCDE", False),
    ],
)
def test_insee(value, ok):
    if ok:
        validate_insee_commune(value)
    else:
        with pytest.raises(ValidationError):
            validate_insee_commune(value)


def test_nir_key():
    validate_nir("295109912611193")
    with pytest.raises(ValidationError):
        validate_nir("295109912611194")


def test_fold():
    assert fold("Joël DUPONT-Martin") == "joel dupont martin"
    assert fold("Œdipe L'Hôpital") == "oedipe l hopital"
    assert compact("Jean-Pierre") == compact("jean pierre")
