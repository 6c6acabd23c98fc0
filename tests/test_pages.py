"""Public pages: who sees what, the <head>, the JSON-LD graph and the page structure."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from articles.models import Article, Author, Topic
from tests.conftest import graph_nodes, parse_page

SITE = "https://example.test"
LIST_PAGES = ["/", "/topics/sleep/", "/authors/ada-byline/"]


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the <title> text."""

    def __init__(self):
        super().__init__()
        self.tags, self.title, self._in_title = [], "", False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def tags(html):
    parser = _Tags()
    parser.feed(html)
    return parser


def meta_content(html, key):
    """The content of <meta name=key> or <meta property=key>; None when absent."""
    for tag, attrs in tags(html).tags:
        if tag == "meta" and key in (attrs.get("name"), attrs.get("property")):
            return attrs.get("content")
    return None


def canonical(html):
    links = [a["href"] for t, a in tags(html).tags if t == "link" and a.get("rel") == "canonical"]
    assert len(links) == 1
    return links[0]


def count_tag(html, name):
    return sum(1 for tag, _ in tags(html).tags if tag == name)


def walk(value):
    """Every value in a JSON structure, depth first, containers included."""
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def get_page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.text, parse_page(response.text)


def only_node(page, node_type):
    nodes = graph_nodes(page, node_type)
    assert len(nodes) == 1, f"expected one {node_type}, got {nodes}"
    return nodes[0]


@pytest.fixture
def make_in_state(make_article, publish, writer, editor):
    """An article in a named state, reached through the workflow."""

    def make(state, title):
        if state == "scheduled":
            future = timezone.now() + datetime.timedelta(days=2)
            return publish(make_article(title), at=future)
        article = make_article(title)
        if state == "published":
            return publish(article)
        if state == "in_review":
            article.submit_for_review(writer)
        elif state == "unpublished":
            publish(article).unpublish(editor)
        article.refresh_from_db()
        return article

    return make


@pytest.fixture
def with_faqs(published, make_faq, publish):
    """The published article with two published FAQs and one draft FAQ attached."""
    publish(
        make_faq(
            "How long should I sleep?",
            "Most adults need *seven to nine* hours.",
            article=published,
            topic=published.topic,
            order=1,
        )
    )
    publish(
        make_faq(
            "Do naps help?",
            "Short naps can help & refresh you.",
            article=published,
            topic=published.topic,
            order=2,
        )
    )
    make_faq("Secret draft question?", "Not yet written.", article=published, topic=published.topic)
    return published


@pytest.fixture
def reviewer(clinician):
    """The author profile the clinician signs off as."""
    return clinician.author_profile


# Visibility -----------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "unpublished"])
def test_unpublished_articles_are_hidden_from_the_public(client, make_in_state, state):
    """Drafts, in-review, scheduled and unpublished articles 404 and stay off every list page."""
    visible = make_in_state("published", "Visible piece")
    hidden = make_in_state(state, "Hidden piece")

    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(visible.get_absolute_url()).status_code == 200
    for url in LIST_PAGES:
        text = client.get(url).text
        assert "Visible piece" in text
        assert "Hidden piece" not in text and hidden.get_absolute_url() not in text


def test_scheduled_article_goes_live_once_its_time_passes(make_in_state, client):
    """A scheduled article becomes visible when published_at is no longer in the future."""
    article = make_in_state("scheduled", "Tomorrow piece")
    assert client.get(article.get_absolute_url()).status_code == 404
    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert client.get(article.get_absolute_url()).status_code == 200


def test_draft_faqs_are_hidden_and_published_ones_shown(client, with_faqs):
    """Draft FAQ entries appear nowhere; published ones show on both pages and are marked up
    once, on their article."""
    marked = {}
    for url in ("/faq/sleep/", with_faqs.get_absolute_url()):
        html, page = get_page(client, url)
        marked[url] = {
            q["name"]
            for node in page["jsonld"][0]["@graph"]
            for q in node.get("mainEntity", [])
            if isinstance(q, dict)
        }
        assert "How long should I sleep?" in page["text"] and "Do naps help?" in page["text"]
        assert "Secret draft question?" not in html
    assert marked[with_faqs.get_absolute_url()] == {"How long should I sleep?", "Do naps help?"}
    assert marked["/faq/sleep/"] == set()


