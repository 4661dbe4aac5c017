"""Products as Open Data Product Standard descriptors (Bitol ODPS v1.1.0): export, validation,
import.

A catalog reads and writes dpm's products as ODPS YAML files. The standard's own fields carry
what ODPS has a place for; dpm's own fields go under `customProperties` with `vendor: dpm`:

    id                      the product's slug (its address in dpm)
    name                    name
    status                  derived from the stage: idea, discovery → proposed; definition,
                            build, pilot → draft; launched → active; retired → retired
    domain                  the domain's name
    description.purpose     the user problem it solves (purpose)
    description.usage       the decision or workflow it serves (decision)
    team.members            owner (role `owner`), tech lead (`techLead`), team members
                            (`member`) and stakeholders (`stakeholder`), by username
    customProperties        stage, kind, priority, targetUsers, decisionMeeting, kpis,
                            serviceLevels (measurements and checks are data, not description)

Import rules (`product_import_odps`):
- The file is checked whole against the standard's JSON Schema (shipped in the dataproduct-cli
  wheel, read from the installed package: nothing is downloaded) and dpm's own rules; every
  problem is reported by its JSON path, and nothing is written when there is any.
- `id` names the product: an unknown id creates one (PMs only), a known one updates it (its
  owner and team only; changing its people is for its owner).
- The standard fields are taken as the file states them: an absent `domain` or description
  clears dpm's. dpm's own properties and `team` that the file lacks are left as they are (a
  catalog's file without them changes only what it describes).
- KPIs are matched by name and service levels by indicator, each written whole; those the file
  does not list are kept, with their measurements and checks (an import never deletes history).
- Users are found by username or e-mail; domains by name or slug. An unknown one is an error at
  its path: importing never creates users or domains (an administrator does).
- The stage moves as on the product page, through the gates: a move the gates refuse is an
  error at the stage's path unless a lead gives an override reason, which is recorded with the
  stage change like any other override. A new product past *definition* is created at *idea* and
  moved the same way, so it is never launched out of thin air.
"""

import datetime
import functools
import json
import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from importlib import resources
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from jsonschema.validators import validator_for

from dpm.lib.csv_export import plain_number
from dpm.middleware import find_nul
from metrics.models import KPI, ServiceLevel
from products import roles
from products.access import product_access, require_importer
from products.models import DataProduct, Domain
from products.recompute import schedule_recompute
from products.services import (
    RESERVED_SLUGS,
    START_STAGES,
    GateRefused,
    product_change_stage,
    product_create,
    product_update,
)

API_VERSION = "v1.1.0"
CONTENT_TYPE = "application/odps+yaml;version=1.1.0"
VENDOR = "dpm"
# A descriptor is a few kilobytes; a megabyte is hundreds of KPIs.
MAX_BYTES = 1_000_000
# The schema file inside the dataproduct-cli wheel (dataproduct/schemas/).
SCHEMA_PACKAGE = "dataproduct"
SCHEMA_FILE = "odps-1.1.0.schema.json"

Stage = DataProduct.Stage
STATUS_BY_STAGE = {
    Stage.IDEA: "proposed",
    Stage.DISCOVERY: "proposed",
    Stage.DEFINITION: "draft",
    Stage.BUILD: "draft",
    Stage.PILOT: "draft",
    Stage.LAUNCHED: "active",
    Stage.RETIRED: "retired",
}
# Only for files without dpm's own `stage`: the closest stage to each of the schema's examples.
STAGE_BY_STATUS = {
    "proposed": Stage.IDEA,
    "draft": Stage.DEFINITION,
    "active": Stage.LAUNCHED,
    "deprecated": Stage.RETIRED,
    "retired": Stage.RETIRED,
}
OWNER, TECH_LEAD, MEMBER, STAKEHOLDER = "owner", "techLead", "member", "stakeholder"
TEAM_ROLES = (OWNER, TECH_LEAD, MEMBER, STAKEHOLDER)
IMPORT_NOTE = "Imported from an ODPS file."
MAX_COUNT = 2_147_483_647  # PositiveIntegerField's ceiling on PostgreSQL


class ODPSFormatError(Exception):
    """The upload is not a YAML mapping dpm can read (size, encoding, syntax)."""


