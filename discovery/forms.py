from django import forms
from django.contrib.auth import get_user_model

from discovery.models import (
    Evidence,
    Hypothesis,
    Insight,
    Interview,
    Persona,
    Why,
    WhyChain,
)
from discovery.services import parse_tags
from dpm.lib.validators import validate_date_range


class InterviewForm(forms.ModelForm):
    """The interview's details; the notes have their own autosaving editor."""

    class Meta:
        model = Interview
        fields = [
            "interviewee_name",
            "interviewee_role",
            "interviewee_team",
            "persona",
            "held_on",
            "channel",
            "conducted_by",
            "contains_pii",
            "summary",
        ]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"interviewee_name": "Who you talked to", "contains_pii": "Contains PII"}

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persona"].queryset = Persona.objects.filter(product=product)
        self.fields["held_on"].validators.append(validate_date_range)
        self.fields["interviewee_name"].widget.attrs["autofocus"] = True
        self.fields["conducted_by"].queryset = get_user_model().objects.filter(is_active=True)
        self.fields["conducted_by"].label_from_instance = lambda u: u.get_full_name() or u.username

    @property
    def column_fields(self) -> list[str]:
        return list(self.fields)


# About 15,000 words: more than a long interview's notes, small enough to render quickly.
NOTES_MAX_LENGTH = 100_000


class NotesForm(forms.Form):
    # Notes are saved exactly as typed: stripping would eat the newline the PM just entered.
    notes = forms.CharField(
        required=False,
        strip=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea,
        error_messages={
            "max_length": f"Notes are limited to {NOTES_MAX_LENGTH:,} characters; split them "
            "over two interviews or link a document."
        },
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class InsightForm(forms.ModelForm):
    tags = forms.CharField(
        required=False,
        max_length=500,
        help_text="Comma-separated, e.g. trust, excel",
        widget=forms.TextInput(attrs={"list": "tag-options", "autocomplete": "off"}),
    )

    class Meta:
        model = Insight
        fields = ["kind", "text", "severity"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "severity": forms.NumberInput(attrs={"min": 1, "max": 5}),
        }

    def clean_severity(self) -> int:
        severity = self.cleaned_data["severity"]
        if not 1 <= severity <= 5:
            raise forms.ValidationError("Severity runs from 1 (minor) to 5 (blocking).")
        return severity

    def clean_tags(self) -> list[str]:
        return parse_tags(self.cleaned_data["tags"])


class HypothesisForm(forms.ModelForm):
    """The guided template of DESIGN.md §4, one part per field, previewed as one sentence."""

    class Meta:
        model = Hypothesis
        fields = ["persona", "who", "belief", "because", "signal", "type", "importance"]
        labels = {
            "who": "We believe…",
            "belief": "…has this problem / will do this…",
            "because": "…because…",
            "signal": "…and we'll know we're right when…",
        }
        help_texts = {
            "who": "The persona or user group, e.g. “FP&A analysts preparing the Monday pack”.",
            "because": "The insight behind it: what people told or showed you.",
            "signal": "A signal you can observe, with a threshold and a time frame.",
        }
        widgets = {
            "belief": forms.Textarea(attrs={"rows": 2}),
            "because": forms.Textarea(attrs={"rows": 2}),
            "signal": forms.Textarea(attrs={"rows": 2}),
            "importance": forms.NumberInput(attrs={"min": 1, "max": 5}),
        }

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persona"].queryset = Persona.objects.filter(product=product)
        self.fields["persona"].help_text = "Optional: link the persona this is about."

    def clean_importance(self) -> int:
        importance = self.cleaned_data["importance"]
        if not 1 <= importance <= 5:
            raise forms.ValidationError("Importance runs from 1 (nice to know) to 5 (critical).")
        return importance

    @property
    def column_fields(self) -> list[str]:
        return list(self.fields)


class HypothesisStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Hypothesis.Status.choices)


