import pytest
from django.urls import reverse
from django.utils import translation

from motcua.agencies.constants import AgencyLevel

from .factories import AgencyFactory, CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

CENTRE_HOURS = [
    {"weekdays": [0, 1, 2, 3, 4], "opens": "07:00", "closes": "11:30"},
    {"weekdays": [0, 1, 2, 3, 4], "opens": "13:30", "closes": "17:00"},
    {"weekdays": [5], "opens": "07:00", "closes": "11:30"},
]


@pytest.fixture
def centre():
    province = ProvinceFactory(code="11", name="Điện Biên")
    ubnd = AgencyFactory(eid_code="H18", name_vi="UBND tỉnh Điện Biên", level=AgencyLevel.PROVINCE, admin_unit=province)
    centre = AgencyFactory(
        eid_code="H18.40",
        name_vi="Trung tâm Phục vụ hành chính công tỉnh Điện Biên",
        name_en="Điện Biên Provincial Public Administrative Service Centre",
        name_fr="Centre provincial de services administratifs publics de Điện Biên",
        parent=ubnd,
        admin_unit=CommuneFactory(parent=province, name="Phường Điện Biên Phủ"),
        address="Số 6, đường Võ Nguyên Giáp, phường Điện Biên Phủ, tỉnh Điện Biên",
        phone="0215 3608 668",
        email="hcc@dienbien.gov.vn",
        website="https://dichvucong.dienbien.gov.vn",
        opening_hours=CENTRE_HOURS,
        latitude="21.388920",
        longitude="103.018710",
        is_one_stop_centre=True,
    )
    AgencyFactory(eid_code="H18.40.01", name_vi="Quầy Tư pháp", parent=centre)
    return centre


def _url(code):
    return reverse("agencies:agency-detail", kwargs={"eid_code": code})


def test_agency_detail_shows_contacts_hours_unit_and_related_agencies(client, centre):
    response = client.get(_url("H18.40"), HTTP_ACCEPT_LANGUAGE="vi")

    text = response.text
    assert response.status_code == 200
    assert "<h1>Trung tâm Phục vụ hành chính công tỉnh Điện Biên</h1>" in text
    assert "Số 6, đường Võ Nguyên Giáp" in text
    assert 'href="tel:02153608668"' in text
    assert 'href="mailto:hcc@dienbien.gov.vn"' in text
    assert 'href="https://dichvucong.dienbien.gov.vn"' in text
    assert "Phường Điện Biên Phủ, Điện Biên" in text
    assert "21.388920" in text and "103.018710" in text
    assert '<th scope="row">Thứ 7</th><td>07:00–11:30</td>' in text
    assert _url("H18") in text and "UBND tỉnh Điện Biên" in text
    assert _url("H18.40.01") in text and "Quầy Tư pháp" in text


@pytest.mark.parametrize(
    ("language", "name", "saturday"),
    [
        ("en", "Điện Biên Provincial Public Administrative Service Centre", "Saturday"),
        ("fr", "Centre provincial de services administratifs publics de Điện Biên", "Samedi"),
    ],
)
def test_agency_detail_shows_the_name_and_weekdays_in_the_active_language(client, centre, language, name, saturday):
    client.cookies["motcua_language"] = language

    text = client.get(_url("H18.40")).text

    assert f"<h1>{name}</h1>" in text
    assert f'<th scope="row">{saturday}</th>' in text


def test_agency_detail_falls_back_to_vietnamese_when_the_name_is_not_translated(client, centre):
    client.cookies["motcua_language"] = "fr"

    assert "<h1>UBND tỉnh Điện Biên</h1>" in client.get(_url("H18")).text


def test_agency_detail_runs_a_bounded_number_of_queries(client, centre, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert client.get(_url("H18.40")).status_code == 200


def test_agency_detail_is_the_project_404_page_when_the_code_is_unknown(client, centre):
    response = client.get(_url("H18.99"))

    assert response.status_code == 404
    assert "error.html" in [t.name for t in response.templates]
    with translation.override("vi"):
        assert 'href="/"' in response.text or reverse("portal:home") in response.text
