"""The portfolio-wide roles of DESIGN.md §7, as Django groups.

Group names are a contract with the data migration that creates them and with administrators who
assign people to them.
"""

PM = "PM"
LEAD = "Lead"
STAKEHOLDER = "Stakeholder"
ALL = (PM, LEAD, STAKEHOLDER)


def user_roles(user) -> frozenset[str]:
    """The user's dpm roles, read once per request and cached on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_dpm_roles", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ALL).values_list("name", flat=True))
        user._dpm_roles = cached
    return cached


def is_pm(user) -> bool:
    return user.is_superuser or PM in user_roles(user)


def is_lead(user) -> bool:
    return user.is_superuser or LEAD in user_roles(user)


def is_read_only(user) -> bool:
    """Stakeholders change nothing (DESIGN.md §7), even when someone lists them on a team."""
    if user.is_superuser:
        return False
    held = user_roles(user)
    return STAKEHOLDER in held and not held & {PM, LEAD}
