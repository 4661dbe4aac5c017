import datetime

import factory
from django.contrib.auth import get_user_model

from products.models import Alert, DataProduct, Domain


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("pw-for-tests")


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Domain {n}")
    slug = factory.Sequence(lambda n: f"domain-{n}")


class DataProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataProduct

    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    kind = DataProduct.Kind.DASHBOARD
    domain = factory.SubFactory(DomainFactory)
    stage = DataProduct.Stage.DISCOVERY
    owner = factory.SubFactory(UserFactory)
    purpose = "Spot churn risk early enough for account managers to act."
    decision = "Which accounts get a retention call this week."
    decision_meeting = "Monday account review"
    target_users = 40


class AlertFactory(factory.django.DjangoModelFactory):
    """An open alert about the product itself (kind: not reviewed)."""

    class Meta:
        model = Alert

    product = factory.SubFactory(DataProductFactory)
    kind = Alert.Kind.PRODUCT_NOT_REVIEWED
    subject = factory.SelfAttribute("product")
    severity = Alert.Severity.WARNING
    message = "Not reviewed for 95 days."
    opened_at = factory.Faker("date_time_this_year", tzinfo=datetime.UTC)
