"""Forms of the metrics page: KPIs and measurements, the Definition of Done, service levels,
experiments."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from dpm.lib.csv_import import CSVImportError, decode_upload
from dpm.lib.forms import ObservedAtField
from dpm.lib.numbers import FiniteFloatField
from dpm.lib.validators import validate_one_line
from metrics.models import (
    KPI,
    DoneCriterion,
    Experiment,
    ServiceLevel,
)

# --- KPIs and measurements --------------------------------------------------------------------


class KPIForm(forms.ModelForm):
    class Meta:
        model = KPI
        fields = [
            "name",
            "category",
            "unit",
            "direction",
            "baseline",
            "baseline_date",
            "target",
            "target_date",
            "cadence_days",
            "calculation",
            "data_source",
        ]
        widgets = {
            "baseline_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "calculation": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"cadence_days": "Measured every (days)"}

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.product = product
        self.fields["cadence_days"].validators += [MinValueValidator(1), MaxValueValidator(366)]

    def clean(self):
        data = super().clean()
        start, end = data.get("baseline_date"), data.get("target_date")
        if start and end and end <= start:
            self.add_error("target_date", "The target date must come after the baseline date.")
        return data

    @property
    def column_fields(self) -> list[str]:
        return list(self.fields)


class MeasurementForm(forms.Form):
    value = forms.DecimalField(max_digits=16, decimal_places=4)
    observed_at = ObservedAtField(
        label="Observed on",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(required=False, max_length=300, validators=[validate_one_line])


class MeasurementImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "Columns observed_at,value[,note]; dates as 2026-11-23 or 2026-11-23T09:00. "
            "A time already recorded is updated."
        ),
    )


# ISO dates, with or without a time: what exports from BI tools and spreadsheets look like.
CSV_DATE_FORMATS = [
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
]


class MeasurementRowForm(forms.Form):
    """One row of a measurements CSV (or item of the API), validated like the form a person
    fills in."""

    observed_at = ObservedAtField(input_formats=CSV_DATE_FORMATS)
    value = forms.DecimalField(max_digits=16, decimal_places=4)
    note = forms.CharField(required=False, max_length=300, validators=[validate_one_line])


# Definition of Done


class DoneCriterionForm(forms.ModelForm):
    """A new criterion of the Definition of Done."""

    class Meta:
        model = DoneCriterion
        fields = ["group", "text", "required"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        labels = {"text": "Criterion", "required": "Required for sign-off"}
        help_texts = {"text": "Checkable by someone outside the team: a number, a test, a link."}


class DoneCriterionToggleForm(forms.Form):
    """Mark a criterion met (optionally with a link to the evidence) or not met. The state is
    sent, not flipped, so a double click or a stale page cannot undo what it meant to do."""

    met = forms.TypedChoiceField(
        choices=[("1", "Met"), ("0", "Not met")], coerce=lambda value: value == "1"
    )
    evidence_url = forms.URLField(
        required=False, max_length=200, assume_scheme="https", label="Evidence link"
    )


# --- Service levels ------------------------------------------------------------------------------


class ServiceLevelForm(forms.Form):
    """A new service level; the service checks the rate limit and one level per indicator."""

    indicator = forms.ChoiceField(choices=ServiceLevel.Indicator.choices)
    objective = forms.DecimalField(
        max_digits=10,
        decimal_places=3,
        min_value=0,
        help_text="Freshness: the most hours of lag allowed. Rates: the least % allowed, 0–100.",
    )
    unit = forms.CharField(
        required=False, max_length=20, help_text="Leave empty for hours (freshness) or %."
    )
    description = forms.CharField(
        required=False,
        max_length=200,
        help_text="What is measured and where, e.g. “lag of the nightly scores table”.",
    )


class ServiceLevelCheckForm(forms.Form):
    observed = forms.DecimalField(
        max_digits=10, decimal_places=3, help_text="Hours of lag, or the % reached."
    )
    checked_at = ObservedAtField(
        label="Checked at",
        required=False,
        help_text="Empty for now.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class ServiceLevelCheckImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns checked_at,observed; dates as 2026-11-23 or 2026-11-23T09:00.",
    )

    def clean_file(self):
        """The upload as text, within the size limit: rows are checked by the service."""
        try:
            return decode_upload(self.cleaned_data["file"])
        except CSVImportError as exc:
            raise forms.ValidationError(exc.errors) from exc


# --- Experiments ---------------------------------------------------------------------------------


class ExperimentForm(forms.ModelForm):
    """A pilot, A/B test or baseline comparison with its figures; the readout follows from them."""

    class Meta:
        model = Experiment
        fields = [
            "name",
            "kind",
            "hypothesis",
            "status",
            "starts_on",
            "ends_on",
            "metric_name",
            "metric_kind",
            "planned_variant_share",
            "control_n",
            "control_conversions",
            "control_mean",
            "control_sd",
            "variant_n",
            "variant_conversions",
            "variant_mean",
            "variant_sd",
            "guardrails_note",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "guardrails_note": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"planned_variant_share": "Planned share in the variant (0–1)"}
        # Bounded (dpm/lib/numbers.py): no mean or sd of 10¹⁵ or more is meant.
        field_classes = dict.fromkeys(
            ("control_mean", "control_sd", "variant_mean", "variant_sd"), FiniteFloatField
        )

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.product = product
        self.fields["hypothesis"].queryset = product.hypotheses.order_by("-importance", "pk")
        # Only the decision concludes an experiment; once concluded, its status is shown, not
        # offered (a select without it sent another status, which the decision refuses).
        concluded = self.instance.status == Experiment.Status.CONCLUDED
        self.fields["status"].disabled = concluded
        self.fields["status"].choices = [
            (v, label)
            for v, label in Experiment.Status.choices
            if v != Experiment.Status.CONCLUDED or concluded
        ]
        for name in ("control_sd", "variant_sd"):
            self.fields[name].validators.append(MinValueValidator(0))

    def clean(self):
        data = super().clean()
        for arm in ("control", "variant"):
            n, conversions = data.get(f"{arm}_n"), data.get(f"{arm}_conversions")
            if n is not None and conversions is not None and conversions > n:
                self.add_error(f"{arm}_conversions", f"The {arm} cannot convert more than its n.")
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "The end comes before the start.")
        share = data.get("planned_variant_share")
        if share is not None and not 0 < share < 1:
            self.add_error(
                "planned_variant_share", "The variant's share is between 0 and 1, e.g. 0.5."
            )
        return data

    @property
    def column_fields(self) -> list[str]:
        return list(self.fields)


class ExperimentDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Experiment.Decision.choices, widget=forms.RadioSelect)
    decision_note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Why"
    )


class ExperimentEvidenceForm(forms.Form):
    stance = forms.ChoiceField(choices=[("supports", "Supports"), ("contradicts", "Contradicts")])
