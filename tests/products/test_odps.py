"""ODPS (Bitol v1.1.0) export and import of products: the descriptor, its validation against the
standard's JSON Schema, errors by path, rights, stage gates, the pages and the commands."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from metrics.models import KPI, Measurement, ServiceLevel, ServiceLevelCheck
from products import odps, roles
from products.models import DataProduct, StageChange
from products.odps import (
    ODPSFormatError,
    ODPSImportError,
    dump_odps_yaml,
    load_odps_yaml,
    odps_errors,
    product_import_odps,
    product_to_odps,
)
from roadmaps.models import ScoreChange
from tests.conftest import make_user
from tests.helpers import client_for
from tests.metrics.factories import (
    DefinitionOfDoneFactory,
    KPIFactory,
    MeasurementFactory,
    ServiceLevelFactory,
)
from tests.products.factories import DomainFactory, UserFactory

pytestmark = pytest.mark.django_db

EXPORT = "/products/churn-radar/export.odps.yaml"
IMPORT = "/products/import/"
# customProperties as product_to_odps writes them.
STAGE, KIND, PRIORITY, TARGET_USERS, MEETING, KPIS, SERVICE_LEVELS = range(7)


def exported(product) -> dict:
    product = DataProduct.objects.select_related("owner", "tech_lead", "domain").get(pk=product.pk)
    return product_to_odps(product)


def round_tripped(document: dict) -> dict:
    """The document as a file would carry it."""
    return load_odps_yaml(dump_odps_yaml(document))


def custom(document: dict, index: int):
    return document["customProperties"][index]["value"]


def paths(exc_info) -> list[str]:
    return [path for path, _message in exc_info.value.errors]


def yaml_file(text: str | bytes, name: str = "churn-radar.odps.yaml") -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="application/yaml")


def minimal(**fields) -> dict:
    """A small descriptor a catalog might write: no dpm properties, no team."""
    return {"apiVersion": "v1.1.0", "kind": "DataProduct", "id": "margin-radar"} | {
        "name": "Margin radar",
        **fields,
    }


@pytest.fixture
def described(product, stakeholder, lead):
    """The `product` with a domain, a tech lead, a stakeholder, two KPIs and a service level."""
    product.domain = DomainFactory(name="Customer", slug="customer")
    product.tech_lead = lead
    product.save()
    product.stakeholders.add(stakeholder)
    KPIFactory(product=product, name="Accounts saved", unit="accounts", baseline=Decimal("4"))
    KPIFactory(
        product=product,
        name="Calls within a week",
        baseline=Decimal("20.125"),
        target=Decimal("60"),
        baseline_date=datetime.date(2026, 1, 5),
        target_date=datetime.date(2026, 6, 30),
    )
    ServiceLevelFactory(product=product, indicator=ServiceLevel.Indicator.AVAILABILITY)
    return product


# --- The descriptor ------------------------------------------------------------------------------


def test_it_describes_the_product_in_odps_terms_with_dpm_fields_as_custom_properties(described):
    document = exported(described)

    assert document["apiVersion"] == "v1.1.0"
    assert document["kind"] == "DataProduct"
    assert document["id"] == "churn-radar"
    assert document["name"] == "Churn radar"
    assert document["status"] == "proposed"  # discovery
    assert document["domain"] == "Customer"
    assert document["description"] == {
        "purpose": described.purpose,
        "usage": described.decision,
    }
    assert [(m["username"], m["role"]) for m in document["team"]["members"]] == [
        ("pm", "owner"),
        ("lead", "techLead"),
        ("team_member", "member"),
        ("stakeholder", "stakeholder"),
    ]
    properties = document["customProperties"]
    assert [p["property"] for p in properties] == [
        "stage",
        "kind",
        "priority",
        "targetUsers",
        "decisionMeeting",
        "kpis",
        "serviceLevels",
    ]
    assert {p["vendor"] for p in properties} == {"dpm"}
    assert custom(document, STAGE) == "discovery"
    assert custom(document, TARGET_USERS) == 40
    assert custom(document, KPIS)[1] == {
        "name": "Calls within a week",
        "category": "outcome",
        "direction": "increase",
        "unit": "%",
        "baseline": Decimal("20.125"),
        "baselineDate": "2026-01-05",
        "target": Decimal("60"),
        "targetDate": "2026-06-30",
        "cadenceDays": 7,
        "calculation": "Accounts flagged at risk and called within 7 days ÷ accounts flagged.",
        "dataSource": "CRM activity log",
    }
    assert custom(document, SERVICE_LEVELS) == [
        {"indicator": "availability", "objective": Decimal("99.5"), "unit": "%", "description": ""}
    ]
    assert odps_errors(document) == []


def test_measurements_are_not_part_of_the_descriptor(described):
    MeasurementFactory(kpi=described.kpis.first(), note="secret-ish note")
    assert "secret-ish note" not in dump_odps_yaml(exported(described))


def test_the_yaml_keeps_numbers_exact_and_dates_as_text(described):
    KPIFactory(product=described, name="Big", baseline=Decimal("12345678901.2345"), target=None)
    text = dump_odps_yaml(exported(described))

    assert "baseline: 12345678901.2345" in text
    assert "baselineDate: '2026-01-05'" in text
    loaded = load_odps_yaml(text)
    big = next(kpi for kpi in custom(loaded, KPIS) if kpi["name"] == "Big")
    assert big["baseline"] == Decimal("12345678901.2345")
    assert custom(loaded, KPIS)[2]["baselineDate"] == "2026-01-05"
    assert loaded == exported(described)


def test_the_schema_comes_from_the_installed_package():
    validator = odps._validator()
    assert validator.schema["title"] == "Open Data Product Standard (ODPS)"
    assert validator.schema["properties"]["apiVersion"]["enum"][0] == "v1.1.0"


# --- Every demo product ---------------------------------------------------------------------------


def test_every_demo_product_exports_a_valid_descriptor_that_round_trips():
    """Export, delete, import into the emptied database (as an administrator, who is a lead: the
    gates of build, pilot and launched need evidence a descriptor does not carry), export again:
    the same file. Importing the file over the product it came from changes nothing."""
    call_command("seed_demo", force=True, stdout=StringIO())
    admin = get_user_model().objects.get(username="admin")
    products = list(DataProduct.objects.select_related("owner", "tech_lead", "domain"))
    assert len(products) == 10
    for product in products:
        text = dump_odps_yaml(product_to_odps(product))
        assert odps_errors(load_odps_yaml(text)) == [], product.slug

        again, created = product_import_odps(user=admin, document=load_odps_yaml(text))
        assert (again.pk, created) == (product.pk, False)
        assert dump_odps_yaml(exported(product)) == text, product.slug

        kpi_count = product.kpis.count()
        # A product's recorded history is protected: it goes only when deleted on purpose.
        Measurement.objects.filter(kpi__product=product).delete()
        ServiceLevelCheck.objects.filter(service_level__product=product).delete()
        product.usage.all().delete()
        product.feedback.all().delete()
        product.stage_changes.all().delete()
        product.reviews.all().delete()
        product.score_history.all().delete()
        ScoreChange.objects.filter(item__product=product).delete()
        product.delete()
        restored, created = product_import_odps(
            user=admin, document=load_odps_yaml(text), override_reason="Restored from a backup"
        )
        assert created
        assert dump_odps_yaml(exported(restored)) == text, product.slug
        assert restored.kpis.count() == kpi_count
        if restored.stage not in ("idea", "discovery", "definition"):
            change = StageChange.objects.get(product=restored)
            assert (change.from_stage, change.to_stage) == ("idea", restored.stage)
            assert change.note == odps.IMPORT_NOTE
            assert change.changed_by == admin


# --- Validation, by path --------------------------------------------------------------------------


def _with(document: dict, change) -> dict:
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("id"), ("/id", "is required")),
        (
            lambda d: d.update(apiVersion="v2"),
            ("/apiVersion", "must be one of: v1.1.0, v1.0.0, v0.9.0"),
        ),
        (lambda d: d.update(colour="red"), ("/colour", "is not a field of ODPS v1.1.0 here")),
        (lambda d: d.update(name=7), ("/name", "must be text")),
        (
            lambda d: d["team"]["members"][0].pop("username"),
            ("/team/members/0/username", "is required"),
        ),
        (
            lambda d: d.update(id="churn radar!"),
            ("/id", "dpm uses the id as the product's address"),
        ),
        (
            lambda d: d.update(id="Churn-Radar"),
            ("/id", "dpm uses the id as the product's address"),
        ),
        (lambda d: d.update(id="import"), ("/id", "“import” is reserved")),
        (lambda d: d.pop("name"), ("/name", "is required by dpm")),
        (
            lambda d: d["customProperties"][STAGE].update(value="shipped"),
            ("/customProperties/0/value", "must be one of: idea, discovery"),
        ),
        (
            lambda d: d["customProperties"][KIND].update(value="cube"),
            ("/customProperties/1/value", "must be one of: dashboard"),
        ),
        (
            lambda d: d["customProperties"][TARGET_USERS].update(value=-3),
            ("/customProperties/3/value", "must be between 0 and"),
        ),
        (
            lambda d: d["customProperties"][KPIS]["value"][0].update(target="high"),
            ("/customProperties/5/value/0/target", "must be a number or null"),
        ),
        (
            lambda d: d["customProperties"][KPIS]["value"][0].update(baseline=Decimal("1.23456")),
            ("/customProperties/5/value/0/baseline", "must have at most 4 decimal places"),
        ),
        (
            lambda d: d["customProperties"][KPIS]["value"][1].update(targetDate="2025-12-31"),
            ("/customProperties/5/value/1/targetDate", "must come after the baselineDate"),
        ),
        (
            lambda d: d["customProperties"][KPIS]["value"][1].update(baselineDate="5 Jan 2026"),
            ("/customProperties/5/value/1/baselineDate", "must be a date like 2026-11-23"),
        ),
        (
            lambda d: d["customProperties"][KPIS]["value"][0].update(category="vanity"),
            ("/customProperties/5/value/0/category", "must be one of: outcome"),
        ),
        (
            lambda d: d["customProperties"][KPIS]["value"][0].update(owner="pm"),
            ("/customProperties/5/value/0/owner", "is not one of name, category"),
        ),
        (
            lambda d: d["customProperties"][KPIS]["value"][1].update(name="Accounts saved"),
            ("/customProperties/5/value/1/name", "repeats /customProperties/5/value/0"),
        ),
        (
            lambda d: d["customProperties"][KPIS].update(value={"name": "x"}),
            ("/customProperties/5/value", "must be a list"),
        ),
        (
            lambda d: d["customProperties"][SERVICE_LEVELS]["value"][0].update(objective=120),
            ("/customProperties/6/value/0/objective", "availability is a percentage"),
        ),
        (
            lambda d: d["customProperties"].append(
                {"property": "colour", "vendor": "dpm", "value": "red"}
            ),
            ("/customProperties/7/property", "dpm has the properties stage, kind"),
        ),
        (
            lambda d: d["customProperties"].append(
                {"property": "stage", "vendor": "dpm", "value": "idea"}
            ),
            ("/customProperties/7/property", "repeats /customProperties/0"),
        ),
        (
            lambda d: d["team"]["members"][1].update(role="data steward"),
            ("/team/members/1/role", "dpm knows the roles owner, techLead, member, stakeholder"),
        ),
        (
            lambda d: d["team"]["members"].pop(0),
            ("/team/members", "needs one member with the role owner"),
        ),
        (
            lambda d: d["team"]["members"][1].update(role="owner"),
            ("/team/members/1/role", "a product has one owner"),
        ),
    ],
)
def test_a_bad_descriptor_is_refused_with_the_path_of_each_problem(described, pm, change, expected):
    document = _with(round_tripped(exported(described)), change)
    before = dump_odps_yaml(exported(described))

    path, message = expected
    assert any(p == path and message in m for p, m in odps_errors(document)), odps_errors(document)
    with pytest.raises(ODPSImportError) as exc_info:
        product_import_odps(user=pm, document=document)
    assert path in paths(exc_info)
    assert dump_odps_yaml(exported(described)) == before  # nothing written


def test_the_error_message_shows_the_path_first(described, pm):
    document = round_tripped(exported(described))
    document["customProperties"][KPIS]["value"][0]["target"] = "high"

    with pytest.raises(ODPSImportError) as exc_info:
        product_import_odps(user=pm, document=document)
    assert str(exc_info.value) == "/customProperties/5/value/0/target: must be a number or null"


def test_every_problem_is_reported_at_once_in_document_order(described, pm):
    document = round_tripped(exported(described))
    document["apiVersion"] = "v9"
    for index in (0, 1):
        document["customProperties"][KPIS]["value"][index]["cadenceDays"] = 0
    document["team"]["members"][2]["username"] = 12

    assert [path for path, _ in odps_errors(document)] == [
        "/apiVersion",
        "/customProperties/5/value/0/cadenceDays",
        "/customProperties/5/value/1/cadenceDays",
        "/team/members/2/username",
    ]


@pytest.mark.parametrize(
    ("member", "username", "message"),
    [
        (2, "nobody", "no dpm user has the username or e-mail “nobody”"),
        (0, "team_member", "team_member is not a product manager (PM)"),
    ],
)
def test_unknown_or_unsuitable_people_are_errors_at_their_path(
    described, pm, member, username, message
):
    document = round_tripped(exported(described))
    document["team"]["members"][member]["username"] = username

    with pytest.raises(ODPSImportError) as exc_info:
        product_import_odps(user=pm, document=document)
    assert (f"/team/members/{member}/username", message) in exc_info.value.errors


def test_a_deactivated_user_is_an_error(described, pm, team_member):
    team_member.is_active = False
    team_member.save()
    with pytest.raises(ODPSImportError) as exc_info:
        product_import_odps(user=pm, document=round_tripped(exported(described)))
    assert ("/team/members/2/username", "team_member is deactivated") in exc_info.value.errors


def test_an_unknown_domain_is_an_error_and_is_not_created(pm):
    with pytest.raises(ODPSImportError) as exc_info:
        product_import_odps(user=pm, document=minimal(domain="Astrology"))
    assert exc_info.value.errors == [
        ("/domain", "dpm has no domain “Astrology”: an administrator adds domains")
    ]
    assert not DataProduct.objects.filter(slug="margin-radar").exists()


def test_people_are_found_by_e_mail_and_domains_by_slug(pm, team_member):
    DomainFactory(name="Finance", slug="finance")
    document = minimal(
        domain="finance",
        team={
            "members": [
                {"username": "PM@example.org", "role": "owner"},
                {"username": "team_member@example.org"},  # no role: a team member
                {"username": "gone@example.org", "role": "member", "dateOut": "2026-01-31"},
            ]
        },
    )
    product, created = product_import_odps(user=pm, document=document)

    assert created
    assert product.owner == pm
    assert product.domain.name == "Finance"
    assert list(product.team_members.all()) == [team_member]


# --- YAML -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id: [unclosed\n", "The file is not valid YAML"),
        ("- a\n- b\n", "it must be a YAML mapping"),
        ("just text\n", "it must be a YAML mapping"),
        ("", "it must be a YAML mapping"),
        ("a: &x [1]\nb: *x\n", "aliases (*name) are not supported (line 2, column 4)"),
        ("id: one\nid: two\n", "the key “id” repeats (line 2, column 1)"),
        ("[" * 5000, "nests too deeply"),
        # YAML's \0 escape is a NUL, which PostgreSQL cannot store (a 500 there): refused with
        # where it is, as the one NUL rule refuses it in any request.
        ('id: x\nname: "Nul\\0name"\n', "a NUL character at /name"),
        ('id: x\ntags: ["ok", {"a\\0": 1}]\n', "a NUL character at /tags/1/a\\0"),
    ],
)
def test_a_file_that_is_not_a_yaml_mapping_is_refused(text, message):
    with pytest.raises(ODPSFormatError, match=None) as exc_info:
        load_odps_yaml(text)
    assert message in str(exc_info.value)


def test_dates_stay_text_and_decimals_stay_exact():
    loaded = load_odps_yaml("day: 2026-01-05\nfigure: 0.1\ncount: 3\n")
    assert loaded == {"day": "2026-01-05", "figure": Decimal("0.1"), "count": 3}


def test_a_json_document_with_floats_imports_like_yaml(pm):
    """What a catalog's JSON client would hand the service."""
    kpi = {"name": "Margin", "category": "financial", "direction": "increase", "baseline": 0.1}
    document = minimal(customProperties=[{"property": "kpis", "value": [kpi]}])
    product, _ = product_import_odps(user=pm, document=document)
    assert product.kpis.get().baseline == Decimal("0.1")


