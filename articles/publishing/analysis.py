"""Search and readability checks on an article, as Yoast gives them, and the publish gate.

``analyse(page)`` is pure: it reads a ``Page`` (text fields and stored HTML) and returns
checks rated good, improve or problem, problems first. Problems block publishing, except
problems of style (hard reading, passive voice), which advise as improvements do;
improvements only warn.
The admin runs the same function on unsaved text as the writer types. What needs the
database, such as which of the page's links to this site lead nowhere, the caller works
out beforehand (``site_paths`` names the links to look up) and puts on the ``Page``.
"""

import datetime
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from . import claims, readability
from .models import META_DESCRIPTION_LIMIT, META_TITLE_LIMIT

GOOD, IMPROVE, PROBLEM = "good", "improve", "problem"
# The panel lists what needs doing first.
SEVERITY = {PROBLEM: 0, IMPROVE: 1, GOOD: 2}
MIN_WORDS = 300
# Yoast asks more of cornerstone content: the articles the site most wants found.
MIN_CORNERSTONE_WORDS = 900
MAX_PARAGRAPH_WORDS = 150
LONG_SENTENCE_WORDS = 20
MAX_LONG_SENTENCE_SHARE = 0.25
MAX_SECTION_WORDS = 300
# Yoast's thresholds for its readability analysis (English).
FLESCH_BANDS = (50, 60)  # below 50 a problem, 50–60 improve, 60 and over good
# Shares are rated as the panel shows them, in whole percent, so meter and check agree.
MAX_PASSIVE_PERCENT = (10, 15)  # good up to 10% of sentences, improve up to 15%
MIN_TRANSITION_PERCENT = (20, 30)  # good from 30% of sentences, improve from 20%
MAX_SECTION_PROBLEM = 350  # a stretch this long without a subheading is a problem
SAME_OPENING_RUN = 3  # this many sentences in a row starting alike: vary them
SAME_OPENING_PROBLEM = 5  # ...and a run this long is a problem
# Scores on fewer words say nothing about a text: two sentences can score anything.
MIN_SCORED_WORDS = 50
# Flesch's own names for the bands of his score ("How to Write Plain English", 1979).
FLESCH_NAMES = (
    (90, "very easy"), (80, "easy"), (70, "fairly easy"), (60, "plain English"),
    (50, "fairly difficult"), (30, "difficult"), (float("-inf"), "very difficult"),
)  # fmt: skip
DENSITY_RANGE = (0.5, 3.0)
MIN_META_TITLE = 30
MIN_DESCRIPTION = 120
# The database allows 200; past that a search title is a mistake, not a style choice.
MAX_META_TITLE = 200
# The database's limit: a longer description cannot be saved.
MAX_META_DESCRIPTION = 500
# Health content: this many sentences stating a figure with no citation is a problem.
UNSUPPORTED_PROBLEM = 3
# How many sources or sentences a message names before "and N more".
NAMED = 3


@dataclass(frozen=True)
class Meter:
    """A measure against its bands, as the panel draws it; its check gives the verdict.

    A length in characters is best at ``high``; a score names where it is best
    (``optimum``) and its ``unit``."""

    label: str
    length: int
    low: int
    high: int
    maximum: int
    verdict: str
    unit: str = "characters"
    optimum: int | None = None

    @property
    def reading(self):
        """The measure as the panel words it: "130 of 160 characters", "64", "12%"."""
        if self.unit == "characters":
            return f"{self.length} of {self.high} characters"
        return f"{self.length}{self.unit}"

    @property
    def best(self):
        return self.high if self.optimum is None else self.optimum


@dataclass(frozen=True)
class Check:
    key: str
    status: str
    message: str
    # For a length check, the measure its meter shows: one rating for both.
    meter: Meter | None = None
    # A problem of style, such as hard reading, is rated as Yoast rates it but only
    # advises, as an improvement does: it never blocks publishing.
    advisory: bool = False