class ODPSImportError(Exception):
    """What is wrong with a descriptor: [(JSON path, message)], nothing written."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{path}: {message}" for path, message in errors))


# --- YAML -----------------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """safe_load, stricter: no aliases (a few bytes of nested aliases expand to billions of
    nodes for whoever walks them), no repeated keys (YAML would keep the last silently), dates
    left as text (as JSON has them, so the schema sees what a catalog sends) and decimals read
    exactly (a KPI's 16 digits do not survive a float)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not supported", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str | int) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key “{key}” repeats", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_exact_float(self, node):
        text = self.construct_scalar(node).replace("_", "")
        try:
            value = Decimal(text)
        except InvalidOperation:  # .inf, .nan, sexagesimal
            return self.construct_yaml_float(node)
        return value


_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_exact_float)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:
        return True  # the loader refuses aliases: never write one, even for a shared object

    def represent_decimal(self, value: Decimal):
        text = plain_number(value)
        tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
        return self.represent_scalar(tag, text)

    def represent_text(self, value: str):
        style = "|" if "\n" in value else None  # purpose and calculation read as written
        return self.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(Decimal, _Dumper.represent_decimal)
_Dumper.add_representer(str, _Dumper.represent_text)


def dump_odps_yaml(document: dict) -> str:
    return yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )


def decode_odps_upload(upload) -> str:
    """An uploaded descriptor as text, within the size limit."""
    if upload.size > MAX_BYTES:
        raise ODPSFormatError(f"The file is over {MAX_BYTES // 1_000_000} MB.")
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ODPSFormatError("The file is not UTF-8 text: save it as UTF-8.") from None


def load_odps_yaml(text: str) -> dict:
    """The descriptor in `text` as a mapping, or ODPSFormatError saying where YAML broke."""
    try:
        document = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ODPSFormatError(f"The file is not valid YAML: {exc.problem}{where}.") from None
    except yaml.YAMLError as exc:
        raise ODPSFormatError(f"The file is not valid YAML: {exc}.") from None
    except RecursionError:
        raise ODPSFormatError("The file nests too deeply to be a descriptor.") from None
    if not isinstance(document, dict):
        raise ODPSFormatError(
            "The file is not an ODPS descriptor: it must be a YAML mapping "
            "(apiVersion, kind, id, …)."
        )
    # YAML's "\0" escape gives a NUL, which PostgreSQL cannot store: the one rule for NUL
    # (dpm.middleware) refuses it here too, naming where it is.
    if (where := find_nul(document)) is not None:
        raise ODPSFormatError(f"The file holds a NUL character at {where}: remove it.")
    return document


# --- Export ---------------------------------------------------------------------------------------


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _member(user, role: str) -> dict:
    member = {"username": user.get_username()}
    if user.get_full_name():
        member["name"] = user.get_full_name()
    member["role"] = role
    return member


def _custom(name: str, value) -> dict:
    return {"property": name, "vendor": VENDOR, "value": value}


def product_to_odps(product: DataProduct) -> dict:
    """The product as an ODPS v1.1.0 descriptor (a dict; `dump_odps_yaml` writes it). Numbers
    are Decimals. Four queries: team, stakeholders, KPIs, service levels (the owner, tech lead
    and domain come with the product when the caller selected them)."""
    document: dict[str, Any] = {
        "apiVersion": API_VERSION,
        "kind": "DataProduct",
        "id": product.slug,
        "name": product.name,
        "status": STATUS_BY_STAGE[product.stage],
    }
    if product.domain is not None:
        document["domain"] = product.domain.name
    texts = (("purpose", product.purpose), ("usage", product.decision))
    description = {key: text for key, text in texts if text}
    if description:
        document["description"] = description
    members = [_member(product.owner, OWNER)]
    if product.tech_lead is not None:
        members.append(_member(product.tech_lead, TECH_LEAD))
    members += [_member(user, MEMBER) for user in product.team_members.order_by("username")]
    members += [_member(user, STAKEHOLDER) for user in product.stakeholders.order_by("username")]
    document["team"] = {"members": members}
    kpis = [
        {
            "name": kpi.name,
            "category": kpi.category,
            "direction": kpi.direction,
            "unit": kpi.unit,
            "baseline": kpi.baseline,
            "baselineDate": _date(kpi.baseline_date),
            "target": kpi.target,
            "targetDate": _date(kpi.target_date),
            "cadenceDays": kpi.cadence_days,
            "calculation": kpi.calculation,
            "dataSource": kpi.data_source,
        }
        for kpi in KPI.objects.filter(product=product).order_by("name")
    ]
    service_levels = [
        {
            "indicator": level.indicator,
            "objective": level.objective,
            "unit": level.unit,
            "description": level.description,
        }
        for level in ServiceLevel.objects.filter(product=product).order_by("indicator")
    ]
    document["customProperties"] = [
        _custom("stage", product.stage),
        _custom("kind", product.kind),
        _custom("priority", product.priority),
        _custom("targetUsers", product.target_users),
        _custom("decisionMeeting", product.decision_meeting or None),
        _custom("kpis", kpis),
        _custom("serviceLevels", service_levels),
    ]
    return document