# --- Creating and updating ------------------------------------------------------------------------


def test_a_pm_creates_a_product_from_a_catalog_file(other_pm):
    document = minimal(
        description={"purpose": "Margins per order line.", "limitations": "EU only"},
        status="draft",
        customProperties=[
            {"property": "kind", "vendor": "dpm", "value": "dataset"},
            {"property": "tier", "vendor": "acme", "value": "gold"},  # another tool's: ignored
        ],
    )
    product, created = product_import_odps(user=other_pm, document=document)

    assert created
    product.refresh_from_db()
    assert (product.slug, product.name, product.kind) == ("margin-radar", "Margin radar", "dataset")
    assert product.stage == "definition"  # from the status, as the file has no dpm stage
    assert product.owner == other_pm  # no team in the file: the importer owns it
    assert product.purpose == "Margins per order line."
    assert product.priority == "medium"
    assert not StageChange.objects.exists()


def test_the_owner_updates_the_product_and_kpis_not_in_the_file_are_kept(described, pm):
    kept = described.kpis.get(name="Accounts saved")
    MeasurementFactory(kpi=kept)
    document = round_tripped(exported(described))
    document["name"] = "Churn radar 2"
    document.pop("domain")  # a standard field the file leaves out is cleared
    kpis = custom(document, KPIS)
    kpis.pop(0)
    kpis[0]["target"] = Decimal("70")
    kpis.append({"name": "Churn", "category": "outcome", "direction": "decrease", "unit": "%"})
    custom(document, SERVICE_LEVELS)[0]["objective"] = 99

    product, created = product_import_odps(user=pm, document=document)

    assert not created
    product.refresh_from_db()
    assert (product.name, product.domain) == ("Churn radar 2", None)
    assert sorted(product.kpis.values_list("name", "target")) == [
        ("Accounts saved", Decimal("60")),
        ("Calls within a week", Decimal("70")),
        ("Churn", None),
    ]
    assert kept.measurements.count() == 1
    assert product.service_levels.get().objective == Decimal("99")


