"""The JSON shapes of the API, which also make its OpenAPI description.

Ingestion bodies are `{"items": [...]}` or a single item object; either way the items are
checked by the same rules (api/services.py). Unknown fields are refused, so a misspelt optional
field does not vanish silently.
"""

import datetime
from decimal import Decimal
from typing import Annotated

from django.conf import settings
from django.core.exceptions import ValidationError
from ninja import Field, Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from adoption.services import MAX_COUNT
from dpm.lib.validators import validate_date_range
from metrics.models import ServiceLevelIndicator

Reference = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]


def _in_range(value):
    """The forms' date rule (dpm/lib/validators.py), in the forms' words."""
    try:
        validate_date_range(value)
    except ValidationError as exc:
        raise PydanticCustomError("date_range", exc.messages[0]) from None
    return value


Day = Annotated[datetime.date, AfterValidator(_in_range)]
Moment = Annotated[datetime.datetime, AfterValidator(_in_range)]


# Plain pydantic models for the bodies: ninja's Schema wraps the input for reading ORM objects,
# which would hide the "one item or a batch" check below.
class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MeasurementItem(Item):
    kpi: int | Reference = Field(
        description="The KPI: its id (a number) or its exact name (a string)."
    )
    value: Decimal = Field(
        description="The measured value: up to 16 digits, 4 after the point.",
        examples=["38.5"],
    )
    observed_at: Moment = Field(
        description="When it was observed: ISO 8601; without an offset, in the site's time "
        "zone. From 1900 on, and not in the future (a few minutes of clock skew allowed). A "
        "measurement is its KPI and this time: sending it again updates it."
    )
    note: str = Field(
        "", description="Up to 300 characters, on one line (no line breaks or control characters)."
    )


class ServiceLevelCheckItem(Item):
    service_level: int | ServiceLevelIndicator = Field(
        description="The service level: its id, or its indicator (one per product)."
    )
    observed: Decimal = Field(
        description="Hours of lag for freshness; a percentage (0–100) for the rates. Whether it "
        "met the objective is computed.",
    )
    checked_at: Moment | None = Field(
        None,
        description="When it was checked (from 1900 on, not in the future); now when left out.",
    )


class UsageItem(Item):
    week_start: Day = Field(
        description="Any day of the week (from 1900 on): the week is stored as its Monday."
    )
    active_users: Count
    sessions: Count | None = None
    median_task_seconds: Count | None = None
    decisions_supported: Count | None = None


def _items_field(description: str):
    return Field(
        min_length=1,
        max_length=settings.DPM_API_MAX_ITEMS,
        description=f"{description} At most {settings.DPM_API_MAX_ITEMS} per request.",
    )


class Batch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _one_item_or_many(cls, data):
        """A single item object stands for a batch of one."""
        if isinstance(data, dict) and "items" not in data:
            return {"items": [data]}
        return data


class MeasurementBatch(Batch):
    items: list[MeasurementItem] = _items_field("Measurements.")


class ServiceLevelCheckBatch(Batch):
    items: list[ServiceLevelCheckItem] = _items_field("Service-level checks.")


class UsageBatch(Batch):
    items: list[UsageItem] = _items_field("Weeks of usage.")


class IngestOut(Schema):
    product: str
    received: int = Field(description="How many items the request carried.")
    created: int
    updated: int = Field(
        description="Measurements (same KPI and time) or usage weeks that were already recorded "
        "and were updated."
    )


class ErrorOut(Schema):
    detail: str


class ItemErrorOut(Schema):
    item: int | None = Field(
        description="Index of the item in `items` (0-based; 0 for a single object); null when "
        "the problem is not one item's."
    )
    field: str
    message: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[ItemErrorOut]


# --- Reads ----------------------------------------------------------------------------------------


class HealthComponentOut(Schema):
    key: str
    label: str
    weight: int
    value: float | None = Field(description="0–100; null when unknown.")
    explanation: str
    set_up: str = Field(description="What would give an unknown component a value.")


class DecidingComponentOut(Schema):
    key: str
    label: str
    value: float


class HealthOut(Schema):
    score: float | None
    status: str = Field(
        description="healthy, caution, at_risk, not_enough_data (coverage below 50) or unknown"
    )
    coverage: int = Field(
        description="The weights of the components with data, 0–100: what the score covers."
    )
    decided_by: DecidingComponentOut | None = Field(
        description="The worst component, which decided a healthy, caution or at-risk status; "
        "null when the coverage decided it (not_enough_data, unknown)."
    )
    headline: str = Field(description='The status with what decided it: "At risk — outcomes 22".')
    summary: str
    computed_at: datetime.datetime | None
    components: list[HealthComponentOut]


class ProductOut(Schema):
    slug: str
    name: str
    kind: str
    stage: str
    priority: str
    domain: str | None
    owner: str = Field(description="The product manager's username.")
    target_users: int | None
    health_score: float | None
    health_status: str
    health_coverage: int = Field(description="What the health score covers, 0–100.")
    health_headline: str = Field(
        description='The status with what decided it: "At risk — outcomes 22".'
    )
    opportunity_score: float | None
    scores_computed_at: datetime.datetime | None
    url: str = Field(description="The product's page in dpm.")


class ProductDetailOut(ProductOut):
    purpose: str
    decision: str
    decision_meeting: str
    tech_lead: str | None
    last_reviewed_at: datetime.datetime | None
    health: HealthOut


class KPIOut(Schema):
    id: int
    name: str
    category: str
    unit: str
    direction: str
    baseline: float | None
    baseline_date: datetime.date | None
    target: float | None
    target_date: datetime.date | None
    cadence_days: int
    latest_value: float | None
    latest_observed_at: datetime.datetime | None
    progress: float | None = Field(description="0–1 from baseline to target; null when unknown.")
    status: str = Field(description="achieved, on_track, at_risk, off_track or no_data")
    explanation: str


class RoadmapItemOut(Schema):
    id: int
    title: str
    problem: str
    proposed_solution: str
    solution_type: str
    horizon: str
    status: str
    impact: int
    effort: str
    reach: int | None
    score: float | None
    position: int
    updated_at: datetime.datetime


class PageOut(Schema):
    count: int
    limit: int
    offset: int
    next: str | None = Field(description="The next page's URL; null on the last page.")
    previous: str | None


class ProductPage(PageOut):
    items: list[ProductOut]


class KPIPage(PageOut):
    items: list[KPIOut]


class RoadmapPage(PageOut):
    items: list[RoadmapItemOut]
