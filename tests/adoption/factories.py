import datetime

import factory
from django.utils import timezone

from adoption.models import AdoptionBarrier, EnablementAsset, Feedback, UsageSnapshot
from tests.products.factories import DataProductFactory, UserFactory


def _this_monday() -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday())


def monday(weeks_ago: int = 0) -> datetime.date:
    """The Monday `weeks_ago` weeks before this week's."""
    return _this_monday() - datetime.timedelta(weeks=weeks_ago)


def _next_free_week(snapshot) -> datetime.date:
    """This week for a product's first snapshot, then one week further back for each next one."""
    product = snapshot.product
    if product.pk is None:
        return _this_monday()
    earliest = (
        UsageSnapshot.objects.filter(product=product)
        .order_by("week_start")
        .values_list("week_start", flat=True)
        .first()
    )
    return _this_monday() if earliest is None else earliest - datetime.timedelta(weeks=1)


class UsageSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UsageSnapshot

    product = factory.SubFactory(DataProductFactory)
    week_start = factory.LazyAttribute(_next_free_week)
    active_users = 25
    sessions = 90
    median_task_seconds = 240
    decisions_supported = 12
    source = UsageSnapshot.Source.MANUAL


class AdoptionBarrierFactory(factory.django.DjangoModelFactory):
    """An open trust barrier. `AdoptionBarrierFactory(insights=[insight, ...])` links insights."""

    class Meta:
        model = AdoptionBarrier
        skip_postgeneration_save = True

    product = factory.SubFactory(DataProductFactory)
    kind = AdoptionBarrier.Kind.TRUST
    description = factory.Sequence(
        lambda n: f"Account managers do not trust the risk score without its reasons ({n})."
    )
    severity = 3
    status = AdoptionBarrier.Status.OPEN
    action = "Show the top three drivers next to each score."

    @factory.post_generation
    def insights(self, create, extracted, **kwargs):
        if create and extracted:
            self.insights.add(*extracted)


class EnablementAssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnablementAsset

    product = factory.SubFactory(DataProductFactory)
    kind = EnablementAsset.Kind.DOCS
    title = factory.Sequence(lambda n: f"How to read the churn radar ({n})")
    url = factory.LazyAttribute(lambda asset: f"https://wiki.example.org/{asset.product.slug}")


class FeedbackFactory(factory.django.DjangoModelFactory):
    """Feedback from a user; pass `user=None, author_name="…"` for someone without an account."""

    class Meta:
        model = Feedback

    product = factory.SubFactory(DataProductFactory)
    user = factory.SubFactory(UserFactory)
    author_name = ""
    rating = 4
    text = "The list is right most weeks; I would like to see why an account is flagged."
    given_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=2))