def test_dpm_properties_the_file_lacks_are_left_as_they_are(described, pm):
    document = round_tripped(exported(described))
    del document["customProperties"]
    del document["team"]

    product_import_odps(user=pm, document=document)

    described.refresh_from_db()
    assert (described.kind, described.target_users, described.stage) == (
        "dashboard",
        40,
        "discovery",
    )
    assert described.kpis.count() == 2
    assert described.stakeholders.count() == 1


def test_a_team_member_updates_the_description_but_not_the_people(described, team_member):
    document = round_tripped(exported(described))
    document["description"]["purpose"] = "Sharper."
    product_import_odps(user=team_member, document=document)
    described.refresh_from_db()
    assert described.purpose == "Sharper."

    document["team"]["members"].pop()  # drop the stakeholder
    with pytest.raises(ODPSImportError) as exc_info:
        product_import_odps(user=team_member, document=document)
    assert paths(exc_info) == ["/team"]
    assert described.stakeholders.count() == 1


def test_the_owner_changes_the_people(described, pm, other_pm):
    document = round_tripped(exported(described))
    document["team"]["members"][0]["username"] = "other_pm"
    product_import_odps(user=pm, document=document)
    described.refresh_from_db()
    assert described.owner == other_pm


@pytest.mark.parametrize("who", ["other_pm", "stakeholder", "outsider"])
def test_it_refuses_an_update_by_someone_off_the_team(described, request, who):
    user = request.getfixturevalue(who)
    document = round_tripped(exported(described))
    document["name"] = "Hijacked"
    with pytest.raises(PermissionDenied):
        product_import_odps(user=user, document=document)
    described.refresh_from_db()
    assert described.name == "Churn radar"


