"""Hostile text in every field runs no script in Chromium: public pages, admin, feed.

The browser ignores the Content-Security-Policy here, so escaping and sanitizing alone
must hold.
"""

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article, Author, Status, Topic
from articles.publishing.workflow import restore_state
from faq.models import FAQEntry
from tests.conftest import make_user
from tests.test_browser import browser  # noqa: F401 - the shared Chromium fixture

VECTORS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "</script><script>alert(3)</script>",
    "<svg onload=alert(4)>",
    "[click](javascript:alert(5))",
    '<a href="javascript:alert(6)">x</a>',
    '<iframe src="javascript:alert(7)"></iframe>',
    "<details open ontoggle=alert(8)>",
    "'\"--></style></title></textarea><script>alert(9)</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(10)>",
    '<a href="jav&#x09;ascript:alert(11)">x</a>',
    '![x](x" onerror="alert(12))',
    "<<script>script>alert(13)<</script>/script>",
    "\u2028</script><script>alert(14)</script>",
    "<body onload=alert(15)>",
    "<input autofocus onfocus=alert(16)>",
    '<img src=x onerror="alert(17)"',
    "<form><button formaction=javascript:alert(18)>x</button></form>",
    '<object data="javascript:alert(19)"></object>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(20)">',
    "[y](JaVaScRiPt:alert(21))",
    "<style>@import 'javascript:alert(22)';</style>",
    '<noscript><p title="</noscript><img src=x onerror=alert(23)>">',
    "<template><script>alert(24)</script></template><a id=x tabindex=1 onfocus=alert(25)>",
]
GROUP = 4  # vectors a record: titles hold 200 characters


def groups():
    for start in range(0, len(VECTORS), GROUP):
        yield start // GROUP, " ".join(VECTORS[start : start + GROUP])


@pytest.fixture
def hostile(restore_roles):
    """Published articles, FAQ entries, authors and topics made of the vectors, with draft
    changes made of them too, saved the way the admin saves them."""
    writer, editor = make_user("wendy", "Writer"), make_user("eddie", "Editor")
    articles = []
    for n, text in groups():
        author = Author.objects.create(
            name=text[:120], slug=f"author-{n}", job_title=text[:160], bio=text,
            same_as="https://example.test/profile",
        )  # fmt: skip
        topic = Topic.objects.create(name=text[:120], slug=f"topic-{n}", description=text)
        article = Article(
            title=text[:200], slug=f"hostile-{n}", summary=text, body=f"{text}\n\n## {text}",
            meta_title=text[:200], meta_description=text[:500], focus_keyword=text[:100],
            author=author, topic=topic,
        )  # fmt: skip
        faq = FAQEntry(title=text[:300], answer=text, topic=topic, order=1)
        article.save(user=writer, children={"faqs": [faq]})
        # Live past the publish checks, which refuse images without alt text.
        now = timezone.now()
        live = {"status": Status.PUBLISHED, "live": True, "published_at": now}
        for item in (article, faq):
            restore_state(item, editor, {**live, "first_published_at": now}, log=[])
        article.refresh_from_db()
        article.summary = f"{text} (changed)"
        article.save(user=editor)
        articles.append(article)
    return editor, articles


def test_no_vector_fires_anywhere(browser, live_server, hostile):  # noqa: F811
    """No dialog opens on any public page, admin page or the feed, with CSP bypassed."""
    editor, articles = hostile
    client = Client()
    client.force_login(editor)
    context = browser.new_context(bypass_csp=True)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies([
        {"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host,
         "path": "/"},
    ])  # fmt: skip
    page = context.new_page()
    fired = []
    page.on("dialog", lambda dialog: (fired.append((page.url, dialog.message)), dialog.dismiss()))

    paths = [
        "/", "/faq/", "/faq/topic-0/", "/faq/topic-1/", "/feed/", "/sitemap.xml",
        "/admin/articles/article/", "/admin/faq/faqentry/", "/admin/articles/author/",
    ]  # fmt: skip
    for article in articles:
        admin = f"/admin/articles/article/{article.pk}"
        faq = article.faqs.get()
        paths += [
            article.get_absolute_url(), article.topic.get_absolute_url(),
            article.author.get_absolute_url(), f"{admin}/change/", f"{admin}/preview/",
            f"{admin}/history/", f"{admin}/history/compare/",
            f"/admin/faq/faqentry/{faq.pk}/change/",
            f"/admin/articles/author/{article.author_id}/change/",
        ]  # fmt: skip
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status < 400, f"{path} answered {response.status}"
        page.wait_for_timeout(30)  # error and load handlers run just after load
        # Focus everything once, for handlers that wait for it.
        page.keyboard.press("Tab")
    context.close()
    assert fired == []