# --- Validation -----------------------------------------------------------------------------------


@functools.cache
def _validator():
    """The JSON Schema validator for ODPS v1.1.0, from the schema file that the installed
    dataproduct-cli package ships (read once per process)."""
    text = resources.files(SCHEMA_PACKAGE).joinpath("schemas", SCHEMA_FILE).read_text("utf-8")
    schema = json.loads(text)
    cls = validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def pointer(*parts) -> str:
    """A JSON pointer ("/team/members/0/username"); "/" for the document itself."""
    escaped = [str(part).replace("~", "~0").replace("/", "~1") for part in parts]
    return "/" + "/".join(escaped)


_TYPE_WORDS = {
    "string": "text",
    "object": "a mapping",
    "array": "a list",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "null",
}


def _schema_errors(document: dict) -> list[tuple[str, str]]:
    errors = []
    for error in _validator().iter_errors(document):
        at = list(error.absolute_path)
        if error.validator == "required":
            present = error.instance if isinstance(error.instance, dict) else {}
            errors += [
                (pointer(*at, key), "is required")
                for key in error.validator_value
                if key not in present
            ]
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = set(error.schema.get("properties", {}))
            errors += [
                (pointer(*at, key), f"is not a field of ODPS {API_VERSION} here")
                for key in error.instance
                if key not in known
            ]
        elif error.validator == "type":
            wanted = error.validator_value
            wanted = [wanted] if isinstance(wanted, str) else wanted
            words = " or ".join(_TYPE_WORDS.get(name, name) for name in wanted)
            errors.append((pointer(*at), f"must be {words}"))
        elif error.validator == "enum":
            choices = ", ".join(str(choice) for choice in error.validator_value)
            errors.append((pointer(*at), f"must be one of: {choices}"))
        elif error.validator == "format":
            errors.append((pointer(*at), f"must be a valid {error.validator_value}"))
        else:
            errors.append((pointer(*at), error.message))
    return errors


MISSING = object()


@dataclass
class ItemSpec:
    """A KPI or service level read from the file: its path and its model fields."""

    path: str
    key: str  # the KPI's name or the service level's indicator
    values: dict[str, Any]
    paths: dict[str, str]  # model field → JSON path, to place the model's own errors


@dataclass
class MemberSpec:
    path: str
    username: str
    role: str


@dataclass
class ProductSpec:
    """What a descriptor says about a product, in dpm's terms."""

    slug: str = ""
    fields: dict[str, Any] = field(default_factory=dict)  # model field → value
    paths: dict[str, str] = field(default_factory=dict)  # model field → JSON path
    domain: str | None = None
    stage: str | None = None
    status: str | None = None  # read only when the file has no dpm stage
    team: list[MemberSpec] | None = None
    kpis: list[ItemSpec] = field(default_factory=list)
    service_levels: list[ItemSpec] = field(default_factory=list)