@pytest.mark.parametrize("who", ["stakeholder", "outsider", "team_member"])
def test_only_pms_and_leads_create_products(request, who):
    with pytest.raises(PermissionDenied, match="Only product managers and leads"):
        product_import_odps(user=request.getfixturevalue(who), document=minimal())
    assert not DataProduct.objects.filter(slug="margin-radar").exists()


def test_an_outsider_cannot_learn_that_a_product_exists(described, outsider):
    with pytest.raises(PermissionDenied) as exc_info:
        product_import_odps(user=outsider, document=round_tripped(exported(described)))
    assert str(exc_info.value) == "Only product managers and leads can import products."


@pytest.fixture
def another_lead(django_user_model):
    """A lead who is neither a PM nor on the `described` product's team."""
    return make_user(django_user_model, "another_lead", roles.LEAD)


def active(document: dict) -> dict:
    """The document as a catalog would send a launched product: status active, no dpm stage."""
    document["status"] = "active"
    document["customProperties"] = [
        prop for prop in document.get("customProperties", []) if prop["property"] != "stage"
    ]
    return document


def test_a_lead_imports_a_new_active_product_with_an_override(another_lead, pm):
    """DESIGN.md §7: leads approve gates across the portfolio, so bringing a launched product
    in from a catalog (which needs a gate override) is theirs to do; its owner is the file's PM."""
    document = active(minimal(team={"members": [{"username": "pm", "role": "owner"}]}))

    with pytest.raises(ODPSImportError) as exc_info:
        product_import_odps(user=another_lead, document=document)
    assert "Idea → Launched is blocked by its gate" in exc_info.value.errors[0][1]
    assert not DataProduct.objects.filter(slug="margin-radar").exists()

    product, created = product_import_odps(
        user=another_lead, document=document, override_reason="Live since 2024"
    )

    assert created
    product.refresh_from_db()
    assert (product.stage, product.owner) == ("launched", pm)
    change = StageChange.objects.get(product=product)
    assert (change.to_stage, change.changed_by, change.override_reason) == (
        "launched",
        another_lead,
        "Live since 2024",
    )


