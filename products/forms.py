from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from products import roles
from products.models import Alert, DataProduct, Domain
from products.odps import MAX_BYTES as ODPS_MAX_BYTES
from products.odps import ODPSFormatError, decode_odps_upload, load_odps_yaml
from products.services import (
    ACKNOWLEDGE_NOTE_MAX_LENGTH,
    RESERVED_SLUGS,
    REVIEW_NOTE_MAX_LENGTH,
    START_STAGES,
    next_stage,
    stage_gates,
)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


def _people():
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "username")


PEOPLE_FIELDS = ("owner", "tech_lead", "team_members", "stakeholders")
MULTI_SELECT_HINT = "Hold Ctrl (⌘ on a Mac) to choose several."


class ProductForm(forms.ModelForm):
    """Create or edit a product's description and, for those who may, its people. The stage is
    set only at creation: afterwards it moves through the gated stage change."""

    owner = UserChoiceField(
        queryset=_people().filter(Q(groups__name=roles.PM) | Q(is_superuser=True)).distinct(),
        help_text="The product manager.",
    )
    tech_lead = UserChoiceField(queryset=_people(), required=False)
    team_members = UserMultipleChoiceField(
        queryset=_people(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=MULTI_SELECT_HINT,
    )
    stakeholders = UserMultipleChoiceField(
        queryset=_people(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=MULTI_SELECT_HINT,
    )

    class Meta:
        model = DataProduct
        fields = [
            "name",
            "slug",
            "kind",
            "domain",
            "stage",
            "priority",
            *PEOPLE_FIELDS,
            "purpose",
            "decision",
            "decision_meeting",
            "target_users",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "decision": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"slug": "Used in the address; leave empty to derive it from the name."}

    def __init__(self, *args, can_manage_people: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["domain"].queryset = Domain.objects.order_by("name")
        if self.instance.pk:
            del self.fields["stage"]
        else:
            self.fields["stage"].choices = [
                (value, label)
                for value, label in DataProduct.Stage.choices
                if value in START_STAGES
            ]
        if not can_manage_people:
            for name in PEOPLE_FIELDS:
                del self.fields[name]

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if self.instance.pk and not slug:
            raise forms.ValidationError("A product needs an address.")
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(f"“{slug}” is reserved for a page of its own.")
        return slug

    @property
    def column_fields(self) -> list[str]:
        """The product's own columns this form edits (the many-to-many people are apart)."""
        return [name for name in self.fields if name not in ("team_members", "stakeholders")]

    @property
    def people(self) -> dict | None:
        """Team and stakeholders when the form edits people, else None (leave them alone)."""
        if "team_members" not in self.fields:
            return None
        return {key: self.cleaned_data[key] for key in ("team_members", "stakeholders")}


class GatedStageSelect(forms.Select):
    """A stage select whose options behind a closed gate are disabled: who may not override a
    gate sees why the stage is out of reach, and cannot pick it."""

    def __init__(self, *args, closed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.closed = set(closed)

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value in self.closed:
            option["attrs"]["disabled"] = True
        return option


class StageChangeForm(forms.Form):
    """Move a product to another stage. Each stage behind a closed gate says so in its option,
    with what the gate still needs (`gates`, from `stage_gates`), before anyone clicks: disabled
    for those who may not override, marked as an override for leads."""

    to_stage = forms.ChoiceField(label="Move to", choices=DataProduct.Stage.choices)
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Why now?"
    )
    override_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Override reason",
        help_text="To move past a closed gate, override it: give the reason.",
    )

    def __init__(
        self, *args, product: DataProduct, can_override: bool, gates: dict | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        gates = stage_gates(product=product) if gates is None else gates
        closed = [stage for stage, gate in gates.items() if gate["needs"]]
        self.can_override = can_override
        # Each closed gate once, with what it needs, for the note beside the button.
        self.closed_gates = {
            name: missing for gate in gates.values() for name, missing in gate["needs"].items()
        }
        choices = [
            (value, self._label(label, gates[value]["needs"], can_override))
            for value, label in DataProduct.Stage.choices
            if value != product.stage
        ]
        following = next_stage(product.stage)
        field = self.fields["to_stage"]
        if following in closed and not can_override:
            # The usual next step is out of reach: choose nothing rather than a step back.
            choices.insert(0, ("", "Choose a stage…"))
            field.initial = ""
        else:
            field.initial = following
        field.choices = choices
        if can_override:
            field.help_text = "A stage whose gate is closed says what it needs."
        else:
            field.widget = GatedStageSelect(closed=closed, choices=choices)
            if closed:
                field.help_text = (
                    "Greyed-out stages are behind a closed gate; a lead can override it, "
                    "with a reason."
                )
            del self.fields["override_reason"]

    @staticmethod
    def _label(label: str, needs: dict[str, list[str]], can_override: bool) -> str:
        if not needs:
            return label
        why = "; ".join(f"{gate} needs {' and '.join(missing)}" for gate, missing in needs.items())
        override = " (a lead may override it, with a reason)" if can_override else ""
        return f"{label} — gate closed: {why}{override}"


class FilterForm(forms.Form):
    """Filters kept in the URL: a value that is not valid (an edited or old link) becomes a
    form error and only that filter is left out; the others still apply."""

    def valid_values(self) -> dict:
        """The filters that hold a valid value."""
        if self.is_bound:
            self.is_valid()  # fills cleaned_data with the fields that are valid
        return getattr(self, "cleaned_data", {})

    @property
    def active(self) -> bool:
        """Whether any filter narrows the list (to offer "clear")."""
        return any(self.data.get(name) for name in self.fields)


class PortfolioFilterForm(FilterForm):
    """The portfolio's filters."""

    q = forms.CharField(required=False, label="Search", max_length=100)
    domain = forms.ModelChoiceField(
        queryset=Domain.objects.order_by("name"),
        required=False,
        empty_label="All domains",
        to_field_name="slug",
    )
    kind = forms.ChoiceField(choices=[("", "All kinds"), *DataProduct.Kind.choices], required=False)
    stage = forms.ChoiceField(
        choices=[("", "All stages"), *DataProduct.Stage.choices], required=False
    )
    health = forms.ChoiceField(
        label="Health",
        choices=[("", "Any health"), *DataProduct.HealthStatus.choices],
        required=False,
    )

    def apply(self, products):
        """`products` narrowed by every filter that holds a valid value."""
        data = self.valid_values()
        if data.get("q"):
            products = products.filter(name__icontains=data["q"])
        if data.get("domain"):
            products = products.filter(domain=data["domain"])
        if data.get("kind"):
            products = products.filter(kind=data["kind"])
        if data.get("stage"):
            products = products.filter(stage=data["stage"])
        if data.get("health"):
            products = products.filter(health_status=data["health"])
        return products


class ProductReviewForm(forms.Form):
    note = forms.CharField(
        label="Comment",
        required=False,
        max_length=REVIEW_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: what you checked, what changed, what comes next.",
    )

    def __init__(self, *args, **kwargs):
        # The product page also holds the stage form's "note": keep the two ids apart.
        kwargs.setdefault("auto_id", "id_review_%s")
        super().__init__(*args, **kwargs)


class AlertFilterForm(FilterForm):
    """The alerts page's filters (`?product=<slug>` is what the portfolio's alert counts link
    to)."""

    kind = forms.ChoiceField(choices=[("", "All kinds"), *Alert.Kind.choices], required=False)
    severity = forms.ChoiceField(
        choices=[("", "Any severity"), *Alert.Severity.choices], required=False
    )
    product = forms.ModelChoiceField(
        queryset=DataProduct.objects.none(),
        required=False,
        empty_label="All products",
        to_field_name="slug",
    )
    acknowledged = forms.ChoiceField(
        choices=[("", "Any"), ("no", "Not yet"), ("yes", "Yes")], required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only products the user may see: another slug is "not a valid choice", whether or not
        # it exists, so the filter tells an outsider nothing. Of those, the ones with open
        # alerts (and the one asked for): a list of every product in a large portfolio would be
        # long to render and useless to pick from.
        has_open = Exists(Alert.objects.open().filter(product=OuterRef("pk")))
        asked = self.data.get("product") if self.is_bound else None
        self.fields["product"].queryset = (
            DataProduct.objects.visible_to(user)
            .filter(has_open | Q(slug=asked or ""))
            .only("pk", "slug", "name")
            .order_by("name")
        )

    def apply(self, alerts):
        """`alerts` narrowed by every filter that holds a valid value."""
        data = self.valid_values()
        if data.get("kind"):
            alerts = alerts.filter(kind=data["kind"])
        if data.get("severity"):
            alerts = alerts.filter(severity=data["severity"])
        if data.get("product"):
            alerts = alerts.filter(product=data["product"])
        if data.get("acknowledged"):
            alerts = alerts.filter(acknowledged_at__isnull=data["acknowledged"] == "no")
        return alerts


class AlertAcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=ACKNOWLEDGE_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: what is being done about it, or why it can wait.",
    )


class ODPSImportForm(forms.Form):
    """An ODPS descriptor to create or update a product from. The file is read and parsed here;
    whether it is a descriptor dpm can import is the import service's to say, by path."""

    file = forms.FileField(
        label="ODPS file",
        help_text=(
            f"A YAML data product descriptor (ODPS v1.1.0), up to {ODPS_MAX_BYTES // 1_000_000} "
            "MB — for example one exported from dpm or from your catalog."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,application/yaml"}),
    )
    override_reason = forms.CharField(
        label="Gate override reason",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=(
            "Leads only: when the file moves the product past a stage gate that refuses, say "
            "why; it is recorded with the stage change. Leave empty to be stopped by the gates."
        ),
    )

    def __init__(self, *args, can_override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.document: dict | None = None
        if not can_override:
            del self.fields["override_reason"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.document = load_odps_yaml(decode_odps_upload(upload))
        except ODPSFormatError as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload
