import datetime

import factory
from django.contrib.auth import get_user_model

from accounts.models import Membership, Role
from registers.choices import CqcRating, LocationKind, ServiceType
from registers.models import CareHome, HomeCareAgency, LocalAuthority, Provider

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Provider {n} Ltd")
    cqc_provider_id = factory.Sequence(lambda n: f"1-{800000000 + n}")


def local_authority(gss_code: str) -> LocalAuthority:
    return LocalAuthority.objects.get(gss_code=gss_code)


LEEDS = "E08000035"
BRADFORD = "E08000032"


class CareHomeFactory(factory.django.DjangoModelFactory):
    """A home in Leeds at LS6 2AD unless told otherwise (coordinates from the real postcode)."""

    class Meta:
        model = CareHome

    cqc_location_id = factory.Sequence(lambda n: f"1-{700000000 + n}")
    name = factory.Sequence(lambda n: f"Test Care Home {n}")
    provider = factory.SubFactory(ProviderFactory)
    address_line_1 = "1 Test Street"
    town = "Leeds"
    postcode = "LS6 2AD"
    local_authority = factory.LazyFunction(lambda: local_authority(LEEDS))
    latitude = 53.8196
    longitude = -1.5781
    phone = "0113 496 0000"
    email = factory.Sequence(lambda n: f"home{n}@example.org")
    service_type = ServiceType.WITH_NURSING
    service_user_bands = factory.LazyFunction(lambda: ["older_people", "dementia"])
    cqc_rating = CqcRating.GOOD
    cqc_rating_date = datetime.date(2024, 3, 1)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.COORDINATOR


class AgencyFactory(CareHomeFactory):
    """A home-care agency with its office in Leeds (ADR 019): no beds, domiciliary care."""

    class Meta:
        model = HomeCareAgency

    cqc_location_id = factory.Sequence(lambda n: f"1-{800000000 + n}")
    name = factory.Sequence(lambda n: f"Test Home Care {n}")
    kind = LocationKind.HOME_CARE_AGENCY
    service_type = ServiceType.DOMICILIARY
    service_user_bands = factory.LazyFunction(lambda: ["older_people"])