def test_a_lead_who_is_not_a_pm_names_the_owner_of_a_new_product(another_lead):
    with pytest.raises(ODPSImportError) as exc_info:
        product_import_odps(user=another_lead, document=minimal())
    assert exc_info.value.errors == [
        ("/team", "name the product's owner (a PM) in team.members: only a PM owns a product")
    ]
    assert not DataProduct.objects.filter(slug="margin-radar").exists()


def test_a_lead_off_the_team_updates_any_product_but_not_its_people(described, another_lead):
    document = active(round_tripped(exported(described)))
    document["description"]["purpose"] = "Sharper."
    kpis = next(prop for prop in document["customProperties"] if prop["property"] == "kpis")
    kpis["value"][0]["target"] = Decimal("70")

    product_import_odps(user=another_lead, document=document, override_reason="Already live")

    described.refresh_from_db()
    assert (described.purpose, described.stage) == ("Sharper.", "launched")
    assert described.kpis.get(name="Accounts saved").target == Decimal("70")
    document["team"]["members"].pop()  # drop the stakeholder
    with pytest.raises(ODPSImportError) as exc_info:
        product_import_odps(user=another_lead, document=document)
    assert paths(exc_info) == ["/team"]
    assert described.stakeholders.count() == 1


@pytest.mark.parametrize(
    ("who", "outcome"),
    [
        ("pm", "gate refuses"),  # the owner, who may not override a gate
        ("another_lead", "launched"),
        ("stakeholder", "forbidden"),
        ("outsider", "forbidden"),
    ],
)
def test_who_may_import_an_active_product(described, request, who, outcome):
    document = active(round_tripped(exported(described)))
    user = request.getfixturevalue(who)

    response = client_for(user).post(
        IMPORT, {"file": yaml_file(dump_odps_yaml(document)), "override_reason": "Live already"}
    )

    described.refresh_from_db()
    if outcome == "launched":
        assert response.status_code == 302
        assert described.stage == "launched"
        assert StageChange.objects.get(product=described).changed_by == user
    else:
        assert response.status_code == (422 if outcome == "gate refuses" else 403)
        assert described.stage == "discovery"
        assert not StageChange.objects.exists()


