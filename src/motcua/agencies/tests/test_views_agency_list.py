import pytest
from django.urls import reverse

from motcua.agencies.constants import AgencyLevel

from .factories import AgencyFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _url(request):
    request.module.URL = reverse("agencies:agency-list")


def test_agency_list_finds_agencies_without_diacritics_when_searching(client):
    AgencyFactory(eid_code="H18", name_vi="UBND tỉnh Điện Biên", level=AgencyLevel.PROVINCE)
    AgencyFactory(eid_code="H12", name_vi="UBND tỉnh Lai Châu", level=AgencyLevel.PROVINCE)

    response = client.get(URL, {"q": "dien bien"})

    assert response.status_code == 200
    assert "UBND tỉnh Điện Biên" in response.text
    assert "UBND tỉnh Lai Châu" not in response.text
    assert 'value="dien bien"' in response.text
    assert reverse("agencies:agency-detail", kwargs={"eid_code": "H18"}) in response.text


def test_agency_list_filters_by_level_when_a_level_is_chosen(client):
    AgencyFactory(eid_code="H18", name_vi="UBND tỉnh Điện Biên", level=AgencyLevel.PROVINCE)
    AgencyFactory(eid_code="H18.61", name_vi="UBND phường Điện Biên Phủ", level=AgencyLevel.COMMUNE)

    response = client.get(URL, {"q": "", "level": "commune"})

    assert "UBND phường Điện Biên Phủ" in response.text
    assert "UBND tỉnh Điện Biên" not in response.text


def test_agency_list_shows_the_error_and_every_agency_when_the_level_is_unknown(client):
    AgencyFactory(name_vi="UBND tỉnh Điện Biên")

    response = client.get(URL, {"level": "galaxy"})

    assert response.status_code == 200
    assert 'class="error-summary"' in response.text
    assert "UBND tỉnh Điện Biên" in response.text


def test_agency_list_shows_the_empty_state_when_nothing_matches(client):
    AgencyFactory(name_vi="UBND tỉnh Điện Biên")

    response = client.get(URL, {"q": "không tồn tại"})

    assert 'class="empty-state"' in response.text
    assert reverse("agencies:agency-list") + '"' in response.text


def test_agency_list_paginates_by_20_when_there_are_more_agencies(client):
    AgencyFactory.create_batch(45, name_vi="Cơ quan Điện Biên")

    first = client.get(URL, {"q": "dien bien"})
    last = client.get(URL, {"q": "dien bien", "page": "3"})
    beyond = client.get(URL, {"q": "dien bien", "page": "99"})

    assert len(first.context["page"].object_list) == 20
    assert '<nav class="pagination-nav" aria-label=' in first.text
    assert 'href="?q=dien+bien&amp;page=1" aria-current="page"' in first.text
    assert 'href="?q=dien+bien&amp;page=2" rel="next"' in first.text
    assert len(last.context["page"].object_list) == 5
    assert 'rel="prev"' in last.text and 'rel="next"' not in last.text
    assert beyond.context["page"].number == 3


def test_agency_list_has_no_pagination_when_one_page_is_enough(client):
    AgencyFactory.create_batch(3)

    assert "pagination-nav" not in client.get(URL).text


@pytest.mark.parametrize("rows", [2, 20])
def test_agency_list_runs_a_bounded_number_of_queries_when_rows_grow(client, django_assert_max_num_queries, rows):
    province = ProvinceFactory(code="11", name="Điện Biên")
    parent = AgencyFactory(eid_code="H18", admin_unit=province)
    AgencyFactory.create_batch(rows - 1, admin_unit=province, parent=parent)

    with django_assert_max_num_queries(2):
        response = client.get(URL, {"q": "so", "level": "unit"})

    assert response.status_code == 200