class _Reader:
    """Reads a schema-valid-or-not descriptor into a ProductSpec, collecting every problem by
    path. Defensive about types throughout: customProperties values are free-form."""

    def __init__(self):
        self.errors: list[tuple[str, str]] = []
        self.spec = ProductSpec()

    def error(self, path: str, message: str) -> None:
        self.errors.append((path, message))

    # Cells ----------------------------------------------------------------------------------

    def text(self, value, path, *, max_length: int, required=False, nullable=True):
        if value is None and nullable and not required:
            return ""
        if not isinstance(value, str):
            self.error(path, "must be text")
            return MISSING
        value = value.strip()
        if required and not value:
            self.error(path, "must not be empty")
            return MISSING
        if len(value) > max_length:
            self.error(path, f"must be at most {max_length} characters (found {len(value)})")
            return MISSING
        return value

    def choice(self, value, path, choices):
        if value not in choices.values:
            self.error(path, f"must be one of: {', '.join(choices.values)}")
            return MISSING
        return value

    def number(self, value, path, *, places: int, max_digits: int, nullable=True):
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            self.error(path, "must be a number" + (" or null" if nullable else ""))
            return MISSING
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            self.error(path, "must be a finite number")
            return MISSING
        if abs(number) >= Decimal(10) ** (max_digits - places):
            self.error(path, f"must be less than {10 ** (max_digits - places):,}")
            return MISSING
        if number != number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):
            self.error(path, f"must have at most {places} decimal places")
            return MISSING
        return number

    def whole(self, value, path, *, minimum: int, maximum: int, default=MISSING):
        if value is None and default is not MISSING:
            return default
        integral = isinstance(value, int) or (
            isinstance(value, float | Decimal) and math.isfinite(value) and value == int(value)
        )
        if isinstance(value, bool) or not integral:
            self.error(path, "must be a whole number")
            return MISSING
        if not minimum <= value <= maximum:
            self.error(path, f"must be between {minimum} and {maximum:,}")
            return MISSING
        return int(value)

    def date(self, value, path):
        if value is None:
            return None
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        self.error(path, "must be a date like 2026-11-23, or null")
        return MISSING

    # The document -----------------------------------------------------------------------------

    def read(self, document: dict) -> ProductSpec:
        spec = self.spec
        slug = document.get("id")
        if isinstance(slug, str):
            # Lower case only, as dpm makes slugs: "Churn-Radar" must not become a second
            # product beside "churn-radar".
            if not re.fullmatch(r"[-a-z0-9_]+", slug) or len(slug) > 120:
                self.error(
                    "/id",
                    "dpm uses the id as the product's address: up to 120 lower-case letters, "
                    f"digits, hyphens or underscores (found “{slug}”)",
                )
            elif slug in RESERVED_SLUGS:
                self.error("/id", f"“{slug}” is reserved for a page of its own")
            spec.slug = slug
        self.standard_field(document, "name", "name", "/name", max_length=120, required=True)
        domain = document.get("domain", "")
        if isinstance(domain, str):
            spec.domain = domain.strip() or None
        description = document.get("description") or {}
        if isinstance(description, dict):
            for key, model_field in (("purpose", "purpose"), ("usage", "decision")):
                path = f"/description/{key}"
                spec.paths[model_field] = path
                value = description.get(key)
                if isinstance(value, str):
                    spec.fields[model_field] = value.strip()
                elif value is None:
                    spec.fields[model_field] = ""
        self.team(document.get("team"))
        self.custom_properties(document.get("customProperties"))
        if spec.stage is None and isinstance(document.get("status"), str):
            status = document["status"]
            spec.paths["stage"] = "/status"
            if status in STAGE_BY_STATUS:
                spec.status = status
            else:
                self.error(
                    "/status",
                    "without dpm's stage property, the status must be one of: "
                    + ", ".join(STAGE_BY_STATUS),
                )
        return spec

    def standard_field(self, document, key, model_field, path, **checks):
        self.spec.paths[model_field] = path
        if key not in document:
            if checks.get("required"):
                self.error(path, "is required by dpm")
            return
        value = self.text(document[key], path, **checks)
        if value is not MISSING:
            self.spec.fields[model_field] = value

    def team(self, team) -> None:
        if not isinstance(team, dict) or not isinstance(team.get("members"), list):
            return  # absent (left as it is) or a schema error already
        self.spec.paths["owner"] = "/team/members"
        members = []
        owners = []
        for index, member in enumerate(team["members"]):
            path = f"/team/members/{index}"
            if not isinstance(member, dict) or not isinstance(member.get("username"), str):
                continue  # the schema reports it
            if member.get("dateOut"):
                continue  # has left the team
            role = member.get("role") or MEMBER
            if role not in TEAM_ROLES:
                self.error(f"{path}/role", f"dpm knows the roles {', '.join(TEAM_ROLES)}")
                continue
            spec = MemberSpec(path=path, username=member["username"].strip(), role=role)
            members.append(spec)
            if role == OWNER:
                owners.append(spec)
        if not owners:
            self.error("/team/members", "needs one member with the role owner (the PM)")
        for extra in owners[1:]:
            self.error(f"{extra.path}/role", "a product has one owner")
        leads = [member for member in members if member.role == TECH_LEAD]
        for extra in leads[1:]:
            self.error(f"{extra.path}/role", "a product has one tech lead")
        self.spec.team = members

    def custom_properties(self, properties) -> None:
        if not isinstance(properties, list):
            return
        readers = {
            "stage": self.stage,
            "kind": self.kind,
            "priority": self.priority,
            "targetUsers": self.target_users,
            "decisionMeeting": self.decision_meeting,
            "kpis": self.kpis,
            "serviceLevels": self.service_levels,
        }
        seen: dict[str, int] = {}
        for index, item in enumerate(properties):
            if not isinstance(item, dict) or not isinstance(item.get("property"), str):
                continue  # the schema reports it
            name, vendor = item["property"], item.get("vendor")
            if vendor not in (None, VENDOR):
                continue  # another tool's: not ours to read
            path = f"/customProperties/{index}"
            if name not in readers:
                if vendor == VENDOR:
                    self.error(f"{path}/property", f"dpm has the properties {', '.join(readers)}")
                continue
            if name in seen:
                self.error(f"{path}/property", f"repeats /customProperties/{seen[name]}")
                continue
            seen[name] = index
            if "value" in item:
                readers[name](item["value"], f"{path}/value")

    def stage(self, value, path) -> None:
        self.spec.paths["stage"] = path
        if self.choice(value, path, DataProduct.Stage) is not MISSING:
            self.spec.stage = value

    def kind(self, value, path) -> None:
        self.spec.paths["kind"] = path
        if self.choice(value, path, DataProduct.Kind) is not MISSING:
            self.spec.fields["kind"] = value

    def priority(self, value, path) -> None:
        self.spec.paths["priority"] = path
        if self.choice(value, path, DataProduct.Priority) is not MISSING:
            self.spec.fields["priority"] = value

    def target_users(self, value, path) -> None:
        self.spec.paths["target_users"] = path
        number = self.whole(value, path, minimum=0, maximum=MAX_COUNT, default=None)
        if number is not MISSING:
            self.spec.fields["target_users"] = number

    def decision_meeting(self, value, path) -> None:
        self.spec.paths["decision_meeting"] = path
        text = self.text(value, path, max_length=200)
        if text is not MISSING:
            self.spec.fields["decision_meeting"] = text

    def items(self, value, path, *, keys: dict, read_one) -> list[ItemSpec]:
        if not isinstance(value, list):
            self.error(path, "must be a list")
            return []
        items, seen = [], {}
        for index, item in enumerate(value):
            item_path = f"{path}/{index}"
            if not isinstance(item, dict):
                self.error(item_path, "must be a mapping")
                continue
            for key in item:
                if key not in keys:
                    self.error(f"{item_path}/{key}", f"is not one of {', '.join(keys)}")
            paths = {model_field: f"{item_path}/{key}" for key, model_field in keys.items()}
            before = len(self.errors)
            spec = read_one(item, item_path, paths)
            if spec is None or len(self.errors) > before:
                continue
            if spec.key in seen:
                self.error(paths[next(iter(keys.values()))], f"repeats {seen[spec.key]}")
                continue
            seen[spec.key] = item_path
            items.append(spec)
        return items

    KPI_KEYS = {
        "name": "name",
        "category": "category",
        "direction": "direction",
        "unit": "unit",
        "baseline": "baseline",
        "baselineDate": "baseline_date",
        "target": "target",
        "targetDate": "target_date",
        "cadenceDays": "cadence_days",
        "calculation": "calculation",
        "dataSource": "data_source",
    }

    def kpis(self, value, path) -> None:
        self.spec.kpis = self.items(value, path, keys=self.KPI_KEYS, read_one=self.kpi)

    def kpi(self, item: dict, path: str, paths: dict) -> ItemSpec | None:
        get = item.get
        values = {
            "name": self.text(get("name"), paths["name"], max_length=150, required=True),
            "category": self.choice(get("category"), paths["category"], KPI.Category),
            "direction": self.choice(get("direction"), paths["direction"], KPI.Direction),
            "unit": self.text(get("unit"), paths["unit"], max_length=30),
            "baseline": self.number(get("baseline"), paths["baseline"], places=4, max_digits=16),
            "baseline_date": self.date(get("baselineDate"), paths["baseline_date"]),
            "target": self.number(get("target"), paths["target"], places=4, max_digits=16),
            "target_date": self.date(get("targetDate"), paths["target_date"]),
            "cadence_days": self.whole(
                get("cadenceDays"), paths["cadence_days"], minimum=1, maximum=366, default=7
            ),
            "calculation": self.text(get("calculation"), paths["calculation"], max_length=10_000),
            "data_source": self.text(get("dataSource"), paths["data_source"], max_length=200),
        }
        if MISSING in values.values():
            return None
        start, end = values["baseline_date"], values["target_date"]
        if start and end and end <= start:
            self.error(paths["target_date"], "must come after the baselineDate")
            return None
        return ItemSpec(path=path, key=values["name"], values=values, paths=paths)

    SL_KEYS = {
        "indicator": "indicator",
        "objective": "objective",
        "unit": "unit",
        "description": "description",
    }

    def service_levels(self, value, path) -> None:
        self.spec.service_levels = self.items(
            value, path, keys=self.SL_KEYS, read_one=self.service_level
        )

    def service_level(self, item: dict, path: str, paths: dict) -> ItemSpec | None:
        get = item.get
        indicator = self.choice(get("indicator"), paths["indicator"], ServiceLevel.Indicator)
        objective = self.number(
            get("objective"), paths["objective"], places=3, max_digits=10, nullable=False
        )
        unit = self.text(get("unit"), paths["unit"], max_length=20)
        description = self.text(get("description"), paths["description"], max_length=200)
        if MISSING in (indicator, objective, unit, description):
            return None
        freshness = indicator == ServiceLevel.Indicator.FRESHNESS
        if objective < 0:
            self.error(paths["objective"], "must be at least 0")
            return None
        if not freshness and objective > 100:
            self.error(paths["objective"], f"{indicator} is a percentage: at most 100")
            return None
        values = {
            "indicator": indicator,
            "objective": objective,
            "unit": unit or ("hours" if freshness else "%"),
            "description": description,
        }
        return ItemSpec(path=path, key=indicator, values=values, paths=paths)