# --- Stage gates ----------------------------------------------------------------------------------


def test_a_stage_change_the_gate_refuses_is_an_error_and_writes_nothing(described, pm):
    document = round_tripped(exported(described))
    document["name"] = "Renamed"
    document["customProperties"][STAGE]["value"] = "build"

    with pytest.raises(ODPSImportError) as exc_info:
        product_import_odps(user=pm, document=document)

    ((path, message),) = exc_info.value.errors
    assert path == "/customProperties/0/value"
    assert "Discovery → Build is blocked by its gate: Build needs a Definition of Done" in message
    described.refresh_from_db()
    assert (described.stage, described.name) == ("discovery", "Churn radar")


def test_a_stage_change_the_gate_allows_is_recorded(described, pm):
    DefinitionOfDoneFactory(product=described)
    document = round_tripped(exported(described))
    document["customProperties"][STAGE]["value"] = "build"

    product_import_odps(user=pm, document=document)

    change = StageChange.objects.get(product=described)
    assert (change.from_stage, change.to_stage, change.changed_by) == ("discovery", "build", pm)
    assert (change.note, change.override_reason) == (odps.IMPORT_NOTE, "")


def test_a_lead_on_the_team_overrides_a_gate_with_a_reason(described, lead):
    document = round_tripped(exported(described))
    document["customProperties"][STAGE]["value"] = "launched"

    product_import_odps(user=lead, document=document, override_reason="Migrated from the wiki")

    described.refresh_from_db()
    assert described.stage == "launched"
    change = StageChange.objects.get(product=described)
    assert change.override_reason == "Migrated from the wiki"


def test_only_a_lead_may_override(described, pm):
    document = round_tripped(exported(described))
    document["customProperties"][STAGE]["value"] = "launched"
    with pytest.raises(ODPSImportError) as exc_info:
        product_import_odps(user=pm, document=document, override_reason="Trust me")
    assert exc_info.value.errors == [
        ("/customProperties/0/value", "Only a lead can override a stage gate.")
    ]


def test_a_pm_cannot_create_a_launched_product_out_of_thin_air(pm):
    document = minimal(customProperties=[{"property": "stage", "value": "launched"}])
    with pytest.raises(ODPSImportError) as exc_info:
        product_import_odps(user=pm, document=document)
    assert "Idea → Launched is blocked by its gate" in exc_info.value.errors[0][1]
    assert not DataProduct.objects.filter(slug="margin-radar").exists()


# --- Export page --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pm", "team_member", "stakeholder", "lead", "other_pm"])
def test_it_serves_the_descriptor_to_whoever_may_read_the_product(described, request, who):
    response = client_for(request.getfixturevalue(who)).get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/odps+yaml;version=1.1.0"
    assert response["Content-Disposition"] == 'attachment; filename="churn-radar.odps.yaml"'
    document = load_odps_yaml(response.content.decode())
    assert document == exported(described)
    assert odps_errors(document) == []


