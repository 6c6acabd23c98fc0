"""Render Markdown to HTML and sanitize it; run on save, never per request.

CommonMark (markdown-it-py) with tables, strikethrough, footnotes, definition
lists and heading anchors. Every call builds its own parser, so nothing one
render does can reach the next. Parsing and sanitizing are linear, but cost tens
of microseconds for each line, link, tag or cell: text is held to the limits in
limits.py, counted before it is parsed, and what nests too deeply is parsed but
never rendered.
"""

import bisect
import functools
import re
from collections import Counter

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.html import linebreaks
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from . import limits
from .text import cleaner, per_thread

ALLOWED_TAGS = frozenset(
    {
        "h2", "h3", "h4", "h5", "h6",
        "p", "br", "hr",
        "ul", "ol", "li", "dl", "dt", "dd",
        "strong", "em", "b", "i", "del", "s", "sup", "sub", "abbr",
        "code", "pre", "blockquote",
        "table", "thead", "tbody", "tr", "th", "td",
        "a", "img",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "img": ["src", "alt", "title", "width", "height"],
    "abbr": ["title"],
    "th": ["align"],
    # Footnote links and their back-references point at these ids; "cite" marks a
    # citation of the article's sources, and is the only class kept.
    "sup": lambda tag, name, value: name == "id" or (name == "class" and value == "cite"),
    "li": ["id"],
    "td": ["align"],
    **{f"h{level}": ["id"] for level in range(2, 7)},
}
# "image:42" names a picture of the image library, written out after sanitizing (see
# library/embed.py); anywhere else it leads nowhere.
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "image"})

# Lists and quotes deeper than this are refused; the parser stops well above it,
# so accepted text is never cut.
MAX_DEPTH = 10
MAX_INLINE_DEPTH = 40
_PARSER_NESTING = 2 * MAX_DEPTH + 8

_cleaner = per_thread(
    lambda: cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
)