class EvidenceForm(forms.Form):
    """Attach an insight or a concluded experiment to a hypothesis, for or against it."""

    insight = forms.IntegerField(required=False, widget=forms.HiddenInput)
    experiment = forms.IntegerField(required=False, widget=forms.HiddenInput)
    stance = forms.ChoiceField(choices=Evidence.Stance.choices, widget=forms.RadioSelect)
    note = forms.CharField(required=False, max_length=500, widget=forms.TextInput)

    def clean(self):
        data = super().clean()
        if bool(data.get("insight")) == bool(data.get("experiment")):
            raise forms.ValidationError("Pick one insight or one experiment as evidence.")
        return data


class TagQueryForm(forms.Form):
    """What was typed in a tags field so far (rejects NUL bytes and absurd lengths)."""

    tags = forms.CharField(required=False, max_length=500, strip=False)


class InterviewFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search notes and insights")
    persona = forms.ModelChoiceField(queryset=Persona.objects.none(), required=False)
    interviewer = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, label="Interviewer"
    )
    held_from = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    held_to = forms.DateField(
        required=False,
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    kind = forms.ChoiceField(
        choices=[("", "All kinds"), *Insight.Kind.choices], required=False, label="Insight kind"
    )
    tag = forms.CharField(required=False, label="Tag")

    def __init__(self, *args, access, **kwargs):
        product = access.product
        super().__init__(*args, **kwargs)
        self.fields["persona"].queryset = Persona.objects.filter(product=product)
        self.fields["interviewer"].queryset = (
            get_user_model()
            .objects.filter(interviews_conducted__in=Interview.objects.readable_with(access))
            .distinct()
        )
        self.fields["interviewer"].label_from_instance = lambda u: u.get_full_name() or u.username

    def apply_to_interviews(self, interviews):
        data = self.cleaned_data
        if data["persona"]:
            interviews = interviews.filter(persona=data["persona"])
        if data["interviewer"]:
            interviews = interviews.filter(conducted_by=data["interviewer"])
        if data["held_from"]:
            interviews = interviews.filter(held_on__gte=data["held_from"])
        if data["held_to"]:
            interviews = interviews.filter(held_on__lte=data["held_to"])
        return interviews

    def apply_to_insights(self, insights):
        data = self.cleaned_data
        if data["kind"]:
            insights = insights.filter(kind=data["kind"])
        if data["tag"]:
            insights = insights.filter(tags__name=data["tag"].strip().lower())
        return insights


class WhyChainForm(forms.ModelForm):
    """Start a Five Whys chain from the problem as people describe it."""

    class Meta:
        model = WhyChain
        fields = ["problem"]
        widgets = {"problem": forms.Textarea(attrs={"rows": 3})}
        labels = {"problem": "The problem"}
        help_texts = {
            "problem": "What goes wrong, for whom, as they would say it, "
            "e.g. “Account managers call churning accounts too late”."
        }


class WhyChainEditForm(WhyChainForm):
    class Meta(WhyChainForm.Meta):
        fields = ["problem", "root_cause"]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 3}),
            "root_cause": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"problem": "The problem", "root_cause": "Root cause"}
        help_texts = {
            "root_cause": "Where the whys end: a cause the team can act on. Often the last why."
        }


class WhyForm(forms.ModelForm):
    class Meta:
        model = Why
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        labels = {"text": "Why?"}


class WhyMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class PersonaForm(forms.ModelForm):
    class Meta:
        model = Persona
        fields = ["name", "role", "decisions", "tools"]
        widgets = {"decisions": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "name": "Short and memorable, e.g. “Mid-market account manager”.",
            "decisions": "The decisions this persona makes that data could change.",
            "tools": "What they use today, e.g. Salesforce, Excel.",
        }

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        self.product = product

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        duplicate = Persona.objects.filter(product=self.product, name__iexact=name)
        if self.instance.pk:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise forms.ValidationError(f"This product already has a persona called “{name}”.")
        return name

    @property
    def column_fields(self) -> list[str]:
        return list(self.fields)
