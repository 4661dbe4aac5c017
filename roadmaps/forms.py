from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from dpm.lib.numbers import FiniteDecimalField
from products.models import DataProduct, Domain
from roadmaps.models import RoadmapItem, ScoringModel
from roadmaps.scoring import WEIGHTED_CRITERIA, ScoringConfig


class WhyChainItemForm(forms.Form):
    """Turn a chain's root cause into a draft roadmap item (proposed, under Later)."""

    title = forms.CharField(
        max_length=200,
        label="Roadmap item",
        help_text="The fix you propose for the root cause, e.g. “Send the churn list on Friday”.",
    )
    solution_type = forms.ChoiceField(
        choices=RoadmapItem.SolutionType.choices,
        label="Kind of solution",
        help_text="The right answer may be a manual fix or a process change, not a model.",
    )
    impact = forms.IntegerField(
        min_value=1,
        max_value=5,
        initial=3,
        help_text="1 minor … 5 transformative",
        widget=forms.NumberInput(attrs={"min": 1, "max": 5}),
    )
    effort = forms.ChoiceField(
        choices=RoadmapItem.Effort.choices, initial="M", label="Effort (T-shirt)"
    )


PRIORITIZATION_FIELDS = RoadmapItem.PRIORITIZATION_FIELDS


class RoadmapItemForm(forms.ModelForm):
    """An item as problem → solution → metric, with the inputs its score is computed from.
    Leads who are not on the product's team get the prioritization fields only."""

    class Meta:
        model = RoadmapItem
        fields = [
            "title",
            "problem",
            "proposed_solution",
            "solution_type",
            "decision_note",
            "hypotheses",
            *PRIORITIZATION_FIELDS,
        ]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 2}),
            "proposed_solution": forms.Textarea(attrs={"rows": 2}),
            "decision_note": forms.Textarea(attrs={"rows": 2}),
            "confidence_reason": forms.Textarea(attrs={"rows": 2}),
            "hypotheses": forms.CheckboxSelectMultiple,
            "impact": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "time_criticality": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "risk_reduction": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "confidence_override": forms.NumberInput(attrs={"min": 0, "max": 1, "step": "0.05"}),
        }
        labels = {
            "run_cost_yearly": "Run cost per year",
            "confidence_override": "Confidence override (0–1)",
            "hypotheses": "Linked hypotheses (their status sets the confidence)",
        }
        help_texts = {
            "confidence_override": "Leave empty to derive it from the linked hypotheses.",
            "reach": "Users per quarter (RICE and weighted scoring).",
        }

    def __init__(self, *args, product, prioritization_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if prioritization_only:
            for name in list(self.fields):
                if name not in PRIORITIZATION_FIELDS:
                    del self.fields[name]
        else:
            self.fields["hypotheses"].queryset = product.hypotheses.order_by("-importance", "pk")
        for name in ("impact", "time_criticality", "risk_reduction"):
            self.fields[name].min_value = 1
            self.fields[name].max_value = 5
            self.fields[name].validators += [
                MinValueValidator(1),
                MaxValueValidator(5),
            ]
        for name in ("build_cost", "run_cost_yearly", "reach"):
            self.fields[name].validators.append(MinValueValidator(0))
        self.fields["confidence_override"].validators += [
            MinValueValidator(0),
            MaxValueValidator(1),
        ]

    def clean(self):
        data = super().clean()
        if (
            data.get("confidence_override") is not None
            and not data.get("confidence_reason", "").strip()
        ):
            self.add_error("confidence_reason", "Say why you override the derived confidence.")
        return data

    @property
    def column_fields(self) -> list[str]:
        return [name for name in self.fields if name != "hypotheses"]


class BoardFilterForm(forms.Form):
    """The board's filters; they live in the URL so a filtered board can be shared."""

    product = forms.ModelChoiceField(
        queryset=DataProduct.objects.none(), required=False, to_field_name="slug",
        empty_label="All products",
    )  # fmt: skip
    domain = forms.ModelChoiceField(
        queryset=Domain.objects.order_by("name"), required=False, to_field_name="slug",
        empty_label="All domains",
    )  # fmt: skip
    kind = forms.ChoiceField(choices=[("", "All kinds"), *DataProduct.Kind.choices], required=False)
    solution_type = forms.ChoiceField(
        choices=[("", "All solutions"), *RoadmapItem.SolutionType.choices],
        required=False,
        label="Solution",
    )
    status = forms.ChoiceField(
        choices=[("", "Open (proposed, planned, in progress)"), *RoadmapItem.Status.choices],
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = DataProduct.objects.visible_to(user).only("slug", "name")

    @property
    def filters(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


class BoardMoveForm(forms.Form):
    """A lead moves a card to another column or status."""

    horizon = forms.ChoiceField(choices=RoadmapItem.Horizon.choices, required=False)
    status = forms.ChoiceField(choices=RoadmapItem.Status.choices, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("horizon") and not data.get("status"):
            raise forms.ValidationError("Choose a column or a status.")
        return data

    @property
    def changes(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if value}


class ScoreInputsForm(forms.ModelForm):
    """Inline edit of the inputs that drive most of a score, from the board."""

    class Meta:
        model = RoadmapItem
        fields = ["impact", "effort", "build_cost", "run_cost_yearly"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["impact"].validators += [MinValueValidator(1), MaxValueValidator(5)]
        for name in ("build_cost", "run_cost_yearly"):
            self.fields[name].validators.append(MinValueValidator(0))


class ScoringModelForm(forms.Form):
    """The portfolio's scoring model as a lead sees it: a framework and its few numbers, one
    field each (the model stores them as JSON)."""

    framework = forms.ChoiceField(choices=ScoringModel.Framework.choices)

    def __init__(self, *args, config: ScoringConfig, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("framework", config.framework)
        for size, points in config.tshirt_points.items():
            self.fields[f"points_{size}"] = forms.IntegerField(
                min_value=1, max_value=100, initial=points, label=f"{size} points"
            )
        bands = list(config.cost_bands)
        for n, (bound, points) in enumerate(bands, start=1):
            self.fields[f"band_{n}_below"] = FiniteDecimalField(
                min_value=0, decimal_places=2, initial=bound, label=f"Band {n}: cost below"
            )
            self.fields[f"band_{n}_points"] = forms.IntegerField(
                min_value=1, max_value=100, initial=points, label=f"Band {n}: points"
            )
        self.band_count = len(bands)
        self.fields["cost_top_points"] = forms.IntegerField(
            min_value=1, max_value=100, initial=config.cost_top_points, label="Above: points"
        )
        for name in WEIGHTED_CRITERIA:
            self.fields[f"weight_{name}"] = FiniteDecimalField(
                min_value=0, max_value=100, decimal_places=2, initial=config.weights[name],
                label=f"Weight of {name}",
            )  # fmt: skip
        self.fields["reach_cap"] = FiniteDecimalField(
            min_value=1, decimal_places=0, initial=config.reach_cap,
            label="Reach that counts as full (users per quarter)",
        )  # fmt: skip

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        bounds = [data[f"band_{n}_below"] for n in range(1, self.band_count + 1)]
        if bounds != sorted(bounds) or len(set(bounds)) != len(bounds):
            raise forms.ValidationError("Each cost band must start above the one before it.")
        try:
            self.config = ScoringConfig(**self.config_kwargs(data))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data

    def config_kwargs(self, data) -> dict:
        return {
            "framework": data["framework"],
            "tshirt_points": {size: data[f"points_{size}"] for size in RoadmapItem.Effort.values},
            "cost_bands": [
                (float(data[f"band_{n}_below"]), data[f"band_{n}_points"])
                for n in range(1, self.band_count + 1)
            ],
            "cost_top_points": data["cost_top_points"],
            "weights": {name: float(data[f"weight_{name}"]) for name in WEIGHTED_CRITERIA},
            "reach_cap": float(data["reach_cap"]),
        }