# bleach keeps the text of stripped tags; the text of these is code, never content.
# Safety comes from the allowlist, this only drops the noise.
_CODE_TAGS = "script|style|iframe|noscript|template"
_CODE_ELEMENTS = re.compile(rf"<({_CODE_TAGS})\b.*?(</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL)
# Where the writer's own HTML opens one of those, or a comment, text may vanish with it.
_OPENER = re.compile(rf"<({_CODE_TAGS})\b|<!--", re.IGNORECASE)
_CLOSER = re.compile(rf"</({_CODE_TAGS})\s*>", re.IGNORECASE)


def sanitize_html(html):
    """Strip everything outside the allowlist: scripts, handlers, iframes, bad URLs."""
    return _cleaner().clean(_CODE_ELEMENTS.sub("", html or ""))


def _demote_h1(state):
    # The page title is the only h1; a "# Heading" in a body becomes an h2.
    for token in state.tokens:
        if token.tag == "h1":
            token.tag = "h2"


def _align_cells(state):
    # The sanitizer drops style attributes; keep table alignment as align="…".
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            style = token.attrGet("style") or ""
            if style.startswith("text-align:"):
                token.attrs.pop("style")
                token.attrSet("align", style.removeprefix("text-align:"))


# [^N] with no footnote N defined cites the article's source N (see sources.py).
_CITATION = re.compile(r"\[\^([1-9]\d{0,2})\]")


def _cite_sources(state):
    """Turn [^N] in plain text into citation tokens: code and link text stay as written."""
    defined = state.env.get("footnotes", {}).get("refs", {})
    seen = {}
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children, in_link = [], 0
        for token in block.children:
            in_link += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            if token.type != "text" or in_link or "[^" not in token.content:
                children.append(token)
                continue
            children += _split_citations(state, token, defined, seen)
        block.children = children


def _split_citations(state, token, defined, seen):
    pieces, start = [], 0
    for found in _CITATION.finditer(token.content):
        number = int(found.group(1))
        if f":{number}" in defined:
            continue  # a footnote of the text's own
        if found.start() > start:
            pieces.append(_text(state, token.content[start : found.start()]))
        seen[number] = seen.get(number, 0) + 1
        cite = Token("source_cite", "", 0)
        cite.meta = {"number": number, "occurrence": seen[number]}
        pieces.append(cite)
        start = found.end()
    if not pieces:
        return [token]
    if start < len(token.content):
        pieces.append(_text(state, token.content[start:]))
    return pieces


def _text(state, content):
    token = Token("text", "", 0)
    token.content = content
    return token


def _source_cite(renderer, tokens, idx, options, env):
    number, occurrence = tokens[idx].meta["number"], tokens[idx].meta["occurrence"]
    # Each citation its own id; the first is the one a source's reader returns to.
    anchor = f"cite-{number}" + (f"-{occurrence}" if occurrence > 1 else "")
    return f'<sup class="cite" id="{anchor}"><a href="#source-{number}">[{number}]</a></sup>'


def _footnote_ref(renderer, tokens, idx, options, env):
    meta = tokens[idx].meta
    number = meta["id"] + 1
    ref = f"fnref{number}" + (f"-{meta['subId']}" if meta.get("subId", 0) > 0 else "")
    return f'<sup id="{ref}"><a href="#fn{number}">{number}</a></sup>'


def _footnote_block_open(renderer, tokens, idx, options, env):
    return "<hr>\n<ol>\n"


def _footnote_block_close(renderer, tokens, idx, options, env):
    return "</ol>\n"


def _footnote_open(renderer, tokens, idx, options, env):
    return f'<li id="fn{tokens[idx].meta["id"] + 1}">'


def _footnote_anchor(renderer, tokens, idx, options, env):
    meta = tokens[idx].meta
    ref = f"fnref{meta['id'] + 1}" + (f"-{meta['subId']}" if meta.get("subId", 0) > 0 else "")
    return f' <a href="#{ref}" title="Back to the text">\u21a9\ufe0e</a>'


# Ids the article page gives its own parts: a heading never takes one of them.
_PAGE_IDS = re.compile(r"(?:source|cite)-\d+(?:-\d+)?|(?:contents|faq|sources|related)-heading")


def _heading_id(text):
    slug = slugify(text)
    return f"{slug}-section" if _PAGE_IDS.fullmatch(slug) else slug


def _heading_ids(state):
    """An id for each heading from its text, unique in the text: sleep, sleep-1, sleep-2.

    Each id remembers the last number it took, so repeated headings cost one lookup each
    (mdit-py-plugins' anchors count up from 1 every time: quadratic in the repeats).
    """
    taken, last = set(), {}
    for index, token in enumerate(state.tokens):
        if token.type != "heading_open":
            continue
        children = state.tokens[index + 1].children or ()
        base = _heading_id("".join(c.content for c in children if c.type in _TITLE_TYPES))
        slug, number = base, last.get(base, 0)
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        last[base] = number
        taken.add(slug)
        token.attrSet("id", slug)


_TITLE_TYPES = frozenset({"text", "code_inline"})


def _parser():
    md = MarkdownIt("commonmark", {"html": True, "maxNesting": _PARSER_NESTING})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(deflist_plugin)
    md.core.ruler.push("demote_h1", _demote_h1)
    md.core.ruler.push("align_cells", _align_cells)
    # Before text_join, while an escaped `\[^1]` is still apart from its text.
    md.core.ruler.before("text_join", "cite_sources", _cite_sources)
    md.core.ruler.push("heading_ids", _heading_ids)
    md.add_render_rule("source_cite", _source_cite)
    md.add_render_rule("footnote_ref", _footnote_ref)
    md.add_render_rule("footnote_block_open", _footnote_block_open)
    md.add_render_rule("footnote_block_close", _footnote_block_close)
    md.add_render_rule("footnote_open", _footnote_open)
    md.add_render_rule("footnote_anchor", _footnote_anchor)
    return md


def _lines(tokens):
    """(line, block token, its inline pieces) in order; an HTML block is its own piece."""
    line = 1
    for token in tokens:
        if token.map:
            line = token.map[0] + 1
        yield line, token, [token] if token.type == "html_block" else token.children or ()


def _raw_html(tokens):
    """(line, html) for every piece of raw HTML the writer typed, in order."""
    for line, _, pieces in _lines(tokens):
        for piece in pieces:
            if piece.type in ("html_block", "html_inline"):
                yield line, piece.content


def _unclosed(tokens):
    """Where raw HTML opens a script, style, iframe or comment whose removal would take text."""
    starts, lines, pieces, offset = [], [], [], 0
    for line, html in _raw_html(tokens):
        starts.append(offset)
        lines.append(line)
        pieces.append(html)
        offset += len(html) + 1
    html = "\n".join(pieces)
    closers = {}
    for found in _CLOSER.finditer(html):
        closers.setdefault(found.group(1).lower(), []).append(found.start())
    closers["--"] = [found.start() for found in re.finditer("-->", html)]

    def line_at(position):
        return lines[bisect.bisect_right(starts, position) - 1]

    for found in _OPENER.finditer(html):
        name = (found.group(1) or "--").lower()
        tag = "a comment (<!--)" if name == "--" else f"a <{name}> tag"
        ends = closers.get(name, [])
        index = bisect.bisect_left(ends, found.end())
        line = line_at(found.start())
        if index == len(ends):
            return (
                f"{tag[0].upper()}{tag[1:]} opened on line {line} is never closed, so everything "
                "after it would be removed. Close it or delete it."
            )
        if (end_line := line_at(ends[index])) != line:
            return (
                f"{tag[0].upper()}{tag[1:]} runs from line {line} to line {end_line}, so "
                "everything between would be removed. Close it on the line it starts."
            )
    return None


# Elements html5lib closes by itself, or that hold nothing: they add no depth.
_SELF_CLOSING = frozenset(
    "p li dt dd tr td th thead tbody tfoot option optgroup colgroup caption rt rp "
    "area base br col embed hr img input link meta source track wbr".split()
)
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
# The rest of a tag, to its ">"; a value quoted after "=" may hold one. Possessive, so each
# tag is read once: one that never ends runs to the end of the text, as in a browser, and
# nothing after it is a tag.
_TAG_REST = re.compile(r"""(?:[^>"'=]++|=\s*+(?:"[^"]*+"|'[^']*+'|(?!["']))|["'])*+>""")
_CONTAINERS = frozenset(
    {"bullet_list_open", "ordered_list_open", "blockquote_open", "dl_open", "footnote_open"}
)


def _tags(html):
    """(closing, lowercase name, the whole tag) for each tag in raw HTML, in one pass."""
    position = 0
    while found := _TAG_NAME.search(html, position):
        rest = _TAG_REST.match(html, found.end())
        if rest is None:
            return
        yield found.group(1), found.group(2).lower(), html[found.start() : rest.end()]
        position = rest.end()


class _OpenTags:
    """The raw HTML tags left open so far, across every piece of the text.

    A closing tag closes its own opening and whatever was opened after it, as html5lib
    does; one with nothing of its name open closes nothing.
    """

    def __init__(self):
        self.stack, self.counts = [], Counter()

    def feed(self, html):
        """The deepest this piece of raw HTML nests, counting from what is already open."""
        deepest = len(self.stack)
        for closing, name, tag in _tags(html):
            if tag.endswith("/>") or name in _SELF_CLOSING:
                continue
            if not closing:
                self.stack.append(name)
                self.counts[name] += 1
                deepest = max(deepest, len(self.stack))
            elif self.counts[name]:
                while (closed := self.stack.pop()) != name:
                    self.counts[closed] -= 1
                self.counts[name] -= 1
        return deepest


def _too_deep(tokens):
    """A message for the first line where the text nests beyond what renders safely."""
    containers = 0
    raw = _OpenTags()
    for line, token, pieces in _lines(tokens):
        if token.type in _CONTAINERS:
            containers += 1
            if containers > MAX_DEPTH:
                return (
                    f"Lists or quotes are nested more than {MAX_DEPTH} levels deep on line {line}."
                )
        elif token.type.replace("_close", "_open") in _CONTAINERS:
            containers -= 1
        if token.level >= _PARSER_NESTING - 1:
            return f"The text nests too deeply to render on line {line}."
        # html5lib slows down sharply on very deep trees, and reopens unclosed
        # formatting tags in every later paragraph, so raw depth runs on.
        formatting = 0
        for piece in pieces:
            if piece.type in ("html_block", "html_inline"):
                deepest = raw.feed(piece.content)
            else:
                formatting = deepest = max(formatting + piece.nesting, 0)
            if len(raw.stack) + formatting > MAX_INLINE_DEPTH or deepest > MAX_INLINE_DEPTH:
                return (
                    f"Formatting or HTML tags are nested more than {MAX_INLINE_DEPTH} levels "
                    f"deep on line {line}."
                )
    return None


_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def _missing_alt(tokens):
    """The line of the first image, Markdown or raw HTML, with no alt text."""
    for line, _, pieces in _lines(tokens):
        for piece in pieces:
            if piece.type == "image" and not _image_text(piece).strip() and not _library(piece):
                return line
            if piece.type in ("html_block", "html_inline") and _raw_image_without_alt(piece):
                return line
    return None


def _library(image):
    """A library image brings its own alt text."""
    return (image.attrGet("src") or "").startswith("image:")


def _image_text(image):
    return "".join(child.content for child in image.children or ())


def _raw_image_without_alt(piece):
    for closing, name, tag in _tags(piece.content):
        if name == "img" and not closing:
            alt = _ALT.search(tag)
            if not alt or not "".join(alt.groups("")).strip():
                return True
    return False


def _parse(text):
    md, env = _parser(), {}
    return md, md.parse(text, env), env


def _outcome(text):
    """(problems, sanitized HTML) for a text; the HTML is None when the text is refused.

    The limits are counted on the raw text, so text past them is never parsed; text
    that nests too deeply is parsed, but never rendered or sanitized, where depth is slow.
    """
    if problems := limits.problems(text, limits.MAX_LENGTH):
        return tuple(problems), None
    problems, html = _rendered(text)
    return problems, None if html is None else sanitize_html(html)


def _rendered(text):
    # Apart from _outcome, so the parse is let go before the sanitizer builds its tree.
    md, tokens, env = _parse(text)
    if too_deep := _too_deep(tokens):
        return (too_deep,), None
    return tuple(_soft_problems(tokens)), md.renderer.render(tokens, md.options, env)


# A save checks the text in the form, then renders it for the revision and for the row:
# the last few outcomes are kept, so the text is parsed and sanitized once.
_recent_outcome = functools.lru_cache(maxsize=16)(_outcome)


def _checked(text, max_length):
    """(problems, HTML or None), held to the field's own length first."""
    if len(text) > max_length:
        return tuple(limits.problems(text, max_length)), None
    return _recent_outcome(text)


def render_markdown(text):
    """Markdown source to sanitized HTML, as stored on the model.

    Text the checks refuse cannot be saved through a form or an import; should some
    reach here (the unsaved text of a refused form, an old revision), it shows as
    written, escaped, and is not parsed.
    """
    text = text or ""
    html = _checked(text, limits.MAX_LENGTH)[1]
    if html is None:
        # No longer than a text may be, so what reads the HTML (the search checks, the
        # word count) stays bounded too.
        return linebreaks(text[: limits.MAX_LENGTH], autoescape=True)
    return html


def preview(text, max_length):
    """(problems, sanitized HTML); refused text is not rendered at all."""
    problems, html = _checked(text or "", max_length)
    return list(problems), html or ""


def markdown_problems(text, max_length):
    """What in this Markdown would fail or be lost on saving, as messages for the writer."""
    return list(_checked(text or "", max_length)[0])


def _soft_problems(tokens):
    problems = [unclosed] if (unclosed := _unclosed(tokens)) else []
    if line := _missing_alt(tokens):
        problems.append(
            f"The image on line {line} has no alt text. Say what it shows, for people who "
            "cannot see it: ![A sleeping cat](…)."
        )
    return problems


@deconstructible
class MarkdownValidator:
    """Refuses Markdown that is too long, holds too much markup, nests too deeply, or would
    lose text."""

    def __init__(self, max_length):
        self.max_length = max_length

    def __call__(self, value):
        if problems := markdown_problems(value, self.max_length):
            raise ValidationError(problems, code="markdown")

    def __eq__(self, other):
        return isinstance(other, MarkdownValidator) and other.max_length == self.max_length
