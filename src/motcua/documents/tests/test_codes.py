"""Verification codes are random, readable and forgiving when typed."""

from hypothesis import given
from hypothesis import strategies as st

from motcua.documents.codes import new_code, normalise_code
from motcua.documents.constants import CODE_ALPHABET


def test_new_codes_are_three_groups_of_four_unambiguous_characters():
    codes = {new_code() for _ in range(200)}

    assert len(codes) == 200
    for code in codes:
        groups = code.split("-")
        assert [len(group) for group in groups] == [4, 4, 4]
        assert set("".join(groups)) <= set(CODE_ALPHABET)


def test_normalise_code_accepts_what_people_type():
    assert normalise_code("7k3m q9xd 2hbt") == "7K3M-Q9XD-2HBT"
    assert normalise_code("7K3MQ9XD2HBT") == "7K3M-Q9XD-2HBT"
    assert normalise_code("7K3M-Q9XD-2HBO") == "7K3M-Q9XD-2HB0"  # O read as zero
    assert normalise_code("IL00-0000-0000") == "1100-0000-0000"


def test_normalise_code_refuses_what_cannot_be_a_code():
    assert normalise_code("") is None
    assert normalise_code("7K3M-Q9XD") is None
    assert normalise_code("7K3M-Q9XD-2HBU") is None  # U is not in the alphabet
    assert normalise_code("7K3M-Q9XD-2HB?") is None


@given(st.text(max_size=40))
def test_normalise_code_gives_a_canonical_code_or_none_for_any_text(typed):
    result = normalise_code(typed)

    assert result is None or normalise_code(result) == result
