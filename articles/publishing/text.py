"""Plain-text views of stored HTML."""

import html
import math
import re
import threading
from urllib.parse import urlsplit

import bleach
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


_tag_stripper = per_thread(lambda: bleach.Cleaner(tags=set(), strip=True))


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
