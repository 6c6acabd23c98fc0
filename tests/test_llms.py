"""/llms.txt and each article as .md: published only, valid links, plain and inert text."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from articles.publishing import llms

SITE = "https://example.test"


@pytest.fixture
def library(make_article, make_faq, publish, publish_reviewed, writer):
    article = make_article(
        "Calm nights", summary="How to wind down.", body="## Before bed\n\nDim the lights."
    )
    publish_reviewed(article)
    publish(make_faq("Do naps help?", "Short ones do.", article=article))
    make_article("Secret draft")
    later = timezone.now() + datetime.timedelta(days=2)
    publish(make_article("Scheduled piece"), at=later)
    return article


def test_llms_txt_lists_topics_and_published_articles_with_working_links(client, library):
    """The llmstxt.org shape: a title, a summary, sections of links; only live articles,
    and every link answers 200."""
    response = client.get("/llms.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("# ") and "\n> " in text and "\n## Sleep\n" in text
    assert "[Calm nights](https://example.test/articles/calm-nights.md): How to wind down." in text
    assert "Secret draft" not in text and "Scheduled piece" not in text
    links = re.findall(r"\]\((https://example\.test[^)]*)\)", text)
    assert len(links) >= 5
    for link in links:
        assert client.get(urlsplit(link).path).status_code == 200, link


def test_an_article_as_markdown_has_title_byline_review_body_and_faq(client, library):
    """The .md version carries what the page shows, as Markdown, and names the page."""
    response = client.get("/articles/calm-nights.md")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Link"] == f'<{SITE}/articles/calm-nights/>; rel="canonical"'
    text = response.content.decode()
    assert text.startswith("# Calm nights\n\n> How to wind down.\n")
    assert "By Ada Byline · Published " in text
    assert f"Medically reviewed by Dr Rita Review on {timezone.localdate():%-d %B %Y}" in text
    assert "## Before bed\n\nDim the lights." in text
    assert "### Do naps help?\n\nShort ones do." in text


def test_drafts_and_scheduled_articles_have_no_markdown(client, library, make_article):
    """Only what readers may see: anything else answers 404."""
    assert client.get("/articles/secret-draft.md").status_code == 404
    assert client.get("/articles/scheduled-piece.md").status_code == 404
    assert client.get("/articles/no-such-thing.md").status_code == 404


def test_the_page_advertises_its_markdown_version(client, library):
    """<link rel="alternate" type="text/markdown"> points at the .md address."""
    html = client.get(library.get_absolute_url()).content.decode()
    assert '<link rel="alternate" type="text/markdown" href="/articles/calm-nights.md">' in html


def test_hostile_text_comes_out_inert(client, make_article, publish):
    """Tags are dropped, and markup in titles and names cannot make links or headings."""
    publish(
        make_article(
            "Sleep](https://evil.test) <script>alert(1)</script>",
            summary="<img src=x onerror=alert(1)>Plain",
            body="Text <script>alert(2)</script> more.\n\n<iframe src=//evil.test></iframe>",
        )
    )
    text = client.get("/llms.txt").content.decode() + "".join(
        client.get(urlsplit(link).path).content.decode()
        for link in re.findall(r"\]\((https://example\.test/articles/[^)]*\.md)\)",
                               client.get("/llms.txt").content.decode())
    )  # fmt: skip
    assert "<script" not in text and "<img" not in text and "<iframe" not in text
    assert "](https://evil.test)" not in text
    assert "Sleep\\]\\(https://evil.test\\)" in text


def test_inert_escapes_markdown_and_drops_tags():
    """The helper every composed line goes through."""
    assert llms.inert("<b>Bold</b> [x](y) # *z*\nnext") == "Bold \\[x\\]\\(y\\) \\# \\*z\\* next"
    assert llms.body("Keep **this**\r\n\r\n<script>no</script>") == "Keep **this**\n\nno"
