"""Account factories. Staff accounts get a known password (STAFF_PASSWORD)."""

import datetime

import factory
from django.contrib.auth.hashers import make_password

from motcua.accounts.constants import UserKind
from motcua.accounts.models import User

STAFF_PASSWORD = "correct horse battery staple 42"


class UserFactory(factory.django.DjangoModelFactory):
    """A citizen account (no usable password: citizens sign in through OpenID Connect)."""

    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"citizen-{n}")
    email = factory.Sequence(lambda n: f"citizen{n}@example.vn")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    kind = UserKind.CITIZEN
    password = factory.LazyFunction(lambda: make_password(None))


class StaffFactory(UserFactory):
    """A staff account (kind staff, back-office access) with the password STAFF_PASSWORD.
    No TOTP device: use `accounts.services.provision_totp_device` (or StaffWithTotpFactory)."""

    username = factory.Sequence(lambda n: f"staff{n}@agency.gov.vn")
    email = factory.SelfAttribute("username")
    full_name = factory.Sequence(lambda n: f"Trần Thị {n}")
    kind = UserKind.STAFF
    is_staff = True
    password = factory.LazyFunction(lambda: make_password(STAFF_PASSWORD))


class StaffWithTotpFactory(StaffFactory):
    """A staff account with a confirmed TOTP device (`user.totp_device`)."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def totp_device(obj, create, extracted, **kwargs):
        if not create:
            return
        from motcua.accounts.services import provision_totp_device

        obj.totp_device = provision_totp_device(user=obj, key_hex=extracted)


# --- Citizens and the demo identity provider (OpenID Connect tests) ---------------------------
SANDBOX_PASSWORD = "sandbox password 2025"


class CitizenFactory(UserFactory):
    """A citizen as the OpenID Connect backend creates them: verified identity, linked to a
    subject at the demo identity provider."""

    username = factory.LazyAttribute(lambda o: f"idp.example:{o.oidc_subject}")
    personal_id = factory.Sequence(lambda n: f"{1000000000 + n:012d}")
    birth_date = factory.Faker("date_of_birth", minimum_age=18, maximum_age=90)
    gender = "female"
    oidc_issuer = "https://idp.example/idp/o"
    oidc_subject = factory.Sequence(lambda n: f"subject-{n}")
    identity_verified_at = factory.Faker("date_time_this_year", tzinfo=datetime.timezone.utc)


class SandboxIdentityFactory(UserFactory):
    """A fictitious person of the demo identity provider (username = personal ID number),
    with the password SANDBOX_PASSWORD."""

    username = factory.SelfAttribute("personal_id")
    personal_id = factory.Sequence(lambda n: f"{11000000000 + n:012d}")
    full_name = factory.Sequence(lambda n: f"Lò Thị {n}")
    kind = UserKind.SANDBOX_IDENTITY
    birth_date = datetime.date(1990, 4, 30)
    gender = "female"
    phone = "0912345678"
    email = factory.Sequence(lambda n: f"sandbox{n}@example.vn")
    address = factory.LazyFunction(
        lambda: {
            "street": "Tổ dân phố 5",
            "commune_code": "03151",
            "province_code": "11",
            "formatted": "Tổ dân phố 5, phường Điện Biên Phủ, tỉnh Điện Biên",
        }
    )
    password = factory.LazyFunction(lambda: make_password(SANDBOX_PASSWORD))
