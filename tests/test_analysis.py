"""The search and readability checks, each on both sides of its threshold, and the gate."""

import datetime

import pytest
from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.utils import timezone

from articles.publishing.analysis import (
    GOOD,
    IMPROVE,
    PROBLEM,
    SEVERITY,
    Page,
    analyse,
    improvements,
    problems,
    site_paths,
)
from articles.publishing.markdown import render_markdown
from tests.growth import assert_linear

SITE = "https://example.test"
DESCRIPTION = "x" * 140


def words(count, word="calm"):
    return " ".join([word] * count)


def sentence(count):
    return " ".join(["word"] * (count - 1)) + " end."


def check(key, **fields):
    """The one check called ``key`` on a page made of ``fields`` (body as Markdown)."""
    body = fields.pop("body", "")
    page = Page(
        **{
            "title": "A title",
            "meta_description": DESCRIPTION,
            "site_url": SITE,
            "html": render_markdown(body),
            **fields,
        }
    )
    found = [c for c in analyse(page) if c.key == key]
    assert len(found) <= 1
    return found[0] if found else None


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"meta_title": "t" * 29}, IMPROVE),
        ({"meta_title": "t" * 30}, GOOD),
        ({"meta_title": "t" * 60}, GOOD),
        ({"meta_title": "t" * 61}, IMPROVE),
        ({"meta_title": "t" * 200}, IMPROVE),
        ({"meta_title": "t" * 201}, PROBLEM),
        ({"title": "t" * 61}, IMPROVE),
        ({"title": "", "meta_title": ""}, PROBLEM),
        ({"title": "  ", "meta_title": ""}, PROBLEM),
    ],
)
def test_search_title_length(fields, status):
    """30–60 characters is good, shorter or up to 200 improve, none or past 200 a problem."""
    assert check("meta_title", **fields).status == status


def test_no_search_title_is_missing_not_zero_characters():
    """An empty title with no search title is a problem that says so, never “good”."""
    result = check("meta_title", title="", meta_title="")
    assert result.status == PROBLEM
    assert result.meter.verdict == "missing"
    assert "0 characters" not in result.message


@pytest.mark.parametrize(
    ("length", "status"),
    [(0, PROBLEM), (119, IMPROVE), (120, GOOD), (160, GOOD), (161, IMPROVE), (501, PROBLEM)],
)
def test_meta_description_length(length, status):
    """No description blocks publishing; 120–160 characters is good; past 500 cannot be
    saved; otherwise improve."""
    assert check("meta_description", meta_description="d" * length).status == status


@pytest.mark.parametrize(
    ("key", "fields"),
    [
        ("meta_title", {"title": ""}),
        ("meta_title", {"title": "Short"}),
        ("meta_title", {"meta_title": "t" * 45}),
        ("meta_title", {"meta_title": "t" * 90}),
        ("meta_title", {"meta_title": "t" * 201}),
        ("meta_description", {"meta_description": ""}),
        ("meta_description", {"meta_description": "d" * 50}),
        ("meta_description", {"meta_description": "d" * 140}),
        ("meta_description", {"meta_description": "d" * 170}),
        ("meta_description", {"meta_description": "d" * 501}),
    ],
)
def test_a_length_check_carries_the_meter_it_rates(key, fields):
    """The meter a length check carries measures what the check measured, in its band."""
    result = check(key, **fields)
    meter = result.meter
    verdicts = {PROBLEM: {"missing", "too long to save"}, GOOD: {"good"}}
    assert meter.verdict in verdicts.get(result.status, {"short", "will be cut in results"})
    assert f" {meter.length} characters" in result.message or meter.verdict == "missing"


@pytest.mark.parametrize(
    ("body", "hero", "status"),
    [
        ("![A sleeping cat](https://img.example/cat.png)", {}, GOOD),
        ("![](https://img.example/cat.png)", {}, PROBLEM),
        ('<img src="https://img.example/cat.png" alt="  ">', {}, PROBLEM),
        ("Text.", {"hero_image": True, "hero_image_alt": ""}, PROBLEM),
        ("Text.", {"hero_image": True, "hero_image_alt": "A cat"}, GOOD),
    ],
)
def test_every_image_needs_alt_text(body, hero, status):
    """An image in the body or a hero image without alt text blocks publishing."""
    assert check("alt_text", body=body, **hero).status == status


def test_no_images_means_no_alt_text_check():
    """With no image at all there is nothing to say about alt text."""
    assert check("alt_text", body="Just text.") is None


