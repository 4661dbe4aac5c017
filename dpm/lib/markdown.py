"""Markdown for notes people type, rendered safe.

Interview notes are Markdown written by PMs, often pasted from elsewhere. They are rendered with
markdown-it-py (CommonMark; raw HTML off; its parser does not recurse per nesting level, so
pathological input such as thousands of list markers or brackets cannot crash or stall a page)
and then sanitized with nh3 as a second line of defence: only formatting tags survive, links
keep http(s) and mailto only, and no script, style or event handler gets through.
"""

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote", "s",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a",
    "table", "thead", "tbody", "tr", "th", "td", "del", "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"style"}, "td": {"style"}}
URL_SCHEMES = {"http", "https", "mailto"}

_parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def render_markdown(text: str) -> SafeString:
    try:
        html = _parser.render(text or "")
    except RecursionError:  # a last resort: show the text as typed rather than fail the page
        return mark_safe(f"<pre>{escape(text)}</pre>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
    )
    return mark_safe(clean)
