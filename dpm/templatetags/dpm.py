from django import template

from dpm.lib.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """Render Markdown notes as sanitized HTML: `{{ interview.notes|markdown }}`."""
    return render_markdown(text)
