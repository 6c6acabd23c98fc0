"""Render Markdown to HTML and sanitize it; run on save, never per request."""

import re
import threading

import bleach
import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = frozenset(
    {
        "h2", "h3", "h4", "h5", "h6",
        "p", "br", "hr",
        "ul", "ol", "li", "dl", "dt", "dd",
        "strong", "em", "b", "i", "del", "sup", "sub", "abbr",
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
    # Footnote links and their back-references point at these ids.
    "sup": ["id"],
    "li": ["id"],
    "td": ["align"],
    **{f"h{level}": ["id"] for level in range(2, 7)},
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


class _DemoteH1(Treeprocessor):
    # The page title is the only h1; a "# Heading" in a body becomes an h2.
    def run(self, root):
        for element in root.iter("h1"):
            element.tag = "h2"


class _DemoteH1Extension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API name
        md.treeprocessors.register(_DemoteH1(md), "demote_h1", 5)


# bleach keeps the text of stripped tags; the text of these is code, never content.
# Safety comes from the allowlist below, this only drops the noise.
_CODE_ELEMENTS = re.compile(
    r"<(script|style|iframe|noscript|template)\b.*?(</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL
)


def sanitize_html(html):
    """Strip everything outside the allowlist: scripts, handlers, iframes, bad URLs."""
    return _cleaner.clean(_CODE_ELEMENTS.sub("", html or ""))


_local = threading.local()


def _renderer():
    # Building a Markdown instance costs more than a short conversion; keep one per thread.
    if not hasattr(_local, "md"):
        _local.md = markdown.Markdown(
            extensions=["extra", "sane_lists", "toc", _DemoteH1Extension()],
            extension_configs={"toc": {"permalink": False}},
            output_format="html",
        )
    return _local.md.reset()


def render_markdown(text):
    """Markdown source to sanitized HTML, as stored on the model."""
    return sanitize_html(_renderer().convert(text or ""))