def read_odps(document) -> tuple[ProductSpec | None, list[tuple[str, str]]]:
    """The descriptor checked against the ODPS v1.1.0 JSON Schema and dpm's own rules: what it
    says in dpm's terms, and every problem as (JSON path, message). No database access."""
    if not isinstance(document, dict):
        return None, [("/", "must be a mapping (apiVersion, kind, id, …)")]
    reader = _Reader()
    spec = reader.read(document)
    errors = _schema_errors(document)
    # One message per path: the schema's, when both found the same problem.
    reported = {path for path, _ in errors}
    errors += [(path, message) for path, message in reader.errors if path not in reported]
    return spec, sorted(errors, key=_document_order)


def _document_order(error: tuple[str, str]) -> list:
    """Sort key: paths in the order of the document (/kpis/2 before /kpis/10)."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in error[0].split("/")]


def odps_errors(document) -> list[tuple[str, str]]:
    """Every problem of the descriptor as (JSON path, message); empty when dpm can import it
    (users and domains are looked up only on import)."""
    return read_odps(document)[1]


# --- Import ---------------------------------------------------------------------------------------


def _find_users(identifiers: set[str]) -> dict[str, Any]:
    """{identifier: user} for those that name exactly one active user, by username first and
    then by e-mail (case-insensitive). One query."""
    users = list(
        get_user_model()
        .objects.annotate(email_lower=Lower("email"))
        .filter(Q(username__in=identifiers) | Q(email_lower__in={i.lower() for i in identifiers}))
        .prefetch_related("groups")
    )
    found = {}
    for identifier in identifiers:
        by_name = [user for user in users if user.get_username() == identifier]
        mail = identifier.lower()
        by_mail = [user for user in users if user.email and user.email.lower() == mail]
        matches = by_name or by_mail
        if len(matches) == 1:
            found[identifier] = matches[0]
        elif matches:
            found[identifier] = None  # ambiguous
    return found


def _is_pm(user) -> bool:
    return user.is_superuser or any(group.name == roles.PM for group in user.groups.all())


def _resolve_people(spec: ProductSpec, errors: list) -> dict | None:
    """Owner, tech lead, team members and stakeholders of the file's team, or None when the
    file has no team. Appends a path error for every unknown, ambiguous or unsuitable user."""
    if spec.team is None:
        return None
    found = _find_users({member.username for member in spec.team})
    people = {"owner": None, "tech_lead": None, "team_members": [], "stakeholders": []}
    for member in spec.team:
        path = f"{member.path}/username"
        user = found.get(member.username)
        if member.username not in found:
            errors.append((path, f"no dpm user has the username or e-mail “{member.username}”"))
            continue
        if user is None:
            errors.append((path, f"“{member.username}” is the e-mail of several users"))
            continue
        if not user.is_active:
            errors.append((path, f"{user.get_username()} is deactivated"))
            continue
        if member.role == OWNER:
            if not _is_pm(user):
                errors.append((path, f"{user.get_username()} is not a product manager (PM)"))
            people["owner"] = user
        elif member.role == TECH_LEAD:
            people["tech_lead"] = user
        elif member.role == MEMBER:
            people["team_members"].append(user)
        else:
            people["stakeholders"].append(user)
    return people


def _resolve_domain(spec: ProductSpec, errors: list) -> Domain | None:
    if spec.domain is None:
        return None
    domain = Domain.objects.filter(
        Q(name__iexact=spec.domain) | Q(slug__iexact=spec.domain)
    ).first()
    if domain is None:
        errors.append(
            ("/domain", f"dpm has no domain “{spec.domain}”: an administrator adds domains")
        )
    return domain


def _place(exc: ValidationError, paths: dict[str, str], default: str) -> list[tuple[str, str]]:
    """A model's ValidationError as path errors."""
    if not hasattr(exc, "error_dict"):
        return [(default, message) for message in exc.messages]
    return [
        (paths.get(name, default), message)
        for name, messages in exc.message_dict.items()
        for message in messages
    ]


