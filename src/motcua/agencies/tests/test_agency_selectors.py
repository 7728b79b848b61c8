import pytest

from motcua.agencies import selectors
from motcua.agencies.constants import AgencyLevel
from motcua.core.errors import NotFound

from .factories import AgencyFactory, CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory():
    return {
        "province": AgencyFactory(
            eid_code="H18", name_vi="UBND tỉnh Điện Biên", name_en="People's Committee of Điện Biên Province",
            level=AgencyLevel.PROVINCE,
        ),
        "justice": AgencyFactory(
            eid_code="H18.12", name_vi="Sở Tư pháp tỉnh Điện Biên", name_en="Điện Biên Department of Justice",
        ),
        "other": AgencyFactory(eid_code="H12", name_vi="UBND tỉnh Lai Châu", name_en="", level=AgencyLevel.PROVINCE),
    }


@pytest.mark.parametrize("query", ["dien bien", "ĐIỆN BIÊN", "  Dien   BIEN ", "điện biên"])
def test_list_agencies_ignores_diacritics_case_and_spaces_when_searching(directory, query):
    assert {a.eid_code for a in selectors.list_agencies(query=query)} == {"H18", "H18.12"}


def test_list_agencies_matches_every_word_in_any_language_when_the_query_has_several_words(directory):
    assert [a.eid_code for a in selectors.list_agencies(query="tu phap bien")] == ["H18.12"]
    assert [a.eid_code for a in selectors.list_agencies(query="department justice")] == ["H18.12"]
    assert [a.eid_code for a in selectors.list_agencies(query="h18.12")] == ["H18.12"]


def test_list_agencies_filters_by_level_when_a_level_is_given(directory):
    assert [a.eid_code for a in selectors.list_agencies(level=AgencyLevel.PROVINCE)] == ["H12", "H18"]
    assert [a.eid_code for a in selectors.list_agencies(query="bien", level=AgencyLevel.PROVINCE)] == ["H18"]


def test_list_agencies_returns_everything_ordered_by_code_when_there_is_no_query(directory):
    assert [a.eid_code for a in selectors.list_agencies()] == ["H12", "H18", "H18.12"]


def test_get_agency_raises_not_found_when_the_code_is_unknown(directory):
    assert selectors.get_agency(eid_code="H18.12") == directory["justice"]
    with pytest.raises(NotFound):
        selectors.get_agency(eid_code="H18.99")


def test_list_communes_returns_only_that_provinces_communes():
    dien_bien, lai_chau = ProvinceFactory(code="11"), ProvinceFactory(code="12")
    b = CommuneFactory(parent=dien_bien, name="Xã Mường Phăng")
    a = CommuneFactory(parent=dien_bien, name="Phường Điện Biên Phủ")
    CommuneFactory(parent=lai_chau)

    assert list(selectors.list_communes(province_code="11")) == [a, b]
