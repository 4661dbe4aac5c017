"""Rows as the API's JSON (shapes in api/schemas.py). No queries: callers load what is read."""

from products import health


def _number(value) -> float | None:
    return None if value is None else float(value)


def _name(user) -> str | None:
    return None if user is None else user.get_username()


def product_out(request, product) -> dict:
    return {
        "slug": product.slug,
        "name": product.name,
        "kind": product.kind,
        "stage": product.stage,
        "priority": product.priority,
        "domain": product.domain.name if product.domain_id else None,
        "owner": _name(product.owner),
        "target_users": product.target_users,
        "health_score": product.health_score,
        "health_status": product.health_status,
        "health_coverage": product.health_coverage,
        "health_headline": product.health_headline,
        "opportunity_score": product.opportunity_score,
        "scores_computed_at": product.scores_computed_at,
        "url": request.build_absolute_uri(product.get_absolute_url()),
    }


def product_detail_out(request, product) -> dict:
    breakdown = product.health_breakdown or {}
    components = [
        {
            "key": component.get("key", ""),
            "label": health.LABELS.get(component.get("key"), component.get("key", "")),
            "weight": health.WEIGHTS.get(component.get("key"), 0),
            "value": component.get("value"),
            "explanation": component.get("explanation", ""),
            "set_up": component.get("set_up", ""),
        }
        for component in breakdown.get("components", [])
    ]
    return {
        **product_out(request, product),
        "purpose": product.purpose,
        "decision": product.decision,
        "decision_meeting": product.decision_meeting,
        "tech_lead": _name(product.tech_lead),
        "last_reviewed_at": product.last_reviewed_at,
        "health": {
            "score": product.health_score,
            "status": product.health_status,
            "coverage": product.health_coverage,
            "decided_by": _decided_by(breakdown.get("decided_by"), components),
            "headline": product.health_headline,
            "summary": breakdown.get("summary", "Not computed yet."),
            "computed_at": product.scores_computed_at,
            "components": components,
        },
    }


def _decided_by(key, components) -> dict | None:
    """The component that decided the status, as listed; None when the coverage decided it."""
    decider = next((c for c in components if key and c["key"] == key), None)
    if decider is None or decider["value"] is None:
        return None
    return {"key": key, "label": decider["label"], "value": decider["value"]}


def kpi_out(kpi) -> dict:
    """A KPI from metrics.selectors.kpis_with_state (with `series` and `state`)."""
    latest_at, latest_value = kpi.series[-1] if kpi.series else (None, None)
    return {
        "id": kpi.pk,
        "name": kpi.name,
        "category": kpi.category,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "baseline": _number(kpi.baseline),
        "baseline_date": kpi.baseline_date,
        "target": _number(kpi.target),
        "target_date": kpi.target_date,
        "cadence_days": kpi.cadence_days,
        "latest_value": _number(latest_value),
        "latest_observed_at": latest_at,
        "progress": kpi.state.progress,
        "status": kpi.state.status,
        "explanation": kpi.state.explanation,
    }


def roadmap_item_out(item) -> dict:
    return {
        "id": item.pk,
        "title": item.title,
        "problem": item.problem,
        "proposed_solution": item.proposed_solution,
        "solution_type": item.solution_type,
        "horizon": item.horizon,
        "status": item.status,
        "impact": item.impact,
        "effort": item.effort,
        "reach": item.reach,
        "score": item.score,
        "position": item.position,
        "updated_at": item.updated_at,
    }
