"""The commune and map widgets as served, before any JavaScript: a plain <select> of communes
grouped by province and a coordinates box, marked for static/js/combobox.js and map-field.js."""

import json
import re
from html import unescape

import pytest
from django.urls import reverse

from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.agencies.selectors import admin_unit_codes
from motcua.agencies.services import load_admin_units
from motcua.agencies.tests.factories import AgencyFactory

from .factories import make_procedure, procedure_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    admin_unit_codes.cache_clear()
    load_admin_units()
    admin_unit_codes.cache_clear()
    yield
    admin_unit_codes.cache_clear()


def _preview(client, fields):
    agency = AgencyFactory()
    admin = procedure_admin(agency)
    procedure = make_procedure(agency=agency, actor=admin, fields=fields)
    force_verified_login(client, admin)
    ids = {f.type: f.stable_id for f in procedure.revisions.get().fields.all()}
    html = client.get(reverse("builder:procedure-preview", kwargs={"public_id": procedure.public_id})).content.decode()
    return html, ids


def test_commune_is_a_plain_select_grouped_by_province_when_served(client, units):
    html, ids = _preview(client, [("province", "Tỉnh", {}), ("commune", "Phường, xã", {}), ("address", "Địa chỉ", {})])

    select = re.search(rf'<select class="select" id="id_{ids["commune"]}" name="{ids["commune"]}"[^>]*>', html)
    assert select and "data-combobox" in select[0] and 'role="combobox"' not in html
    assert '<optgroup label="Điện Biên" data-province="11">' in html
    assert html.count('<option value="03127">Phường Điện Biên Phủ</option>') == 2  # commune field and address
    assert re.search(rf'name="{ids["address"]}__commune_code"[^>]*data-combobox', html)
    assert re.search(rf'name="{ids["province"]}"[^>]*data-province-select', html)
    assert html.count("js/combobox.js") == 1  # base.html loads it; it enhances each select once


def test_map_keeps_the_coordinates_box_and_gives_the_script_its_settings(client, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    html, ids = _preview(client, [("map", "Vị trí", {})])

    assert f'<textarea class="textarea" id="id_{ids["map"]}" name="{ids["map"]}"' in html
    assert f'name="{ids["map"]}__kind"' in html
    config = json.loads(unescape(re.search(r'data-map-config="([^"]*)"', html)[1]))
    assert config["tileUrl"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert config["kinds"] == ["Point", "Polygon"] and config["bbox"] == [102.0, 6.0, 118.0, 23.5]
    assert html.count("js/map-field.js") == 1 and "vendor/leaflet/leaflet.js" in html  # loaded by map-field.js
    assert "leaflet-container" not in html