def test_an_untitled_import_is_a_problem():
    """A placeholder title blocks publishing; a real one raises nothing."""
    assert check("title", placeholder_title=True).status == PROBLEM
    assert check("title", placeholder_title=False) is None


@pytest.mark.parametrize(
    ("key", "fields"),
    [
        ("keyphrase_title", {"meta_title": "Better sleep tonight"}),
        ("keyphrase_introduction", {"body": "Better sleep starts here.\n\nMore."}),
        ("keyphrase_subheadings", {"body": "Intro.\n\n## Why better sleep matters"}),
        ("keyphrase_slug", {"slug": "how-to-get-better-sleep"}),
        ("keyphrase_description", {"meta_description": "Tips for better sleep." + "x" * 110}),
    ],
)
def test_keyphrase_placement(key, fields):
    """The keyphrase found in each place is good; missing from it is improve."""
    assert check(key, keyphrase="Better Sleep", **fields).status == GOOD
    assert check(key, keyphrase="deep rest", **fields).status == IMPROVE


def test_keyphrase_must_match_whole_words():
    """ "sleep" inside "sleepless" is not the keyphrase."""
    assert check("keyphrase_slug", keyphrase="sleep", slug="sleepless-nights").status == IMPROVE


def test_no_keyphrase_asks_for_one():
    """Without a keyphrase there is one check asking for it, and no placement checks."""
    assert check("keyphrase").status == IMPROVE
    assert check("keyphrase_title") is None


@pytest.mark.parametrize(
    ("mentions", "total", "status"),
    [(0, 200, IMPROVE), (1, 200, GOOD), (6, 200, GOOD), (7, 200, IMPROVE)],
)
def test_keyphrase_density(mentions, total, status):
    """0.5–3% of words is good: 1 in 200 is 0.5%, 6 is 3%, 7 is 3.5%."""
    body = " ".join(["rest"] * mentions + ["word"] * (total - mentions))
    assert check("density", keyphrase="rest", body=body).status == status


def test_a_keyphrase_another_article_targets_is_flagged():
    """Another article with the same keyphrase is named; none is good."""
    result = check("keyphrase_unique", keyphrase="rest", keyphrase_used_by=["Rest well"])
    assert result.status == IMPROVE and "“Rest well”" in result.message
    assert check("keyphrase_unique", keyphrase="rest").status == GOOD


@pytest.mark.parametrize(("count", "status"), [(299, IMPROVE), (300, GOOD)])
def test_text_length(count, status):
    """At least 300 words is good."""
    assert check("length", body=words(count)).status == status


@pytest.mark.parametrize(("count", "status"), [(150, GOOD), (151, IMPROVE)])
def test_paragraph_length(count, status):
    """A paragraph over 150 words is flagged."""
    assert check("paragraphs", body=f"Short one.\n\n{words(count)}").status == status


@pytest.mark.parametrize(("long", "short", "status"), [(1, 3, GOOD), (2, 3, IMPROVE)])
def test_long_sentences(long, short, status):
    """At most 25% of sentences over 20 words: 1 in 4 is fine, 2 in 5 is not."""
    body = " ".join([sentence(21)] * long + [sentence(5)] * short)
    assert check("sentences", body=body).status == status


def test_a_sentence_of_exactly_twenty_words_is_not_long():
    """The threshold is over 20 words."""
    assert check("sentences", body=sentence(20)).status == GOOD


@pytest.mark.parametrize(
    ("stretch", "status"), [(300, GOOD), (301, IMPROVE), (350, IMPROVE), (351, PROBLEM)]
)
def test_subheading_distribution(stretch, status):
    """A stretch of more than 300 words with no subheading is flagged; past 350, a problem."""
    body = f"{words(stretch)}\n\n## Next part\n\n{words(100)}"
    assert check("subheadings", body=body).status == status


def test_a_text_of_300_words_or_fewer_needs_no_subheading():
    """Subheadings are asked for only once the text is long enough to need them."""
    assert check("subheadings", body=words(300)) is None


def flesch_body(two_syllable, sentences=6):
    """Sentences of ten words, ``two_syllable`` of them of two syllables, the rest of one:
    a Flesch reading ease of 112.1 less 8.46 for each two-syllable word."""
    one = " ".join(["paper"] * two_syllable + ["calm"] * (10 - two_syllable))
    return " ".join([f"{one}."] * sentences)