# Head tags --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "title", "description"),
    [
        ({"meta_description": ""}, "Published article", "A short summary."),
        (
            {"meta_title": "SEO title here", "meta_description": "SEO description here."},
            "SEO title here",
            "SEO description here.",
        ),
    ],
)
def test_title_and_description_use_seo_fields_with_fallbacks(
    client, make_article, put_live, fields, title, description
):
    """<title> is meta_title or else the title; description is meta_description or else summary."""
    article = put_live(make_article("Published article", **fields))
    html, _ = get_page(client, article.get_absolute_url())
    assert tags(html).title == title
    assert meta_content(html, "description") == description
    assert meta_content(html, "og:title") == title
    assert meta_content(html, "og:description") == description


def test_canonical_og_and_twitter_tags(client, published):
    """Canonical is absolute on SITE_URL; og:type is article; twitter:card is present."""
    html, _ = get_page(client, published.get_absolute_url())
    assert canonical(html) == f"{SITE}/articles/{published.slug}/"
    assert meta_content(html, "og:url") == f"{SITE}/articles/{published.slug}/"
    assert meta_content(html, "og:type") == "article"
    assert meta_content(html, "og:title")
    assert meta_content(html, "twitter:card") in {"summary", "summary_large_image"}


def test_canonical_override_is_used(client, make_article, publish):
    """A canonical_url override replaces the site URL in the canonical link and the JSON-LD."""
    original = "https://elsewhere.example/original-story/"
    article = publish(make_article(canonical_url=original))
    html, page = get_page(client, article.get_absolute_url())
    assert canonical(html) == original
    assert only_node(page, "Article")["mainEntityOfPage"] == {"@id": original}


@pytest.mark.parametrize("noindex", [True, False])
def test_robots_noindex_only_when_flagged(client, make_article, publish, noindex):
    """The robots meta says noindex exactly when the article is flagged noindex."""
    article = publish(make_article(noindex=noindex))
    html, _ = get_page(client, article.get_absolute_url())
    assert ("noindex" in meta_content(html, "robots")) is noindex


def test_description_falls_back_to_body_excerpt(client, make_article, put_live):
    """With neither meta_description nor summary, the description is an excerpt of the body."""
    body = "Sleep hygiene **matters** for everyone. " + "Keep a steady routine. " * 20
    article = put_live(make_article(summary="", meta_description="", body=body))
    html, page = get_page(client, article.get_absolute_url())
    description = meta_content(html, "description")
    assert description.startswith("Sleep hygiene matters for everyone.")
    assert len(description) <= 160
    assert only_node(page, "Article")["description"] == description


# JSON-LD ------------------------------------------------------------------------------------


@pytest.fixture
def page_urls(with_faqs):
    return {
        "article": with_faqs.get_absolute_url(),
        "home": "/",
        "topic": "/topics/sleep/",
        "author": "/authors/ada-byline/",
        "faq": "/faq/",
    }


@pytest.mark.parametrize("name", ["article", "home", "topic", "author", "faq"])
def test_each_page_has_one_valid_jsonld_block(client, page_urls, name):
    """Each public page has exactly one JSON-LD script, which parses and holds no empty values."""
    html, page = get_page(client, page_urls[name])
    assert html.count('<script type="application/ld+json"') == 1
    assert len(page["jsonld"]) == 1
    block = page["jsonld"][0]
    assert block["@context"] == "https://schema.org"
    for value in walk(block):
        assert value not in ("", [], {}), f"empty value in {block}"
        if isinstance(value, str):
            assert value == value.strip()


@pytest.mark.parametrize("name", ["article", "home", "topic", "author", "faq"])
def test_jsonld_id_references_resolve(client, page_urls, name):
    """Every {"@id": ...} reference points at a node defined in the same graph."""
    _, page = get_page(client, page_urls[name])
    nodes = [v for v in walk(page["jsonld"][0]["@graph"]) if isinstance(v, dict) and "@type" in v]
    ids = {node["@id"] for node in nodes if "@id" in node}
    refs = [v["@id"] for v in walk(page["jsonld"][0]) if isinstance(v, dict) and set(v) == {"@id"}]
    assert refs, "expected the graph to link nodes by @id"
    assert set(refs) <= ids
    assert only_node(page, "WebSite")["publisher"]["@id"] in ids


