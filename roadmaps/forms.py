from django import forms

from roadmaps.models import RoadmapItem


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