@dataclass
class Page:
    """What the checks read; every field is plain text or sanitized HTML."""

    title: str
    html: str = ""
    meta_title: str = ""
    meta_description: str = ""
    slug: str = ""
    keyphrase: str = ""
    site_url: str = ""
    # The page's own address, which relative links start from ("" before it has one).
    path: str = ""
    placeholder_title: bool = False
    hero_image: bool = False
    hero_image_alt: str = ""
    cornerstone: bool = False
    # Titles of other articles that already target the same keyphrase.
    keyphrase_used_by: list = field(default_factory=list)
    # The article's sources (sources.Source), numbered as the text cites them.
    sources: list = field(default_factory=list)
    # Of site_paths(page): those that would answer 404, and {path: new path} of those that
    # answer with a redirect instead.
    broken_links: frozenset = frozenset()
    moved_links: dict = field(default_factory=dict)
    # Ids the body shows as ![…](image:42) that the image library does not hold.
    missing_images: tuple = ()
    # Health content (it needs a medical reviewer's sign-off): its evidence is checked too.
    medical: bool = False
    # {address: what the link checker last found there} for the sources' addresses
    # (sourcecheck.models.SourceCheck: status, summary, final_url).
    source_checks: dict = field(default_factory=dict)
    # Sources dated longer ago than this are old evidence; today is the day it is counted to.
    source_max_age_years: int = 5
    today: datetime.date | None = None
    # The stored HTML of the FAQ answers shown on the page: their figures need citing too.
    answers: list = field(default_factory=list)


