from django import template

from dpm.lib.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """Render Markdown notes as sanitized HTML: `{{ interview.notes|markdown }}`."""
    return render_markdown(text)


@register.filter
def field_label(name: str) -> str:
    """'run_cost_yearly' → 'Run cost yearly', for names kept in JSON breakdowns."""
    return str(name).replace("_", " ").capitalize()


@register.filter
def figure(value) -> str:
    """A number as people read it: 120000.0 → '120,000', 0.85 → '0.85'; text unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—" if value is None else str(value)
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")