def test_article_graph_nodes_and_links(client, with_faqs):
    """The article graph has WebSite, Organization, WebPage, Article, BreadcrumbList, FAQPage."""
    _, page = get_page(client, with_faqs.get_absolute_url())
    url = f"{SITE}/articles/{with_faqs.slug}/"
    for node_type in ("WebSite", "Organization", "Article", "BreadcrumbList", "FAQPage"):
        only_node(page, node_type)
    webpage = only_node(page, "WebPage")
    article = only_node(page, "Article")
    assert article["isPartOf"] == {"@id": webpage["@id"]} == {"@id": url}
    assert webpage["breadcrumb"] == {"@id": only_node(page, "BreadcrumbList")["@id"]}
    crumbs = only_node(page, "BreadcrumbList")["itemListElement"]
    assert [c["position"] for c in crumbs] == [1, 2, 3]
    assert crumbs[-1]["item"] == url


def test_article_without_faqs_has_no_faqpage(client, published):
    """Without published FAQs the article graph has no FAQPage node."""
    _, page = get_page(client, published.get_absolute_url())
    assert graph_nodes(page, "FAQPage") == []
    only_node(page, "Article")


def test_article_dates_are_iso_with_timezone(client, published):
    """datePublished/dateModified are ISO 8601 with an offset and match the stored times."""
    _, page = get_page(client, published.get_absolute_url())
    article = only_node(page, "Article")
    for key, stored in (
        ("datePublished", published.published_at),
        ("dateModified", published.updated_at),
    ):
        parsed = datetime.datetime.fromisoformat(article[key])
        assert parsed.tzinfo is not None
        assert parsed == stored.replace(microsecond=0)


def test_the_byline_says_updated_only_when_the_day_differs(client, published):
    """The byline gives an update's date when it fell on a later day than publication,
    and says nothing of an edit the same day."""
    from tests.conftest import forget_cached_pages

    url = published.get_absolute_url()
    day = timezone.localtime() - datetime.timedelta(days=3)
    day = day.replace(hour=12, minute=0, second=0, microsecond=0)
    Article.objects.filter(pk=published.pk).update(published_at=day, updated_at=day)
    forget_cached_pages()
    assert "Updated" not in client.get(url).text
    later = day + datetime.timedelta(days=2)
    Article.objects.filter(pk=published.pk).update(updated_at=later)
    forget_cached_pages()
    text = client.get(url).text
    assert f'Updated <time datetime="{later.isoformat()}">{later.day} {later:%B %Y}</time>' in text


def test_article_author_is_a_person_linking_to_author_page(client, published):
    """The Article author is a Person named after the author, with a URL of their page."""
    _, page = get_page(client, published.get_absolute_url())
    author = only_node(page, "Article")["author"]
    assert author["@type"] == "Person"
    assert author["name"] == "Ada Byline"
    assert author["url"] == f"{SITE}/authors/ada-byline/"
    assert client.get("/authors/ada-byline/").status_code == 200


def test_faq_jsonld_text_is_visible_on_the_page(client, with_faqs):
    """Every FAQ question and answer in the JSON-LD also appears in the page's visible text."""
    _, page = get_page(client, with_faqs.get_absolute_url())
    questions = only_node(page, "FAQPage")["mainEntity"]
    assert len(questions) == 2
    for question in questions:
        assert question["name"] in page["text"]
        assert question["acceptedAnswer"]["text"] in page["text"]


def test_reviewer_shown_and_in_jsonld(client, make_article, publish_reviewed, reviewer):
    """A signed-off article names its reviewer; the WebPage has reviewedBy and lastReviewed."""
    article = publish_reviewed(make_article())
    _, page = get_page(client, article.get_absolute_url())
    assert re.search(r"reviewed by Dr Rita Review", page["text"], re.IGNORECASE)
    webpage = only_node(page, "WebPage")
    assert webpage["reviewedBy"]["@type"] == "Person"
    assert webpage["reviewedBy"]["name"] == "Dr Rita Review"
    assert webpage["reviewedBy"]["url"] == f"{SITE}/authors/dr-rita-review/"
    assert webpage["lastReviewed"] == timezone.localdate().isoformat()