def test_it_hides_the_descriptor_from_outsiders(described, outsider, client):
    assert client_for(outsider).get(EXPORT).status_code == 404
    assert client.get(EXPORT).status_code == 302  # to the login page


@pytest.mark.parametrize("size", [1, 12])
def test_the_export_query_count_does_not_grow(product, pm, django_assert_num_queries, size):
    for n in range(size):
        product.team_members.add(UserFactory())
        product.stakeholders.add(UserFactory())
        KPIFactory(product=product, name=f"KPI {n}")
    ServiceLevelFactory(product=product)
    client = client_for(pm)
    # session, user, roles, product with rights; team, stakeholders, KPIs, service levels
    with django_assert_num_queries(8):
        assert client.get(EXPORT).status_code == 200


def test_the_product_page_links_to_the_export(described, stakeholder):
    content = client_for(stakeholder).get("/products/churn-radar/").content.decode()
    assert f'href="{EXPORT}"' in content


# --- Import page --------------------------------------------------------------------------------


def test_the_portfolio_links_to_the_import_for_pms_and_leads(pm, lead, stakeholder):
    assert f'href="{IMPORT}"' in client_for(pm).get("/").content.decode()
    assert f'href="{IMPORT}"' in client_for(lead).get("/").content.decode()
    assert f'href="{IMPORT}"' not in client_for(stakeholder).get("/").content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("pm", 200), ("admin_user", 200), ("lead", 200), ("stakeholder", 403), ("outsider", 403)],
)
def test_the_import_page_is_for_pms_and_leads(request, who, status):
    assert client_for(request.getfixturevalue(who)).get(IMPORT).status_code == status


def test_the_override_field_is_offered_to_leads_only(pm, lead, admin_user):
    assert b"override_reason" not in client_for(pm).get(IMPORT).content
    assert b"override_reason" in client_for(lead).get(IMPORT).content
    assert b"override_reason" in client_for(admin_user).get(IMPORT).content


@pytest.mark.parametrize("who", ["stakeholder", "outsider"])
def test_it_refuses_an_upload_from_a_non_pm_non_lead(described, request, who):
    text = dump_odps_yaml(minimal())
    response = client_for(request.getfixturevalue(who)).post(IMPORT, {"file": yaml_file(text)})
    assert response.status_code == 403
    assert not DataProduct.objects.filter(slug="margin-radar").exists()


def test_an_upload_creates_a_product_and_says_so(pm):
    response = client_for(pm).post(
        IMPORT, {"file": yaml_file(dump_odps_yaml(minimal()), "margin.yaml")}, follow=True
    )

    assert response.redirect_chain == [("/products/margin-radar/", 302)]
    assert "Margin radar created from margin.yaml." in response.content.decode()
    assert DataProduct.objects.get(slug="margin-radar").owner == pm


def test_an_upload_updates_the_owners_product_and_says_so(described, pm):
    document = exported(described)
    document["name"] = "Churn radar v2"
    response = client_for(pm).post(
        IMPORT, {"file": yaml_file(dump_odps_yaml(document))}, follow=True
    )
    assert "Churn radar v2 updated from churn-radar.odps.yaml." in response.content.decode()
    described.refresh_from_db()
    assert described.name == "Churn radar v2"


def test_an_invalid_upload_lists_the_errors_by_path_and_writes_nothing(described, pm):
    document = exported(described)
    document["name"] = "Renamed"
    document["customProperties"][KPIS]["value"][0]["target"] = "high"
    document["team"]["members"][1]["username"] = "nobody"

    response = client_for(pm).post(IMPORT, {"file": yaml_file(dump_odps_yaml(document))})

    assert response.status_code == 422
    content = response.content.decode()
    assert "Nothing was imported." in content
    assert "<code>/customProperties/5/value/0/target</code>: must be a number or null" in content
    # people are looked up too, so one upload reports every problem
    assert (
        "<code>/team/members/1/username</code>: no dpm user has the username or e-mail" in content
    )
    assert content.index("/customProperties/5/") < content.index("/team/members/1/")
    described.refresh_from_db()
    assert described.name == "Churn radar"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe\x00i\x00d", "The file is not UTF-8 text"),
        (b"id: [unclosed\n", "The file is not valid YAML"),
        (b"- a list\n", "it must be a YAML mapping"),
        (b"#" * (odps.MAX_BYTES + 1), "The file is over 1 MB."),
    ],
)
def test_an_unreadable_upload_is_refused_with_a_message(pm, data, message):
    response = client_for(pm).post(IMPORT, {"file": yaml_file(data)})
    assert response.status_code == 422
    assert message in response.content.decode()