def _save_items(model, product, specs: list[ItemSpec], *, key: str, errors: list) -> bool:
    """Create or update the product's KPIs (by name) or service levels (by indicator); those
    the file does not name stay. Returns whether anything changed."""
    existing = {getattr(obj, key): obj for obj in model.objects.filter(product=product)}
    changed = []
    for spec in specs:
        obj = existing.get(spec.key) or model(product=product)
        if obj.pk and all(getattr(obj, name) == value for name, value in spec.values.items()):
            continue
        for name, value in spec.values.items():
            setattr(obj, name, value)
        try:
            obj.full_clean()
        except ValidationError as exc:
            errors += _place(exc, spec.paths, spec.path)
            continue
        changed.append(obj)
    if not errors:
        for obj in changed:
            try:
                with transaction.atomic():
                    obj.save()
            except IntegrityError:  # the same name or indicator added meanwhile by someone else
                errors.append((spec_path_of(obj, specs, key), "was added meanwhile: import again"))
    return bool(changed)


def spec_path_of(obj, specs: list[ItemSpec], key: str) -> str:
    """The document path of the item that describes `obj`."""
    return next((spec.path for spec in specs if spec.key == getattr(obj, key)), "/")


@transaction.atomic
def product_import_odps(*, user, document, override_reason: str = "") -> tuple[DataProduct, bool]:
    """Create or update the product an ODPS descriptor describes (the module's docstring has the
    rules); returns it and whether it was created. All or nothing: ODPSImportError lists every
    problem by JSON path; PermissionDenied when the user may not create or change it."""
    spec, errors = read_odps(document)
    if spec is None or any(path == "/id" for path, _ in errors):
        raise ODPSImportError(errors)  # without an id there is no product to judge rights on
    product = DataProduct.objects.select_for_update().filter(slug=spec.slug).first()
    created = product is None
    visible = not created and DataProduct.objects.visible_to(user).filter(pk=product.pk).exists()
    if not visible:
        # Someone who may not see the product hears what they would for a new one: PMs and
        # leads see every product, so this refuses only those who may not create one either.
        require_importer(user)
        if not created:
            raise PermissionDenied("Only product managers and leads can import products.")
        access = None
    else:
        access = product_access(user, product)
        if not access.can_import:
            raise PermissionDenied(
                f"Only the owner and team of {product.name}, and leads, can change it: ask them "
                "to import the file, or to add you to the team."
            )

    # Looked up even when the file has other problems, so one upload reports them all.
    people = _resolve_people(spec, errors)
    domain = _resolve_domain(spec, errors)
    if created and people is None and not roles.is_pm(user):
        # Without a team the importer owns the new product, and only a PM owns one.
        errors.append(
            ("/team", "name the product's owner (a PM) in team.members: only a PM owns a product")
        )
    if errors:
        raise ODPSImportError(sorted(errors, key=_document_order))

    if spec.status and (created or STATUS_BY_STAGE[product.stage] != spec.status):
        # A status says less than a stage: it moves the product only when it disagrees with
        # the product's stage, so "proposed" leaves a product in discovery where it is.
        spec.stage = STAGE_BY_STATUS[spec.status]
    if created:
        product = _create(user, spec, people, domain, errors)
    else:
        product = _update(access, product, spec, people, domain, errors)
    if errors:
        raise ODPSImportError(errors)
    _save_items(KPI, product, spec.kpis, key="name", errors=errors)
    _save_items(ServiceLevel, product, spec.service_levels, key="indicator", errors=errors)
    if errors:
        raise ODPSImportError(errors)
    if spec.stage and spec.stage != product.stage:
        _move(user, product, spec, override_reason.strip())
    schedule_recompute(product.pk)
    return product, created


