"""Factories for the agency directory. Simple rows only; search keys are computed as the
services compute them."""

import factory
from django.contrib.auth import get_user_model

from motcua.accounts.constants import Role, UserKind
from motcua.core.text import search_key

from ..constants import AdminUnitLevel, AgencyLevel
from ..models import AdminUnit, Agency, Membership

OFFICE_HOURS = [
    {"weekdays": [0, 1, 2, 3, 4], "opens": "07:00", "closes": "11:30"},
    {"weekdays": [0, 1, 2, 3, 4], "opens": "13:30", "closes": "17:00"},
]


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminUnit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{(n % 89) + 10:02d}")
    name = factory.Sequence(lambda n: f"Tỉnh Thử Nghiệm {n}")
    level = AdminUnitLevel.PROVINCE
    division_type = "tỉnh"
    codename = factory.Sequence(lambda n: f"thu_nghiem_{n}")
    search_key = factory.LazyAttribute(lambda o: search_key(o.name))


class CommuneFactory(ProvinceFactory):
    code = factory.Sequence(lambda n: f"{n + 90000:05d}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    level = AdminUnitLevel.COMMUNE
    division_type = "xã"
    parent = factory.SubFactory(ProvinceFactory)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    eid_code = factory.Sequence(lambda n: f"H99.{n:02d}")
    name_vi = factory.Sequence(lambda n: f"Sở Thử nghiệm số {n}")
    name_en = factory.Sequence(lambda n: f"Test Department No. {n}")
    name_fr = ""
    level = AgencyLevel.UNIT
    address = "Số 1, đường Võ Nguyên Giáp, phường Điện Biên Phủ, tỉnh Điện Biên"
    phone = "0215 3825 000"
    email = "test@dienbien.gov.vn"
    opening_hours = factory.LazyFunction(lambda: [dict(p) for p in OFFICE_HOURS])
    search_key = factory.LazyAttribute(
        lambda o: search_key(" ".join(n for n in (o.eid_code, o.name_vi, o.name_en, o.name_fr) if n))
    )


class StaffUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}@test.motcua.local")
    email = factory.LazyAttribute(lambda o: o.username)
    full_name = factory.Sequence(lambda n: f"Cán bộ {n}")
    kind = UserKind.STAFF
    is_staff = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(StaffUserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.INSTRUCTOR