@pytest.mark.parametrize(
    ("two_syllable", "score", "status"),
    [(6, 61, GOOD), (7, 53, IMPROVE), (8, 44, PROBLEM)],
)
def test_flesch_reading_ease(two_syllable, score, status):
    """60 or more is good, 50 to 60 improve, under 50 a problem; the meter shows the score."""
    result = check("flesch", body=flesch_body(two_syllable))
    assert result.status == status
    assert result.meter.length == score
    assert f"The Flesch reading ease is {score} " in result.message


def test_readability_scores_wait_for_fifty_words():
    """Two short sentences score anything; the scores start at 50 words."""
    assert check("flesch", body=flesch_body(8, sentences=4)) is None
    assert check("passive_voice", body=flesch_body(8, sentences=4)) is None
    assert check("flesch", body=flesch_body(8, sentences=5)).status == PROBLEM


def passive_body(passive, total=20):
    """``total`` sentences of seven words, ``passive`` of them in the passive voice."""
    active = "Your doctor will often check your pulse."
    passive_one = "Your pulse will often be checked again."
    return " ".join([passive_one] * passive + [active] * (total - passive))


@pytest.mark.parametrize(("passive", "status"), [(2, GOOD), (3, IMPROVE), (4, PROBLEM)])
def test_passive_voice(passive, status):
    """Up to 10% of sentences in the passive is good, up to 15% improve, more a problem."""
    result = check("passive_voice", body=passive_body(passive))
    assert result.status == status
    assert result.meter.length == passive * 5
    assert f"({passive} of 20)" in result.message


def transition_body(linked, total=10):
    """``total`` sentences of six words, ``linked`` of them with a transition word."""
    plain = "Sleep helps the body repair itself."
    joined = "However, sleep helps the body recover."
    return " ".join([joined] * linked + [plain] * (total - linked))


@pytest.mark.parametrize(("linked", "status"), [(3, GOOD), (2, IMPROVE), (1, PROBLEM)])
def test_transition_words(linked, status):
    """30% of sentences with a transition word is good, 20% improve, fewer a problem."""
    result = check("transition_words", body=transition_body(linked))
    assert result.status == status
    assert result.meter.length == linked * 10


def test_a_transition_phrase_counts_as_a_transition():
    """“For example” links a sentence as well as “however” does."""
    body = " ".join(["For example, sleep helps the body recover."] * 10)
    assert check("transition_words", body=body).status == GOOD


@pytest.mark.parametrize(
    ("openings", "status"),
    [
        (["You", "We", "You", "We", "You"], GOOD),
        (["You", "You", "We", "You", "You"], GOOD),
        (["You", "You", "You", "We"], IMPROVE),
        (["You"] * 4, IMPROVE),
        (["You"] * 5, PROBLEM),
        (["The cat", "The dog", "The bird"], GOOD),
        (["The cat", "The cat", "The cat"], IMPROVE),
    ],
)
def test_consecutive_sentences(openings, status):
    """Three or four sentences in a row starting with the same word are to improve; five
    are a problem. After “the” the second word counts too."""
    body = " ".join(f"{opening} rested well that night." for opening in openings)
    result = check("consecutive_sentences", body=body)
    assert result.status == status
    if status != GOOD:
        assert "start with “you”" in result.message or "start with “the cat”" in result.message


def test_problems_of_style_advise_and_never_block_publishing():
    """Hard reading is rated a problem but listed with the improvements, not the problems
    that block publishing; a missing description still blocks."""
    page = Page(title="A title", site_url=SITE, html=render_markdown(flesch_body(8)))
    checks = analyse(page)
    flesch = next(c for c in checks if c.key == "flesch")
    assert flesch.status == PROBLEM
    assert flesch.message not in problems(checks)
    assert flesch.message in improvements(checks)
    assert next(c for c in checks if c.key == "meta_description").message in problems(checks)


def test_checks_come_problems_first_then_improvements_then_good():
    """The panel lists what needs doing first, whatever order the checks are made in."""
    body = f"{flesch_body(8)}\n\n{passive_body(4)}\n\n[ours](/articles/sleep/)"
    page = Page(title="A title", site_url=SITE, html=render_markdown(body), keyphrase="rest")
    statuses = [c.status for c in analyse(page)]
    assert set(statuses) == {GOOD, IMPROVE, PROBLEM}
    assert statuses == sorted(statuses, key=SEVERITY.get)


