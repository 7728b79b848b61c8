import time

import pytest
from django.core.management import call_command

from motcua.agencies import services
from motcua.agencies.constants import COMMUNE_COUNT_2025, PROVINCE_COUNT_2025, AdminUnitLevel
from motcua.agencies.models import AdminUnit

pytestmark = pytest.mark.django_db


def test_load_admin_units_gives_34_provinces_and_3321_communes():
    started = time.perf_counter()
    assert services.load_admin_units() == (34, 3321)
    assert time.perf_counter() - started < 5

    assert AdminUnit.objects.filter(level=AdminUnitLevel.PROVINCE).count() == PROVINCE_COUNT_2025 == 34
    assert AdminUnit.objects.filter(level=AdminUnitLevel.COMMUNE).count() == COMMUNE_COUNT_2025 == 3321
    assert not AdminUnit.objects.filter(level=AdminUnitLevel.COMMUNE, parent=None).exists()
    assert not AdminUnit.objects.filter(level=AdminUnitLevel.PROVINCE).exclude(parent=None).exists()
    assert all(len(code) == 2 for code in AdminUnit.objects.filter(level="province").values_list("code", flat=True))
    assert all(len(code) == 5 for code in AdminUnit.objects.filter(level="commune").values_list("code", flat=True))


def test_load_admin_units_stores_codes_types_and_search_keys():
    services.load_admin_units()

    dien_bien = AdminUnit.objects.get(code="11")
    assert (dien_bien.name, dien_bien.division_type, dien_bien.codename) == ("Điện Biên", "tỉnh", "dien_bien")
    assert dien_bien.search_key == "dien bien"
    ward = AdminUnit.objects.select_related("parent").get(code="03127")
    assert (ward.name, ward.division_type, ward.parent) == ("Phường Điện Biên Phủ", "phường", dien_bien)
    assert AdminUnit.objects.get(code="01").division_type == "thành phố trung ương"
    assert AdminUnit.objects.filter(division_type="đặc khu").count() == 13


def test_load_admin_units_is_idempotent_when_run_twice():
    services.load_admin_units()
    ids = dict(AdminUnit.objects.values_list("code", "id"))
    AdminUnit.objects.filter(code="03127").update(name="Edited by hand", search_key="edited")

    assert services.load_admin_units() == (34, 3321)

    assert dict(AdminUnit.objects.values_list("code", "id")) == ids
    assert AdminUnit.objects.get(code="03127").search_key == "phuong dien bien phu"


def test_load_admin_units_command_prints_the_counts(capsys):
    call_command("load_admin_units")

    assert "34 provinces, 3321 communes" in capsys.readouterr().out