def test_a_health_topic_makes_its_articles_medical_web_pages(
    client, make_article, publish_reviewed, reviewer, topic
):
    """In a topic marked medical, the page is a MedicalWebPage about the topic, naming its
    reviewer (with job title and page) and the review date; elsewhere a plain WebPage."""
    reviewer.job_title = "Consultant psychiatrist"
    reviewer.save()
    article = publish_reviewed(make_article())
    _, page = get_page(client, article.get_absolute_url())
    assert only_node(page, "WebPage")["@type"] == "WebPage"
    topic.medical = True
    topic.save()
    _, page = get_page(client, article.get_absolute_url())
    node = only_node(page, "MedicalWebPage")
    assert not graph_nodes(page, "WebPage")
    assert node["about"] == {
        "@type": "Thing", "name": "Sleep", "description": "All about sleep.",
        "url": f"{SITE}/topics/sleep/",
    }  # fmt: skip
    assert node["reviewedBy"]["jobTitle"] == "Consultant psychiatrist"
    assert node["reviewedBy"]["url"] == f"{SITE}/authors/dr-rita-review/"
    assert node["lastReviewed"] == timezone.localdate().isoformat()
    assert only_node(page, "Article")["mainEntityOfPage"] == {"@id": node["@id"]}


def test_unreviewed_article_has_no_review_claims(client, published):
    """Without a reviewer the page makes no review claim, visibly or in JSON-LD."""
    _, page = get_page(client, published.get_absolute_url())
    assert "reviewed by" not in page["text"].lower()
    assert "reviewedBy" not in only_node(page, "WebPage")


# FAQ index --------------------------------------------------------------------------------


def test_faq_hub_lists_topics_with_their_questions_and_marks_up_none(
    client, make_faq, publish, topic
):
    """/faq/ lists each topic, in order, over links to its first questions; no answers, so no
    FAQPage: each question is marked up on its topic's page."""
    stress = Topic.objects.create(name="Stress", slug="stress")
    publish(make_faq("Sleep question one?", "A.", topic=topic))
    publish(make_faq("Stress question one?", "B.", topic=stress))
    publish(make_faq("Sleep question two?", "C.", topic=topic))
    publish(make_faq("Loose question?", "E."))
    make_faq("Unpublished stress question?", "D.", topic=stress)

    html, page = get_page(client, "/faq/")
    body = html[html.index("<body") :]
    order = (">Sleep</a></h2>", "Sleep question one?", "Sleep question two?", ">Stress</a></h2>",
             "Stress question one?", ">General</a></h2>", "Loose question?")  # fmt: skip
    positions = [body.index(s) for s in order]
    assert positions == sorted(positions)
    assert "Unpublished" not in body and "A.</p>" not in body
    assert 'href="/faq/sleep/#sleep-question-one"' in body
    assert not graph_nodes(page, "FAQPage")


def test_a_topic_faq_page_answers_and_marks_up_its_questions(client, make_faq, publish, topic):
    """/faq/<topic>/ shows the topic's questions with answers, marked up as one FAQPage, and
    entries without a topic have a page of their own."""
    first = publish(make_faq("Sleep question one?", "Answer one.", topic=topic))
    publish(make_faq("Loose question?", "Loose answer."))
    assert first.get_absolute_url() == "/faq/sleep/#sleep-question-one"
    html, page = get_page(client, "/faq/sleep/")
    assert "Answer one." in page["text"] and "Loose question?" not in html
    node = only_node(page, "FAQPage")
    assert {q["name"] for q in node["mainEntity"]} == {"Sleep question one?"}
    crumbs = only_node(page, "BreadcrumbList")["itemListElement"]
    assert [c["name"] for c in crumbs] == [
        "Home",
        "Frequently asked questions",
        "Sleep: frequently asked questions",
    ]
    html, page = get_page(client, "/faq/general/")
    assert "Loose answer." in page["text"]
    assert client.get("/faq/no-such-topic/").status_code == 404