def test_an_upload_for_someone_elses_product_is_refused_with_a_message(described, other_pm):
    document = exported(described)
    document["name"] = "Hijacked"
    response = client_for(other_pm).post(IMPORT, {"file": yaml_file(dump_odps_yaml(document))})
    assert response.status_code == 422
    message = "Only the owner and team of Churn radar, and leads, can change it"
    assert message in response.content.decode()
    described.refresh_from_db()
    assert described.name == "Churn radar"


def test_a_lead_pm_overrides_a_gate_through_the_page(described, admin_user):
    document = exported(described)
    document["customProperties"][STAGE]["value"] = "pilot"
    response = client_for(admin_user).post(
        IMPORT,
        {"file": yaml_file(dump_odps_yaml(document)), "override_reason": "Pilot runs elsewhere"},
    )
    assert response.status_code == 302
    assert StageChange.objects.get(product=described).override_reason == "Pilot runs elsewhere"


# --- Commands -------------------------------------------------------------------------------------


def test_export_odps_writes_the_descriptor_to_stdout_or_a_file(described, tmp_path):
    out = StringIO()
    call_command("export_odps", "churn-radar", stdout=out)
    assert load_odps_yaml(out.getvalue()) == exported(described)

    target = tmp_path / "churn.odps.yaml"
    out = StringIO()
    call_command("export_odps", "churn-radar", "--output", str(target), stdout=out)
    assert target.read_text(encoding="utf-8") == dump_odps_yaml(exported(described))
    assert str(target) in out.getvalue()


def test_export_odps_refuses_an_unknown_product(db):
    with pytest.raises(CommandError, match="No product has the address “nope”"):
        call_command("export_odps", "nope", stdout=StringIO())


def test_import_odps_creates_then_updates(pm, tmp_path):
    path = tmp_path / "margin.odps.yaml"
    path.write_text(dump_odps_yaml(minimal()), encoding="utf-8")

    out = StringIO()
    call_command("import_odps", str(path), "--user", "pm", stdout=out)
    assert out.getvalue() == "Created Margin radar (margin-radar).\n"

    out = StringIO()
    call_command("import_odps", str(path), "--user", "pm", stdout=out)
    assert out.getvalue() == "Updated Margin radar (margin-radar).\n"


def test_import_odps_prints_the_errors_by_path_and_fails(described, tmp_path):
    document = exported(described)
    document["name"] = "Renamed"
    document["customProperties"][KPIS]["value"][0]["target"] = "high"
    document["colour"] = "red"
    path = tmp_path / "bad.yaml"
    path.write_text(dump_odps_yaml(document), encoding="utf-8")

    err = StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 2 problems"):
        call_command("import_odps", str(path), "--user", "pm", stderr=err)
    assert err.getvalue().splitlines() == [
        "/colour: is not a field of ODPS v1.1.0 here",
        "/customProperties/5/value/0/target: must be a number or null",
    ]
    described.refresh_from_db()
    assert described.name == "Churn radar"


def test_import_odps_exits_non_zero(described, tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("id: [\n", encoding="utf-8")
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exc_info:
        ManagementUtility(["manage.py", "import_odps", str(path), "--user", "pm"]).execute()
    assert exc_info.value.code == 1
    assert "The file is not valid YAML" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user", "nobody"], "No active user is called “nobody”"),
        (["--user", "stakeholder"], "Only product managers and leads can import products."),
    ],
)
def test_import_odps_refuses_unknown_or_unentitled_users(stakeholder, tmp_path, args, message):
    path = tmp_path / "margin.odps.yaml"
    path.write_text(dump_odps_yaml(minimal()), encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("import_odps", str(path), *args, stdout=StringIO())
    assert not DataProduct.objects.filter(slug="margin-radar").exists()


def test_import_odps_with_a_lead_override(described, lead, tmp_path):
    document = exported(described)
    document["customProperties"][STAGE]["value"] = "launched"
    path = tmp_path / "churn.yaml"
    path.write_text(dump_odps_yaml(document), encoding="utf-8")

    call_command(
        "import_odps", str(path), "--user", "lead", "--override-reason", "Live since 2024",
        stdout=StringIO(),
    )  # fmt: skip

    assert StageChange.objects.get(product=described).override_reason == "Live since 2024"


def test_measurement_history_survives_a_reimport(described, pm):
    measurement = MeasurementFactory(kpi=described.kpis.first())
    product_import_odps(user=pm, document=round_tripped(exported(described)))
    assert Measurement.objects.filter(pk=measurement.pk).exists()
    assert KPI.objects.filter(product=described).count() == 2