class _Structure(HTMLParser):
    """Paragraphs, headings, sections, links and images of stored HTML."""

    BLOCKS = {"p", "li", "dd", "dt", "td", "th", "blockquote", "pre"}
    # Where a sentence states a claim: not a heading, a table cell or code.
    CLAIM_BLOCKS = {"p", "li", "dd", "dt", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs, self.blocks, self.headings, self.sections = [], [], [], [[]]
        self.links, self.images, self.citations = [], [], set()
        # The claim blocks' text, each link to a source replaced by claims.CITE.
        self.claim_blocks = []
        self._tag, self._text, self._marked, self._citing = None, [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            if cited := re.fullmatch(r"#source-(\d+)", attrs["href"]):
                self.citations.add(int(cited.group(1)))
                self._marked.append(claims.CITE)
                self._citing = True
        elif tag == "img":
            self.images.append((attrs.get("alt") or "").strip())
        elif tag in self.BLOCKS or re.fullmatch(r"h[2-6]", tag):
            self._flush()
            self._tag = tag
            if tag.startswith("h"):
                self.sections.append([])

    def handle_endtag(self, tag):
        if tag == "a":
            self._citing = False
        if tag == self._tag:
            self._flush()

    def handle_data(self, data):
        self._text.append(data)
        if not self._citing:
            self._marked.append(data)
        # Joined once at the end: adding to a string each time is quadratic in a section.
        self.sections[-1].append(data)

    def close(self):
        super().close()
        self.sections = [" ".join(parts) for parts in self.sections]

    def _flush(self):
        text = " ".join("".join(self._text).split())
        if self._tag and re.fullmatch(r"h[2-6]", self._tag):
            self.headings.append(text)
        elif self._tag == "p" and text:
            self.paragraphs.append(text)
        if text and self._tag in self.BLOCKS:
            self.blocks.append(text)
        if self._tag in self.CLAIM_BLOCKS and (marked := " ".join("".join(self._marked).split())):
            self.claim_blocks.append(marked)
        self._tag, self._text, self._marked = None, [], []


def _words(text):
    return re.findall(r"[\w’'-]+", text)


def _contains(haystack, phrase):
    return bool(phrase) and re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", haystack) is not None


def _plural(count, noun):
    return f"{count} {noun}{'' if count == 1 else 's'}"


def analyse(page):
    """Every check on ``page``, in the order the panel lists them."""
    structure = _Structure()
    structure.feed(page.html or "")
    structure.close()
    text = " ".join(" ".join(structure.sections).split())
    words = _words(text)
    checks = [*_gate(page, structure), *_search(page, structure, text, words)]
    checks += _readability(structure, words, page.cornerstone)
    checks += _links(page, structure)
    checks += _source_links(page)
    if page.medical:
        checks += _evidence(page, structure)
    # Problems first, then improvements, then what is good; each group in panel order.
    return sorted(checks, key=lambda check: SEVERITY[check.status])


def _rate(length, low, high, maximum):
    """(status, verdict) of a length within its bands."""
    if not length:
        return PROBLEM, "missing"
    if length > maximum:
        return PROBLEM, "too long to save"
    if length > high:
        return IMPROVE, "will be cut in results"
    if length < low:
        return IMPROVE, "short"
    return GOOD, "good"


def _length_check(key, label, length, bands, messages):
    """The check on a length, carrying the meter that draws it."""
    status, verdict = _rate(length, *bands)
    meter = Meter(label, length, *bands, verdict=verdict)
    return Check(key, status, messages[verdict], meter)


def _search_title(page):
    # What results show: the search title, or the title when there is none.
    length = len((page.meta_title or page.title).strip())
    detail = f"The search title is {length} characters"
    return _length_check(
        "meta_title",
        "Search title",
        length,
        (MIN_META_TITLE, META_TITLE_LIMIT, MAX_META_TITLE),
        {
            "missing": "There is no title to show in search results: write one.",
            "too long to save": f"{detail}; shorten it to {MAX_META_TITLE} or fewer "
            f"(about {META_TITLE_LIMIT} show in results).",
            "will be cut in results": f"{detail}; results show about {META_TITLE_LIMIT}, "
            "so the end will be cut.",
            "short": f"{detail}; results show about {META_TITLE_LIMIT}: use the room to say "
            "what the page offers.",
            "good": f"{detail}.",
        },
    )


def _meta_description(page):
    length = len(page.meta_description.strip())
    detail = f"The meta description is {length} characters"
    return _length_check(
        "meta_description",
        "Meta description",
        length,
        (MIN_DESCRIPTION, META_DESCRIPTION_LIMIT, MAX_META_DESCRIPTION),
        {
            "missing": f"There is no meta description: write one of {MIN_DESCRIPTION} to "
            f"{META_DESCRIPTION_LIMIT} characters.",
            "too long to save": f"{detail}; shorten it to {MAX_META_DESCRIPTION} or fewer "
            f"(about {META_DESCRIPTION_LIMIT} show in results).",
            "will be cut in results": f"{detail}; results cut it after about "
            f"{META_DESCRIPTION_LIMIT}.",
            "short": f"{detail}; use up to {META_DESCRIPTION_LIMIT} to say more.",
            "good": f"{detail}.",
        },
    )


def _gate(page, structure):
    if page.placeholder_title:
        yield Check("title", PROBLEM, "This is an untitled import: write a real title.")
    yield _search_title(page)
    yield _meta_description(page)
    missing = sum(1 for alt in structure.images if not alt)
    if page.hero_image and not page.hero_image_alt.strip():
        missing += 1
    if missing:
        yield Check(
            "alt_text",
            PROBLEM,
            f"{_plural(missing, 'image')} without alt text: describe each image for "
            "people who cannot see it.",
        )
    elif structure.images or page.hero_image:
        yield Check("alt_text", GOOD, "Every image has alt text.")
    if page.missing_images:
        named = ", ".join(f"image:{pk}" for pk in page.missing_images)
        yield Check(
            "library_images",
            PROBLEM,
            f"The body shows {named}, which the image library does not hold, so nothing "
            "appears there: choose an image from the library or take the reference out.",
        )
    yield from _sources(page, structure)


def _source_name(source):
    return f"Source {source.number}" + (f" (“{source.title[:60]}”)" if source.title else "")


def _sources(page, structure):
    """Each source findable (a URL or a DOI), and each citation pointing at a source."""
    if not page.sources and not structure.citations:
        return
    count = len(page.sources)
    unlinked = [_source_name(source) for source in page.sources if not source.has_link]
    missing = sorted(number for number in structure.citations if number > count)
    for name in unlinked:
        yield Check(
            "sources", PROBLEM, f"{name} has no URL or DOI: give one, so readers can check it."
        )
    for number in missing:
        yield Check(
            "sources",
            PROBLEM,
            f"The text cites [^{number}], but there is no source {number}: add it under "
            "Sources, or correct the number.",
        )
    uncited = [s for s in page.sources if s.number not in structure.citations]
    for source in uncited:
        yield Check(
            "sources",
            IMPROVE,
            f"{_source_name(source)} is not cited in the text: cite it as [^{source.number}] "
            "where it is used, or remove it.",
        )
    if not (unlinked or missing or uncited):
        yield Check("sources", GOOD, f"{_plural(count, 'source')}, each cited and with a link.")


def _named(names):
    """A, B and C; or A, B, C and 2 more."""
    shown = list(names[:NAMED])
    if len(names) > NAMED:
        return ", ".join(shown) + f" and {len(names) - NAMED} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def source_addresses(source):
    """(kind, address) of each address a source is checked at."""
    return [
        (kind, url)
        for kind, url in (("URL", source.url), ("DOI", source.doi_url),
                          ("PubMed link", source.pubmed_url))
        if url
    ]  # fmt: skip


def _source_links(page):
    """What the link checker last found at the sources' addresses: dead is a problem
    (readers cannot check the claim), a permanent move of a URL an improvement."""
    if not page.source_checks:
        return
    checked = attention = 0
    for source in page.sources:
        for kind, url in source_addresses(source):
            found = page.source_checks.get(url)
            if found is None:
                continue
            checked += 1
            if found.status == "dead":
                attention += 1
                summary = found.summary[:1].lower() + found.summary[1:]
                yield Check(
                    "source_links",
                    PROBLEM,
                    f"{_source_name(source)}: its {kind} is {summary}. Give an address "
                    "that works, or remove the source.",
                )
            elif found.status == "moved" and kind == "URL":
                attention += 1
                yield Check(
                    "source_links",
                    IMPROVE,
                    f"{_source_name(source)}: its URL has moved permanently to "
                    f"{found.final_url}: cite the new address.",
                )
    if checked and not attention:
        yield Check("source_links", GOOD, "Every checked source address answers.")


def _source_date(text):
    """(year, month, day) of a source's date, its latest day when only a year or a
    month is given (evidence is counted old only when it surely is); None if undated."""
    parts = [int(part) for part in text.split("-") if part.isdigit()] if text else []
    if not parts:
        return None
    return (parts[0], parts[1] if len(parts) > 1 else 12, parts[2] if len(parts) > 2 else 31)


def _evidence(page, structure):
    """Health content: evidence that is recent and dated, and figures that cite it."""
    today = page.today or datetime.date.today()
    years = page.source_max_age_years
    oldest = (today.year - years, today.month, today.day)
    if page.sources:
        dated = [(source, _source_date(source.date)) for source in page.sources]
        old = [s for s, when in dated if when is not None and when < oldest]
        undated = [s for s, when in dated if when is None]
        if old:
            names = [f"{_source_name(s)}, {s.date_text}" for s in old]
            yield Check(
                "evidence_age",
                IMPROVE,
                f"{_plural(len(old), 'source')} dated over {years} years ago: "
                f"{_named(names)}. Look for newer evidence, or check that these still hold.",
            )
        if undated:
            yield Check(
                "evidence_age",
                IMPROVE,
                f"{_plural(len(undated), 'source')} without a date: "
                f"{_named([_source_name(s) for s in undated])}. Give the date each was "
                "published or last updated, so readers can see how recent it is.",
            )
        if not (old or undated):
            yield Check(
                "evidence_age", GOOD, f"Every source is dated within the last {years} years."
            )
    blocks = list(structure.claim_blocks)
    for answer in page.answers:
        parsed = _Structure()
        parsed.feed(answer or "")
        parsed.close()
        blocks += parsed.claim_blocks
    unsupported = claims.unsupported(blocks)
    if not unsupported:
        yield Check("cited_claims", GOOD, "Every figure in the text cites a source.")
        return
    quoted = [f"“{_short(sentence)}”" for sentence in unsupported]
    yield Check(
        "cited_claims",
        PROBLEM if len(unsupported) >= UNSUPPORTED_PROBLEM else IMPROVE,
        f"{_plural(len(unsupported), 'sentence')} "
        f"{'states' if len(unsupported) == 1 else 'state'} a figure, a percentage or a year "
        f"without citing a source: {_named(quoted)}. Cite the source of each as [^1], "
        "[^2]…, or leave the figure out.",
        # Rated as Yoast would, but it advises: an editor may publish despite it.
        advisory=True,
    )


def _short(sentence, limit=90):
    text = sentence.replace(claims.CITE, "")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _search(page, structure, text, words):
    phrase = " ".join(page.keyphrase.lower().split())
    if not phrase:
        yield Check("keyphrase", IMPROVE, "Set a focus keyphrase: the search this page answers.")
        return
    introduction = structure.paragraphs[0].lower() if structure.paragraphs else ""
    places = [
        ("keyphrase_title", "the search title", (page.meta_title or page.title).lower()),
        ("keyphrase_introduction", "the introduction", introduction),
        ("keyphrase_subheadings", "a subheading", " | ".join(structure.headings).lower()),
        ("keyphrase_slug", "the slug", page.slug.replace("-", " ").lower()),
        ("keyphrase_description", "the meta description", page.meta_description.lower()),
    ]
    for key, place, haystack in places:
        if _contains(haystack, phrase):
            yield Check(key, GOOD, f"The keyphrase is in {place}.")
        else:
            yield Check(key, IMPROVE, f"Put the keyphrase “{phrase}” in {place}.")
    if words:
        found = len(re.findall(rf"(?<!\w){re.escape(phrase)}(?!\w)", text.lower()))
        density = 100 * found / len(words)
        low, high = DENSITY_RANGE
        detail = f"The keyphrase appears {_plural(found, 'time')} ({density:.1f}%)"
        if density < low:
            yield Check("density", IMPROVE, f"{detail}; use it a little more, {low}–{high}%.")
        elif density > high:
            yield Check("density", IMPROVE, f"{detail}; use it less, {low}–{high}% reads well.")
        else:
            yield Check("density", GOOD, f"{detail}.")
    if page.keyphrase_used_by:
        others = ", ".join(f"“{title}”" for title in page.keyphrase_used_by[:3])
        yield Check(
            "keyphrase_unique",
            IMPROVE,
            f"{others} already target{'s' if len(page.keyphrase_used_by) == 1 else ''} "
            "this keyphrase: choose another, so the pages do not compete.",
        )
    else:
        yield Check("keyphrase_unique", GOOD, "No other article targets this keyphrase.")


def _readability(structure, words, cornerstone=False):
    count = len(words)
    least = MIN_CORNERSTONE_WORDS if cornerstone else MIN_WORDS
    if count < least:
        kind = " for cornerstone content" if cornerstone else ""
        yield Check(
            "length",
            IMPROVE,
            f"The text has {_plural(count, 'word')}; write {least} or more{kind}.",
        )
    else:
        yield Check("length", GOOD, f"The text has {count} words.")
    long_paragraphs = [p for p in structure.paragraphs if len(_words(p)) > MAX_PARAGRAPH_WORDS]
    if long_paragraphs:
        yield Check(
            "paragraphs",
            IMPROVE,
            f"{_plural(len(long_paragraphs), 'paragraph')} over {MAX_PARAGRAPH_WORDS} words: "
            "split them.",
        )
    elif structure.paragraphs:
        yield Check("paragraphs", GOOD, f"Every paragraph is {MAX_PARAGRAPH_WORDS} words or fewer.")
    sentences = [
        sentence
        for block in structure.blocks
        for sentence in re.split(r"(?<=[.!?])\s+", block)
        if _words(sentence)
    ]
    if sentences:
        long = sum(1 for sentence in sentences if len(_words(sentence)) > LONG_SENTENCE_WORDS)
        share = long / len(sentences)
        detail = f"{share:.0%} of sentences are over {LONG_SENTENCE_WORDS} words"
        if share > MAX_LONG_SENTENCE_SHARE:
            yield Check(
                "sentences",
                IMPROVE,
                f"{detail}; keep it to {MAX_LONG_SENTENCE_SHARE:.0%} by shortening some.",
            )
        else:
            yield Check("sentences", GOOD, f"{detail}.")
    lowered = [[word.lower() for word in _words(sentence)] for sentence in sentences]
    if count >= MIN_SCORED_WORDS:
        yield _flesch(lowered)
        yield _passive(lowered)
        yield _transitions(lowered)
    if consecutive := _consecutive(lowered):
        yield consecutive
    if count > MAX_SECTION_WORDS:
        yield _subheadings(structure)


def _rated(value, bands, higher_is_better):
    """GOOD, IMPROVE or PROBLEM for a value against (worse, better) thresholds."""
    worse, better = bands
    if higher_is_better:
        return GOOD if value >= better else IMPROVE if value >= worse else PROBLEM
    return GOOD if value <= worse else IMPROVE if value <= better else PROBLEM


def _flesch(sentences):
    words = sum(len(sentence) for sentence in sentences)
    syllables = sum(readability.syllables(word) for sentence in sentences for word in sentence)
    # Rated as shown, whole: 59.6 shows as 60 and is good.
    score = round(readability.flesch_reading_ease(words, len(sentences), syllables))
    status = _rated(score, FLESCH_BANDS, higher_is_better=True)
    name = next(name for floor, name in FLESCH_NAMES if score >= floor)
    low, high = FLESCH_BANDS
    detail = f"The Flesch reading ease is {score} ({name})"
    message = {
        GOOD: f"{detail}.",
        IMPROVE: f"{detail}; aim for {high} or more with shorter sentences and words.",
        PROBLEM: f"{detail}: hard to read. Use shorter sentences and plainer words, "
        f"for a score of {high} or more.",
    }[status]
    meter = Meter("Flesch reading ease", score, low, high, 100, name, "", 100)
    return Check("flesch", status, message, meter, advisory=True)


def _passive(sentences):
    passive = sum(readability.is_passive(sentence) for sentence in sentences)
    percent = round(100 * passive / len(sentences))
    status = _rated(percent, MAX_PASSIVE_PERCENT, higher_is_better=False)
    good, most = MAX_PASSIVE_PERCENT
    detail = f"{percent}% of sentences are in the passive voice ({passive} of {len(sentences)})"
    message = {
        GOOD: f"{detail}.",
        IMPROVE: f"{detail}; keep it to {good}% by saying who does what.",
        PROBLEM: f"{detail}: more than {most}%. Say who does what: “your doctor may "
        "prescribe”, not “may be prescribed”.",
    }[status]
    verdict = {GOOD: "good", IMPROVE: "a little high", PROBLEM: "too high"}[status]
    meter = Meter("Passive voice", percent, good, most, 100, verdict, "%", 0)
    return Check("passive_voice", status, message, meter, advisory=True)


def _transitions(sentences):
    linked = sum(readability.has_transition(sentence) for sentence in sentences)
    percent = round(100 * linked / len(sentences))
    status = _rated(percent, MIN_TRANSITION_PERCENT, higher_is_better=True)
    least, good = MIN_TRANSITION_PERCENT
    detail = f"{percent}% of sentences have a transition word ({linked} of {len(sentences)})"
    message = {
        GOOD: f"{detail}.",
        IMPROVE: f"{detail}; use words such as “however”, “because” or “for example” "
        f"in {good}% or more.",
        PROBLEM: f"{detail}: fewer than {least}%. Link your sentences with words such "
        "as “however”, “because” or “for example”.",
    }[status]
    verdict = {GOOD: "good", IMPROVE: "a little low", PROBLEM: "too low"}[status]
    meter = Meter("Transition words", percent, least, good, 100, verdict, "%", 100)
    return Check("transition_words", status, message, meter, advisory=True)


def _consecutive(sentences):
    """Runs of sentences that start with the same word, longest first; None for a text
    too short to have one."""
    if len(sentences) < SAME_OPENING_RUN:
        return None
    runs, previous, length = [], None, 0
    for sentence in sentences:
        opening = readability.opening(sentence)
        length = length + 1 if opening == previous else 1
        previous = opening
        if length == SAME_OPENING_RUN:
            runs.append([opening, length])
        elif length > SAME_OPENING_RUN:
            runs[-1][1] = length
    if not runs:
        return Check(
            "consecutive_sentences",
            GOOD,
            f"No {SAME_OPENING_RUN} sentences in a row start with the same word.",
        )
    opening, longest = max(runs, key=lambda run: run[1])
    status = PROBLEM if longest >= SAME_OPENING_PROBLEM else IMPROVE
    more = f" ({_plural(len(runs), 'run')} in all)" if len(runs) > 1 else ""
    return Check(
        "consecutive_sentences",
        status,
        f"{longest} sentences in a row start with “{opening}”{more}: vary the openings.",
        advisory=True,
    )


def _subheadings(structure):
    longest = max(len(_words(section)) for section in structure.sections)
    if longest <= MAX_SECTION_WORDS:
        return Check(
            "subheadings", GOOD, f"Subheadings come at least every {MAX_SECTION_WORDS} words."
        )
    return Check(
        "subheadings",
        PROBLEM if longest > MAX_SECTION_PROBLEM else IMPROVE,
        f"One stretch runs {longest} words without a subheading; add one at least "
        f"every {MAX_SECTION_WORDS} words.",
        advisory=True,
    )


def _target(page, href):
    """Where a link goes, as a browser resolves it from the page: ("site", path) on this
    site, ("elsewhere", href), or None for mail or a place on the page itself."""
    if href.startswith("#"):
        return None
    try:
        parts = urlsplit(urljoin(page.site_url + page.path, href))
    except ValueError:
        return None
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc and parts.netloc.lower() != urlsplit(page.site_url).netloc.lower():
        return "elsewhere", href
    path = unquote(parts.path) or "/"
    return None if path == page.path else ("site", path)


def _targets(page, structure):
    return [target for href in structure.links if (target := _target(page, href))]


def site_paths(page):
    """Each path on this site the page links to, once: what the caller looks up for
    ``broken_links`` and ``moved_links``."""
    structure = _Structure()
    structure.feed(page.html or "")
    structure.close()
    return list(dict.fromkeys(path for kind, path in _targets(page, structure) if kind == "site"))


def _links(page, structure):
    targets = _targets(page, structure)
    site = [path for kind, path in targets if kind == "site"]
    # A link counts when readers can follow it; one that leads nowhere is named instead.
    internal = sum(path not in page.broken_links for path in site)
    outbound = len(targets) - len(site)
    # The sources list links out too, to the studies and guidance the text relies on.
    outbound += sum(1 for source in page.sources if source.has_link)
    for path in dict.fromkeys(site):
        if path in page.broken_links:
            yield Check(
                "broken_links",
                IMPROVE,
                f"{path} is not a published page: readers would find nothing there. Link to "
                "a live page, or remove the link.",
            )
        elif path in page.moved_links:
            yield Check(
                "moved_links",
                IMPROVE,
                f"{path} has moved to {page.moved_links[path]}: link to the new address.",
            )
    if internal:
        yield Check("internal_links", GOOD, f"{_plural(internal, 'link')} to our own pages.")
    else:
        yield Check("internal_links", IMPROVE, "Link to at least one related page on this site.")
    if outbound:
        yield Check("outbound_links", GOOD, f"{_plural(outbound, 'link')} to other sites.")
    else:
        yield Check(
            "outbound_links", IMPROVE, "Link to at least one source elsewhere, such as a study."
        )


# The meters the panel draws, in the order it draws them, whatever their checks' ratings.
METERS = ("meta_title", "meta_description", "flesch", "passive_voice", "transition_words")


def meters(checks):
    """The checks that carry a meter, in the panel's fixed order."""
    return sorted((check for check in checks if check.meter), key=lambda c: METERS.index(c.key))


def problems(checks):
    """What blocks publishing."""
    return [check.message for check in checks if check.status == PROBLEM and not check.advisory]


def improvements(checks):
    """What the first press of Publish lists: improvements, and problems of style."""
    return [
        check.message
        for check in checks
        if check.status == IMPROVE or (check.status == PROBLEM and check.advisory)
    ]
