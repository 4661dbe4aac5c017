"""Forms of the adoption page: a week of usage, the usage import, barriers, enablement assets,
feedback."""

from django import forms
from django.contrib.auth import get_user_model

from adoption.models import AdoptionBarrier, EnablementAsset
from adoption.services import MAX_COUNT, USAGE_IMPORT_OPTIONAL, USAGE_IMPORT_REQUIRED
from discovery.models import Insight
from dpm.lib.validators import OBSERVATION_VALIDATORS, validate_date_range

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# With spaces, so the help text wraps in a narrow column; the import strips them anyway.
USAGE_HEADER = ", ".join((*USAGE_IMPORT_REQUIRED, *USAGE_IMPORT_OPTIONAL))


def _count_field(label: str, *, required: bool = False, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=required, min_value=0, max_value=MAX_COUNT, help_text=help_text
    )


class UsageSnapshotForm(forms.Form):
    """A week of usage; the service stores any date as its week's Monday."""

    week_of = forms.DateField(
        label="Week of",
        widget=DATE_INPUT,
        help_text="Any day of the week: it is stored as that week's Monday.",
        # Any day of this week stands for it, so the future rule is the service's, on the week.
        validators=[validate_date_range],
    )
    active_users = _count_field("Active users", required=True)
    sessions = _count_field("Sessions")
    median_task_seconds = _count_field("Median task time (seconds)")
    decisions_supported = _count_field("Decisions supported")


class UsageImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            f"Header: {USAGE_HEADER} (only the first two required). Dates as 2026-11-16; "
            "any day stands for its week's Monday; weeks already recorded are updated."
        ),
    )


NO_AUTHOR = "Say who gave the feedback: choose a person or type a name."
SEVERITY_CHOICES = [
    (1, "1 – minor"),
    (2, "2 – a nuisance"),
    (3, "3 – slows adoption"),
    (4, "4 – serious"),
    (5, "5 – blocking"),
]


class _PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


class _InsightChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, insight) -> str:
        text = insight.text if len(insight.text) <= 90 else f"{insight.text[:89]}…"
        return f"{insight.get_kind_display()} ({insight.severity}/5): {text}"


class AdoptionBarrierForm(forms.ModelForm):
    """A barrier and the insights that revealed it, chosen from this product's insights."""

    severity = forms.TypedChoiceField(choices=SEVERITY_CHOICES, coerce=int, initial=3)
    insights = _InsightChoiceField(
        queryset=Insight.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Insights that revealed it",
    )

    class Meta:
        model = AdoptionBarrier
        fields = ["kind", "severity", "status", "description", "action", "insights"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "action": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.product = access.product
        self.fields["insights"].queryset = Insight.objects.readable_with(access).order_by(
            "-severity", "-created_at", "pk"
        )

    @property
    def column_fields(self) -> list[str]:
        return [name for name in self.fields if name != "insights"]


class EnablementAssetForm(forms.ModelForm):
    url = forms.URLField(required=False, max_length=200, assume_scheme="https", label="Link")

    class Meta:
        model = EnablementAsset
        fields = ["kind", "title", "url"]


class FeedbackForm(forms.Form):
    user = _PersonChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="From (a person with an account)",
    )
    author_name = forms.CharField(
        required=False, max_length=120, label="…or their name", help_text="e.g. “CFO office”."
    )
    rating = forms.TypedChoiceField(
        choices=[(n, f"{n} of 5") for n in range(5, 0, -1)], coerce=int, initial=4
    )
    text = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="What they said"
    )
    given_on = forms.DateField(
        label="Given on", widget=DATE_INPUT, validators=OBSERVATION_VALIDATORS
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("first_name", "username")
        )

    def clean(self):
        data = super().clean()
        user, name = data.get("user"), data.get("author_name", "").strip()
        if user and name:
            raise forms.ValidationError("Choose a person or type a name, not both.")
        if not user and not name and "user" not in self.errors:
            raise forms.ValidationError(NO_AUTHOR)
        return data