def test_each_meter_carries_the_rating_of_its_check():
    """A meter's verdict and bands agree with the status of the check that carries it."""
    for body in (flesch_body(6), flesch_body(7), flesch_body(8), passive_body(3)):
        page = Page(title="T", site_url=SITE, html=render_markdown(body))
        for result in analyse(page):
            if result.meter is None or result.key in ("meta_title", "meta_description"):
                continue
            meter = result.meter
            low, high = sorted((meter.low, meter.high))
            if meter.best >= high:  # higher is better
                expected = GOOD if meter.length >= high else IMPROVE
                expected = expected if meter.length >= low else PROBLEM
            else:
                expected = GOOD if meter.length <= low else IMPROVE
                expected = expected if meter.length <= high else PROBLEM
            assert result.status == expected, result


@pytest.mark.parametrize(
    ("body", "internal", "outbound"),
    [
        ("No links here.", IMPROVE, IMPROVE),
        ("[ours](/articles/sleep/) and [theirs](https://nhs.example/sleep)", GOOD, GOOD),
        (f"[absolute ours]({SITE}/topics/sleep/)", GOOD, IMPROVE),
        ("A note[^1].\n\n[^1]: See [mail](mailto:a@b.example).", IMPROVE, IMPROVE),
    ],
)
def test_internal_and_outbound_links(body, internal, outbound):
    """Links to our own host or paths are internal; other hosts are outbound; anchors neither."""
    assert check("internal_links", body=body).status == internal
    assert check("outbound_links", body=body).status == outbound


def test_a_link_that_would_404_is_named_and_not_counted():
    """A link to our own site that opens nothing is no internal link: the check names it."""
    body = "[gone](/articles/xyz/) and [gone again](https://example.test/articles/xyz/)"
    assert check("internal_links", body=body, broken_links={"/articles/xyz/"}).status == IMPROVE
    named = check("broken_links", body=body, broken_links={"/articles/xyz/"})
    assert named.status == IMPROVE
    assert named.message.startswith("/articles/xyz/ is not a published page")
    assert check("broken_links", body=body) is None
    assert check("internal_links", body=body).message == "2 links to our own pages."


def test_a_link_to_a_moved_page_counts_and_asks_for_the_new_address():
    """A link that answers with a redirect reaches a page, and the check gives its new one."""
    moved = {"/articles/old/": "/articles/new/"}
    result = check("moved_links", body="[old](/articles/old/)", moved_links=moved)
    assert result.status == IMPROVE
    assert result.message == "/articles/old/ has moved to /articles/new/: link to the new address."
    assert check("internal_links", body="[old](/articles/old/)", moved_links=moved).status == GOOD


def test_site_paths_are_resolved_as_a_browser_would_from_the_page():
    """Relative, absolute and scheme-relative links to this host become paths, each once;
    other hosts, mail, anchors and the page itself are not."""
    links = [
        "/topics/sleep/", "https://example.test/authors/ada/", "other/", "../",
        "//example.test/faq/", "http://EXAMPLE.test/topics/sleep/", "https://nhs.example/x",
        "#top", "mailto:a@b.example", "/articles/here/#part", "?page=2", "/articles/caf%C3%A9/",
    ]  # fmt: skip
    html = "".join(f'<a href="{href}">x</a>' for href in links)
    page = Page(title="T", html=html, site_url=SITE, path="/articles/here/")
    assert site_paths(page) == [
        "/topics/sleep/", "/authors/ada/", "/articles/here/other/", "/articles/", "/faq/",
        "/articles/café/",
    ]  # fmt: skip


@pytest.fixture
def linked(make_article, publish, topic, author):
    """A published article, a draft and a scheduled one, beside the topic and the author."""
    publish(make_article("Sleep well", slug="sleep-well"))
    make_article("Draft piece", slug="draft-piece")
    later = timezone.now() + datetime.timedelta(days=2)
    publish(make_article("Coming soon", slug="coming-soon"), at=later)


def analysed(make_article, body, **fields):
    return make_article("Linking article", slug="linking", body=body, **fields).analysis()


def found(checks, key):
    return [check for check in checks if check.key == key]