def test_faq_pages_are_bounded(client, make_faq, publish, topic, monkeypatch):
    """The hub and a topic's page each hold at most their page size, with pages beyond."""
    import faq.views

    monkeypatch.setattr(faq.views, "SHOWN_PER_TOPIC", 2)
    monkeypatch.setattr(faq.views.FAQTopicView, "paginate_by", 3)
    for n in range(7):
        publish(make_faq(f"Question {n}?", "Yes.", topic=topic, order=n))
    hub = client.get("/faq/").content.decode()
    assert hub.count('href="/faq/sleep/#question-') == 2
    pages = [client.get("/faq/sleep/", {"page": n}).content.decode() for n in (1, 2, 3)]
    assert [p.count('class="faq"') for p in pages] == [3, 3, 1]
    assert "Question 6?" in pages[2] and 'rel="prev" href="?page=2"' in pages[2]


# Structure and pagination ----------------------------------------------------------------


def test_article_page_structure(client, make_article, publish):
    """The article page has one h1 (body headings are demoted) and article/nav/header/footer."""
    article = publish(make_article(body="# Body heading\n\nText."))
    html, _ = get_page(client, article.get_absolute_url())
    assert count_tag(html, "h1") == 1
    for element in ("article", "nav", "header", "footer", "main"):
        assert count_tag(html, element) >= 1, element


@pytest.mark.parametrize("url", ["/", "/topics/sleep/", "/authors/ada-byline/", "/faq/"])
def test_list_pages_have_one_h1(client, published, url):
    """Home, topic, author and FAQ pages each have exactly one h1."""
    html, _ = get_page(client, url)
    assert count_tag(html, "h1") == 1


def test_home_pagination(client, make_article, publish):
    """Twelve articles paginate 10 + 2, and page 2 has its own canonical with ?page=2."""
    for n in range(12):
        publish(make_article(f"Article number {n}"))
    first, _ = get_page(client, "/")
    second, _ = get_page(client, "/?page=2")
    assert count_tag(first, "article") == 10
    assert count_tag(second, "article") == 2
    assert canonical(first) == f"{SITE}/"
    assert canonical(second) == f"{SITE}/?page=2"
    assert client.get("/?page=3").status_code == 404


