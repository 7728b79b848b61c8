import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from motcua.agencies.opening_hours import OpeningLine, describe_opening_hours, validate_opening_hours

CENTRE = [
    {"weekdays": [0, 1, 2, 3, 4], "opens": "07:00", "closes": "11:30"},
    {"weekdays": [0, 1, 2, 3, 4], "opens": "13:30", "closes": "17:00"},
    {"weekdays": [5], "opens": "07:00", "closes": "11:30"},
]


def test_describe_opening_hours_groups_consecutive_days_with_the_same_hours():
    with translation.override("en"):
        assert describe_opening_hours(CENTRE) == [
            OpeningLine("Monday to Friday", ("07:00–11:30", "13:30–17:00")),
            OpeningLine("Saturday", ("07:00–11:30",)),
        ]


def test_describe_opening_hours_splits_runs_when_a_day_is_closed():
    hours = [{"weekdays": [0, 1, 3], "opens": "08:00", "closes": "12:00"}]
    with translation.override("en"):
        assert [line.days for line in describe_opening_hours(hours)] == ["Monday and Tuesday", "Thursday"]


def test_describe_opening_hours_translates_weekday_names_when_the_language_changes():
    with translation.override("fr"):
        assert describe_opening_hours(CENTRE)[1].days == "samedi"
    with translation.override("vi"):
        assert describe_opening_hours(CENTRE)[1].days == "Thứ 7"


def test_describe_opening_hours_is_empty_when_nothing_is_published():
    assert describe_opening_hours([]) == []


def test_validate_opening_hours_accepts_the_stored_format():
    validate_opening_hours(CENTRE)
    validate_opening_hours([])
    with pytest.raises(ValidationError):
        validate_opening_hours([{"weekdays": [True], "opens": "07:00", "closes": "11:30"}])