@pytest.mark.parametrize(
    ("href", "opens"),
    [
        ("/", True),
        ("/articles/sleep-well/", True),
        ("/articles/sleep-well", True),
        ("https://example.test/articles/sleep-well/", True),
        ("/articles/sleep-well.md", True),
        ("/topics/sleep/", True),
        ("/topics/", True),
        ("/authors/ada-byline/", True),
        ("/faq/", True),
        ("/faq/general/", True),
        ("/faq/sleep/", True),
        ("/search/?q=sleep", True),
        ("/feed/", True),
        ("/articles/draft-piece/", False),
        ("/articles/coming-soon/", False),
        ("/articles/xyz/", False),
        ("/topics/no-such-topic/", False),
        ("/authors/nobody/", False),
        ("/faq/no-such-topic/", False),
        ("/no/such/page/", False),
        ("/admin/", False),
        ("https://example.test/articles/xyz/", False),
    ],
)
def test_internal_links_count_only_pages_readers_can_open(linked, make_article, href, opens):
    """A link to a published article, a topic, an author, an FAQ page or another public
    page counts; one that would 404 (unknown path, missing slug, an unpublished article,
    the admin) is named as not a published page."""
    checks = analysed(make_article, f"See [this]({href}).")
    (internal,) = found(checks, "internal_links")
    assert (internal.status == GOOD) == opens
    broken = found(checks, "broken_links")
    assert bool(broken) != opens
    if broken:
        path = href.removeprefix("https://example.test")
        assert broken[0].message.startswith(f"{path} is not a published page")


def test_a_link_to_an_old_address_is_followed_to_the_new_one(linked, make_article):
    """A path that redirects is not broken: the check asks for the new address instead."""
    Redirect.objects.create(
        site_id=settings.SITE_ID, old_path="/articles/sleep-old/", new_path="/articles/sleep-well/"
    )
    checks = analysed(make_article, "See [this](/articles/sleep-old/).")
    assert found(checks, "internal_links")[0].status == GOOD
    assert not found(checks, "broken_links")
    assert "has moved to /articles/sleep-well/" in found(checks, "moved_links")[0].message


def test_links_cost_one_query_per_kind_of_page_not_per_link(
    linked, make_article, django_assert_num_queries
):
    """Many links to articles, topics and authors cost one query for each kind of page,
    and one for redirects when some link opens nothing; links elsewhere cost none."""
    links = [f"/articles/piece-{n}/" for n in range(20)] + ["/articles/sleep-well/"]
    links += [f"/topics/topic-{n}/" for n in range(10)] + ["/authors/ada-byline/", "/faq/"]
    body = " ".join(f"[link {n}]({href})" for n, href in enumerate(links))
    article = make_article("Linking article", slug="linking", body=body)
    with django_assert_num_queries(4):
        checks = article.analysis()
    assert len(found(checks, "broken_links")) == 30
    article.body = "[NHS](https://nhs.example/) and [an anchor](#part)"
    article.render()
    with django_assert_num_queries(0):
        article.analysis()


def test_every_check_says_what_to_do():
    """Each check that is not good carries a sentence for the writer."""
    page = Page(title="T", html=render_markdown("Short."), keyphrase="rest", site_url=SITE)
    for result in analyse(page):
        assert result.status in (GOOD, IMPROVE, PROBLEM)
        assert result.message.endswith("."), result


def test_the_checks_read_a_long_section_in_linear_time():
    """A section of thousands of paragraphs costs in proportion to its length."""
    assert_linear(
        lambda html: analyse(Page(title="Long", html=html)),
        lambda n: "<p>A short paragraph of words.</p>\n" * n,
        5_000,
    )


def test_the_readability_checks_grow_in_step_with_the_text():
    """Twice the text costs about twice the work: syllables, passive voice, transitions and
    openings are read word by word, in one pass."""
    paragraph = (
        "<h2>Part</h2><p>However, a walk after dinner is often recommended by doctors. "
        "Your heart rate rises, and the body uses its energy. For example, ten minutes "
        "helps. Sleep was improved in a small study of older adults.</p>\n"
    )
    assert_linear(
        lambda html: analyse(Page(title="Long", html=html)),
        lambda n: paragraph * n,
        1_500,
        factor=2,
    )


def test_the_link_check_knows_the_faq_page_of_entries_with_no_topic():
    """The FAQ page that needs no topic is the one the FAQ app serves."""
    from articles import links
    from faq.models import GENERAL

    assert links.FAQ_GENERAL == GENERAL


def test_a_link_to_the_page_itself_is_not_a_link_to_another_page():
    """The page's own address is no internal link; the home page from any other page is."""
    html = '<a href="/articles/here/">me</a> <a href="/">home</a>'
    assert site_paths(Page(title="T", html=html, site_url=SITE, path="/articles/here/")) == ["/"]
    assert site_paths(Page(title="T", html=html, site_url=SITE)) == ["/articles/here/", "/"]
