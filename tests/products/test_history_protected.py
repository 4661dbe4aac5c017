"""Rows that carry history are not deleted along with what they describe (issue 12, item 18):
a product's stage changes, reviews and score history, an item's score changes."""

import pytest
from django.db.models import ProtectedError

from products.models import ScoreSnapshot, StageChange
from roadmaps.services import recompute_item_scores
from tests.products.factories import DataProductFactory
from tests.roadmaps.factories import RoadmapItemFactory

pytestmark = pytest.mark.django_db


def test_a_product_with_a_stage_history_is_not_deleted_by_accident(pm):
    product = DataProductFactory()
    StageChange.objects.create(product=product, from_stage="idea", to_stage="discovery",
                               changed_by=pm)  # fmt: skip
    with pytest.raises(ProtectedError):
        product.delete()
    product.stage_changes.all().delete()  # on purpose
    product.delete()


def test_a_product_with_score_history_is_not_deleted_by_accident():
    product = DataProductFactory()
    ScoreSnapshot.objects.create(product=product, day="2026-12-01", health_status="unknown")
    with pytest.raises(ProtectedError):
        product.delete()


def test_an_item_with_score_changes_is_not_deleted_by_accident():
    item = RoadmapItemFactory()
    recompute_item_scores()
    assert item.score_changes.exists()
    with pytest.raises(ProtectedError):
        item.delete()
