"""Plain-text views of stored HTML."""

import html
import math
import re
import threading
from urllib.parse import urlsplit

import bleach
from bleach import html5lib_shim
from django.utils.html import strip_tags

WORDS_PER_MINUTE = 230

# C0 controls but tab, newline and carriage return; DEL; and what XML 1.0 cannot carry.
# Invisible in text, and feeds and sitemaps refuse to serialize them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def strip_controls(value):
    return CONTROL_CHARACTERS.sub("", value)


def per_thread(make):
    """A getter of make()'s value, made once in each thread: for bleach's Cleaner, which
    keeps parser state between calls, and costs more to build than most texts to clean."""
    local = threading.local()

    def get():
        try:
            return local.value
        except AttributeError:
            local.value = make()
            return local.value

    return get


class _LinearWalker(html5lib_shim.getTreeWalker("etree")):
    """html5lib's etree walker, remembering each ancestor's place among its siblings.

    The original finds that place again by searching the siblings each time it climbs
    back out of an element, which is quadratic in an element's width: a paragraph of
    10,000 footnote references, a table of 10,000 rows. The tree walked is the same.
    """

    def getFirstChild(self, node):
        element, key, parents, flag = node if isinstance(node, tuple) else (node, None, [], None)
        if flag in ("text", "tail"):
            return None
        if element.text:
            return element, key, parents, "text"
        return self._enter(element, key, parents)

    def getNextSibling(self, node):
        if not isinstance(node, tuple):
            return None
        element, key, parents, flag = node
        if flag == "text":
            return self._enter(element, key, parents)
        if element.tail and flag != "tail":
            return element, key, parents, "tail"
        siblings = parents[-1][0]
        if key < len(siblings) - 1:
            return siblings[key + 1], key + 1, parents, None
        return None

    def getParentNode(self, node):
        if not isinstance(node, tuple):
            return None
        element, key, parents, flag = node
        if flag == "text":
            return (element, key, parents, None) if parents else element
        parent, parent_key = parents.pop()
        return (parent, parent_key, parents, None) if parents else parent

    @staticmethod
    def _enter(element, key, parents):
        if not len(element):
            return None
        parents.append((element, key))
        return element[0], 0, parents, None


class _Tokenizer(html5lib_shim.BleachHTMLTokenizer):
    """bleach's tokenizer, reading an "&" in text and all that follows it, up to the next
    tag, as one piece of text.

    bleach leaves entities as written, so that is all text, but the original hands it to
    the tree in pieces cut at every "&", and the tree adds each piece to a growing string:
    quadratic in a paragraph of entities (markdown writes &amp;, &quot; and &gt;).
    """

    def entityDataState(self):
        if self.consume_entities:
            return super().entityDataState()
        text = "&" + self.stream.charsUntil(("<", "\u0000"))
        self.tokenQueue.append({"type": html5lib_shim.TAG_TOKEN_TYPE_CHARACTERS, "data": text})
        self.state = self.dataState
        return True


class _Parser(html5lib_shim.BleachHTMLParser):
    """bleach's parser, with the tokenizer above."""

    def _parse(self, stream, innerHTML=False, container="div", scripting=True, **kwargs):
        # As bleach's own, but for the tokenizer's class.
        self.innerHTMLMode = innerHTML
        self.container = container
        self.scripting = scripting
        self.tokenizer = _Tokenizer(
            stream=stream, consume_entities=self.consume_entities, parser=self, **kwargs
        )
        self.reset()
        try:
            self.mainLoop()
        except html5lib_shim.ReparseException:
            self.reset()
            self.mainLoop()


def cleaner(**options):
    """A bleach Cleaner that parses text and walks the cleaned tree in linear time."""
    made = bleach.Cleaner(**options)
    made.parser = _Parser(
        tags=made.tags, strip=made.strip, consume_entities=False, namespaceHTMLElements=False
    )
    made.walker = _LinearWalker
    return made


_tag_stripper = per_thread(lambda: cleaner(tags=set(), strip=True))


def without_tags(text):
    """``text`` with every tag removed and its text kept, entities as bleach leaves them."""
    return _tag_stripper().clean(text or "")


def html_to_text(markup):
    """Visible text of sanitized HTML, with entities decoded and spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(markup or ""))).strip()


# Marks that point readers elsewhere on the page rather than say anything: a citation's
# number, a footnote's number and the link back from the footnote (see markdown.py).
_MARKS = re.compile(
    r'<sup\b[^>]*\bclass="cite"[^>]*>.*?</sup>'
    r'|<sup\b[^>]*\bid="fnref[^"]*"[^>]*>.*?</sup>'
    r'|<a\b[^>]*\bhref="#fnref[^"]*"[^>]*>.*?</a>',
    re.DOTALL,
)
# Where one block of text ends and the next begins, so their words never run together.
_BLOCK_EDGES = re.compile(r"</?(?:p|li|dt|dd|h[2-6]|td|th|blockquote|pre|br|hr)\b[^>]*>")


def plain_text(markup):
    """The words readers read in sanitized HTML, without citation and footnote marks: what
    search indexes and quotes."""
    # No control characters either: search marks its matches with two of them.
    return strip_controls(html_to_text(_BLOCK_EDGES.sub(" ", _MARKS.sub("", markup or ""))))


def word_count(markup):
    return len(html_to_text(markup).split())


def reading_minutes(words):
    return max(1, math.ceil(words / WORDS_PER_MINUTE)) if words else 0


def truncate(text, limit):
    """Cut at a word boundary and mark the cut, for descriptions and summaries."""
    text = (text or "").strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


# Every control character (line breaks, tabs, C1 controls, Unicode's line and paragraph
# separators) and any other white space: a mail header must be one line.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\s]+")


def one_line(text, limit):
    """``text`` as a single line for a header: breaks and controls as one space, cut at
    a word boundary to ``limit`` characters."""
    return truncate(_BREAKS.sub(" ", text or ""), limit)


_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.DOTALL)


def outline(markup):
    """The sections of sanitized HTML as [{"id", "title"}], for an "on this page" list."""
    return [{"id": anchor, "title": html_to_text(title)} for anchor, title in _H2.findall(markup)]


def web_url(value):
    """The URL if it is an absolute http(s) address, else "": never a javascript: link."""
    value = (value or "").strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    return value if parts.scheme.lower() in {"http", "https"} and parts.netloc else ""


def inert(text):
    """One line of plain text, safe inside Markdown we compose: tags dropped, markup
    characters escaped, no line breaks."""
    text = html.unescape(without_tags(text))
    text = " ".join(text.split())
    return re.sub(r"([\\`*_{}\[\]()<>#|!])", r"\\\1", text)