def test_unchanged_page_answers_304(client, published):
    """A reader's browser revalidating an unchanged article gets 304 and no body."""
    first = client.get(published.get_absolute_url())
    again = client.get(published.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_publisher_logo_is_a_served_raster_image(client, published):
    """The Organization logo in the JSON-LD is a PNG the site actually serves."""
    page = parse_page(client.get(published.get_absolute_url()).content.decode())
    logo = graph_nodes(page, "Organization")[0]["logo"]["url"]
    assert logo.startswith("https://example.test/")
    response = client.get(logo.removeprefix("https://example.test"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_long_articles_get_an_on_this_page_list(client, make_article, publish):
    """Three or more sections give a contents list whose links reach the section headings."""
    body = "\n\n".join(f"## Part {n}\n\nText {n}." for n in (1, 2, 3))
    long = publish(make_article("Long read", body=body))
    short = publish(make_article("Short read", body="## Only part\n\nText."))
    html = client.get(long.get_absolute_url()).content.decode()
    links = re.findall(r'<nav class="contents".*?</nav>', html, re.S)[0]
    for anchor in re.findall(r'href="#([^"]+)"', links):
        assert f'<h2 id="{anchor}">' in html
    assert links.count("<li>") == 3
    assert 'class="contents"' not in client.get(short.get_absolute_url()).content.decode()


def test_related_articles_are_published_ones_on_the_same_topic(
    client, make_article, publish, topic
):
    """The article footer links other live articles on its topic, never drafts or itself."""
    article = publish(make_article("Main read"))
    sibling = publish(make_article("Sibling read"))
    make_article("Draft sibling")
    other_topic = Topic.objects.create(name="Stress", slug="stress")
    publish(make_article("Other topic read", topic=other_topic))
    html = client.get(article.get_absolute_url()).content.decode()
    related = re.findall(r'<section class="related".*?</section>', html, re.S)[0]
    assert sibling.get_absolute_url() in related
    assert "Draft sibling" not in related
    assert "Other topic read" not in related
    assert article.get_absolute_url() not in related


def test_pages_are_gzipped_for_clients_that_accept_it(client, published):
    """HTML goes out gzip-encoded, decompresses to the page, and varies on Accept-Encoding."""
    import gzip

    plain = client.get(published.get_absolute_url())
    packed = client.get(published.get_absolute_url(), headers={"Accept-Encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    text = gzip.decompress(packed.content).decode()
    assert published.title in text and "<h1" in text
    assert len(packed.content) < len(plain.content) / 2


# Indexes, navigation and the 404 page ------------------------------------------------------


def test_topics_index_counts_live_articles_and_lists_the_latest(
    client, make_article, publish, topic
):
    """/topics/ lists topics with live articles, a count and the newest; drafts do not count."""
    for n in range(4):
        publish(make_article(f"Sleep piece {n}"))
    make_article("Draft on sleep")
    quiet = Topic.objects.create(name="Quiet", slug="quiet")
    make_article("Only a draft", topic=quiet)
    html, page = get_page(client, "/topics/")
    assert "4 articles" in html and "Sleep piece 3" in html and "Sleep piece 0" not in html
    assert "Draft on sleep" not in html and "Quiet" not in page["text"]
    assert only_node(page, "CollectionPage")["name"] == "Topics"


def test_authors_index_lists_writers_and_reviewers_with_credentials(
    client, make_article, publish_reviewed, reviewer
):
    """/authors/ names writers and reviewers, with credentials, and marks each up as a Person."""
    publish_reviewed(make_article())
    Author.objects.create(name="Unpublished Writer", slug="unpublished")
    html, page = get_page(client, "/authors/")
    assert "Ada Byline" in html and "Dr Rita Review" in html and "GP" in html
    assert "1 reviewed" in html and "Unpublished Writer" not in html
    people = only_node(page, "CollectionPage")["mainEntity"]["itemListElement"]
    assert [item["item"]["name"] for item in people] == ["Ada Byline", "Dr Rita Review"]


def test_a_reviewers_page_lists_what_she_reviewed(client, make_article, publish_reviewed, reviewer):
    """A reviewer with no articles of her own shows what she reviewed, and is indexable."""
    html, _ = get_page(client, reviewer.get_absolute_url())
    assert 'content="noindex' in html  # nothing yet: an empty page
    publish_reviewed(make_article("Checked piece"))
    html, page = get_page(client, reviewer.get_absolute_url())
    assert "Medically reviewed by Dr Rita Review" in html and "Checked piece" in html
    assert "No articles yet" not in html
    assert "noindex" not in html


def test_the_header_links_topics_authors_and_faq(client, published):
    """Every public page's navigation reaches the indexes."""
    html, _ = get_page(client, published.get_absolute_url())
    nav = html[html.index('<nav aria-label="Main">') :]
    for href in ('href="/topics/"', 'href="/authors/"', 'href="/faq/"'):
        assert href in nav[: nav.index("</nav>")]


def test_the_404_page_uses_the_site_layout(client, db):
    """An unknown address answers 404 with the header, navigation and styles, and noindex."""
    response = client.get("/articles/no-such-article/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'class="site-header"' in html and 'href="/topics/"' in html and "<style>:root {" in html
    assert '<meta name="robots" content="noindex, follow">' in html
    assert "<h1>Page not found</h1>" in html


@pytest.mark.parametrize(
    "name",
    ["articles:detail", "articles:markdown", "articles:topic", "articles:author", "faq:topic"],
)
def test_slug_paths_are_what_reverse_gives(name):
    """Paths built from a pattern reversed once match reverse(), under a script prefix too."""
    from django.urls import reverse, set_script_prefix

    from articles.publishing.paths import slug_path

    for prefix in ("/", "/journal/"):
        set_script_prefix(prefix)
        try:
            for slug in ("a", "sleep-and-mood-2", "x_y"):
                assert slug_path(name, slug) == reverse(name, kwargs={"slug": slug})
        finally:
            set_script_prefix("/")