def _create(user, spec: ProductSpec, people: dict | None, domain, errors: list) -> DataProduct:
    start = spec.stage if spec.stage in START_STAGES else Stage.IDEA
    people = people or {"owner": user, "tech_lead": None, "team_members": [], "stakeholders": []}
    product = DataProduct(
        slug=spec.slug,
        stage=start,
        domain=domain,
        owner=people["owner"],
        tech_lead=people["tech_lead"],
        **{"kind": DataProduct.Kind.OTHER, **spec.fields},
    )
    try:
        product_create(
            user=user,
            product=product,
            team_members=people["team_members"],
            stakeholders=people["stakeholders"],
        )
    except ValidationError as exc:
        errors += _place(exc, {**spec.paths, "slug": "/id", "domain": "/domain"}, "/")
    return product


def _update(access, product: DataProduct, spec, people, domain, errors: list) -> DataProduct:
    """Write the file's fields and people over the product's; returns the product as saved.
    The edit goes to a fresh copy, so `access` still judges the rights of the product as it
    was (an owner handing the product to another PM is still its owner while doing so)."""
    values = {**spec.fields, "domain": domain}
    people_changed = False
    if people is not None:
        values |= {"owner": people["owner"], "tech_lead": people["tech_lead"]}
        people_changed = (
            product.owner_id != people["owner"].pk
            or product.tech_lead_id != getattr(people["tech_lead"], "pk", None)
            or {u.pk for u in people["team_members"]}
            != set(product.team_members.values_list("pk", flat=True))
            or {u.pk for u in people["stakeholders"]}
            != set(product.stakeholders.values_list("pk", flat=True))
        )
        if people_changed and not access.can_manage_people:
            errors.append(
                ("/team", "only the product's owner can change who works on it: keep its team")
            )
            return product
    fields = [name for name, value in values.items() if getattr(product, name) != value]
    edited = DataProduct.objects.get(pk=product.pk)
    for name in fields:
        setattr(edited, name, values[name])
    try:
        edited.full_clean()
    except ValidationError as exc:
        errors += _place(exc, {**spec.paths, "slug": "/id", "domain": "/domain"}, "/")
        return product
    return product_update(
        access=access,
        product=edited,
        fields=fields,
        people=(
            {"team_members": people["team_members"], "stakeholders": people["stakeholders"]}
            if people_changed
            else None
        ),
        imported=True,
    )


def _move(user, product: DataProduct, spec: ProductSpec, override_reason: str) -> None:
    """Move the product to the file's stage through the gates, as the stage panel does."""
    path = spec.paths.get("stage", "/customProperties")
    access = product_access(user, product)
    try:
        product_change_stage(
            access=access,
            user=user,
            to_stage=spec.stage,
            note=IMPORT_NOTE,
            override_reason=override_reason,
        )
    except GateRefused as exc:
        raise ODPSImportError(
            [
                (
                    path,
                    f"{Stage(product.stage).label} → {exc.label} is blocked by its gate: "
                    + "; ".join(exc.problems)
                    + ". Meet the gate first, or have a lead import with an override reason.",
                )
            ]
        ) from None
    except PermissionDenied as exc:
        raise ODPSImportError([(path, str(exc))]) from None
