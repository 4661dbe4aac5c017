import re
import time

import pytest

from dpm.lib.markdown import render_markdown

PAYLOADS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    "<svg onload=alert(1)>",
    "<iframe src='https://evil.example'></iframe>",
    '<p style="background:url(javascript:alert(1))" onclick="alert(1)">hi</p>',
    "[x](JaVaScRiPt:alert(1))",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_it_renders_xss_payloads_inert(payload):
    html = render_markdown(f"Before\n\n{payload}\n\nAfter").lower()
    tags = re.findall(r"<[^>]+>", html)
    for tag in tags:
        assert not tag.startswith(("<script", "<img", "<iframe", "<svg", "<style")), tag
        assert not re.search(r"\son\w+\s*=", tag), tag
        assert "style=" not in tag, tag
        assert not re.search(r"href=\"?\s*(javascript|data):", tag), tag
    assert "<p>before</p>" in html
    assert "<p>after</p>" in html


@pytest.mark.parametrize(
    "text",
    ["- " * 600, "[" * 20000, "> " * 5000, "*a " * 5000, "`" * 10000, "1. " * 3000],
    ids=["dashes", "brackets", "quotes", "stars", "backticks", "numbers"],
)
def test_pathological_notes_render_quickly_without_crashing(text):
    started = time.monotonic()
    render_markdown(text)
    assert time.monotonic() - started < 2


def test_it_keeps_the_formatting_people_use_in_notes():
    html = render_markdown(
        "## Monday review\n\n- **Churn** differs by *team*\n- see [the sheet](https://x.example/s)"
        "\n\n> We reconcile by hand\n\n`SUM(arr)`"
    )
    assert "<h2>Monday review</h2>" in html
    assert "<strong>Churn</strong> differs by <em>team</em>" in html
    assert 'href="https://x.example/s"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert "<blockquote>" in html
    assert "<code>SUM(arr)</code>" in html


def test_it_renders_empty_notes_as_nothing():
    assert render_markdown("") == ""
