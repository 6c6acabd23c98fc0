"""Hostile content comes out inert on public pages, and the JSON-LD survives it."""

import base64
import hashlib
import re

import pytest

from tests.conftest import graph_nodes, parse_page

SCRIPT_OPEN = re.compile(r"<script", re.IGNORECASE)
BREAKOUT = "</script><script>alert(1)</script>"
ATTRIBUTE_BREAKOUT = '"><script>alert(1)</script>'


def get_page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.text
    assert len(SCRIPT_OPEN.findall(html)) == 1, "only the JSON-LD block may open a script"
    page = parse_page(html)  # json.loads of every JSON-LD block
    assert len(page["jsonld"]) == 1
    return html, page


def head(html):
    return html[: html.index("</head>")]


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        '<iframe src="https://evil.example"></iframe>',
        '<a href="JaVaScRiPt:alert(1)" onclick="alert(1)">x</a>',
    ],
)
def test_article_body_payloads_are_inert(client, make_article, put_live, payload):
    """Script, event-handler, javascript: and iframe payloads in a body do not reach the page."""
    # Live past the checks: an image without alt text could not be published today.
    article = put_live(make_article(body=f"Before the payload.\n\n{payload}\n\nAfter it."))
    html, page = get_page(client, article.get_absolute_url())
    for fragment in ("<script>alert", "onerror", "onclick", 'href="javascript:', "<iframe"):
        assert fragment not in html.lower()
    assert "Before the payload." in page["text"] and "After it." in page["text"]


@pytest.mark.parametrize("field", ["question", "answer"])
@pytest.mark.parametrize("where", ["article", "faq"])
def test_faq_script_breakout_is_inert(client, published, make_faq, publish, field, where):
    """A </script> breakout in an FAQ question or answer cannot open a script; JSON-LD parses."""
    question, answer = "Can I sleep in?", "Sometimes, yes."
    if field == "question":
        question = f"Can I {BREAKOUT} sleep in?"
    else:
        answer = f"Sometimes {BREAKOUT} yes."
    # On the article it is marked up there; on its topic's FAQ page only when it stands alone.
    on_article = published if where == "article" else None
    publish(make_faq(question, answer, article=on_article, topic=published.topic))

    url = published.get_absolute_url() if where == "article" else "/faq/sleep/"
    html, page = get_page(client, url)
    assert "<script>alert" not in html
    entries = [q for node in graph_nodes(page, "FAQPage") for q in node["mainEntity"]]
    assert [q["name"] for q in entries] == [question]
    assert question in page["text"]
    if field == "answer":
        assert "alert" not in entries[0]["acceptedAnswer"]["text"]


@pytest.mark.parametrize("field", ["meta_title", "meta_description"])
def test_meta_field_attribute_breakout_is_escaped(client, make_article, publish, field):
    """A "> breakout in meta title/description is escaped in <head>; JSON-LD keeps the string."""
    value = f"Calm nights{ATTRIBUTE_BREAKOUT}"
    article = publish(make_article(**{field: value}))
    html, page = get_page(client, article.get_absolute_url())
    assert '"><script>' not in head(html)
    assert "&#34;&gt;&lt;script&gt;" in head(html)
    node = graph_nodes(page, "Article")[0]
    if field == "meta_title":
        assert node["headline"] == article.title
        assert graph_nodes(page, "WebPage")[0]["name"] == value
    else:
        assert node["description"] == value
        assert graph_nodes(page, "WebPage")[0]["description"] == value


def test_title_with_closing_script_cannot_break_out(client, make_article, publish):
    """A title containing </script> is escaped in HTML and carried intact in the JSON-LD."""
    title = f"Sleep {BREAKOUT} tips"
    article = publish(make_article(title))
    for url in (article.get_absolute_url(), "/", "/topics/sleep/"):
        html, page = get_page(client, url)
        assert "<script>alert" not in html
    html, page = get_page(client, article.get_absolute_url())
    assert graph_nodes(page, "Article")[0]["name"] == title
    assert title in page["text"]


@pytest.mark.parametrize(
    "url", ["/", "/faq/", "/faq/sleep/", "/topics/sleep/", "/authors/ada-byline/", None]
)
def test_public_pages_send_a_content_security_policy(client, published, url):
    """Public pages carry a Content-Security-Policy header with default-src 'self'."""
    response = client.get(url or published.get_absolute_url())
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives.get("script-src", [])


@pytest.mark.parametrize("url", ["/", "/faq/", "/no-such-page/", None])
def test_the_inline_stylesheet_is_the_only_style_the_policy_allows(client, published, url):
    """Each page's one <style> block hashes to the policy's only style source besides
    'self': no 'unsafe-inline', and any other inline style would be refused."""
    response = client.get(url or published.get_absolute_url())
    html = response.content.decode()
    blocks = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert len(blocks) == 1 and ".site-header" in blocks[0] and ".prose" in blocks[0]
    assert '<link rel="stylesheet"' not in html  # nothing else to fetch before painting
    policy = response.headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    digest = base64.b64encode(hashlib.sha256(blocks[0].encode()).digest()).decode()
    assert directives["style-src"] == ["'self'", f"'sha256-{digest}'"]


@pytest.mark.parametrize(
    "url", ["/", None, "/static/css/site.css", "/admin/login/", "/robots.txt", "/feed/"]
)
def test_every_response_carries_the_policy_headers(client, published, url):
    """Pages, feeds and static files alike send Permissions-Policy, CSP and frame headers."""
    response = client.get(url or published.get_absolute_url())
    assert response.status_code == 200
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "bad", ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\nscript:alert(1)", "data:,x"]
)
def test_author_links_are_only_ever_http(client, published, bad):
    """A javascript: or data: URL written straight to the database never reaches href or JSON-LD."""
    type(published.author).objects.filter(pk=published.author_id).update(
        website=bad, same_as=f"{bad}\nhttps://orcid.example/0000-0001"
    )
    html, page = get_page(client, published.author.get_absolute_url())
    assert "javascript" not in html.lower() and "data:," not in html
    assert 'href="https://orcid.example/0000-0001"' in html
    for node in graph_nodes(page, "Person"):
        assert node.get("sameAs", []) in ([], ["https://orcid.example/0000-0001"])
    article_html, _ = get_page(client, published.get_absolute_url())
    assert "javascript" not in article_html.lower()
