"""Parsers for the two plain-text article formats we receive.

Format A: schema.org JSON objects, a title line, the body, the FAQ again as plain text and a
``===SCHEMA_JSON_START===`` block with meta fields.  All JSON may use typographic quotes as
string delimiters.  Format B: plain paragraphs and dash bullets, no title.

Pure functions over ``str``: callers (management command, admin) handle I/O and decide what to
do with the warnings.  Placeholders (empty authors, YYYY-01-01 dates) become warnings, never data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

START, END = "===SCHEMA_JSON_START===", "===SCHEMA_JSON_END==="
QUOTES = '“”"'
HEADING_MAX = 120
ARTICLE_TYPES = ("Article", "BlogPosting", "NewsArticle")
# Author names that say "nobody in particular"; matched as whole words, case-insensitively.
GENERIC_AUTHORS = (
    "editorial",
    "staff",
    "admin",
    "administrator",
    "webmaster",
    "site team",
    "site editor",
    "our team",
    "the team",
    "anonymous",
    "unknown",
    "author",
    "guest",
)
AUTHOR_HINT = "choose the article's author instead"
DATE_HINT = "publication dates come from the workflow"

_WS = re.compile(r"\s*")
# Deeper JSON than any schema block needs; Python's decoder recurses per level.
MAX_JSON_DEPTH = 64
# What may follow a structural comma: a key (inside an object) or a value (inside an array).
# Keys are short: bounding the look-ahead keeps a long line of quotes linear, not quadratic.
_KEY_AHEAD = re.compile(r"\s{0,200}(?:[“”\"][^“”\"\n]{0,200}[“”\"]\s{0,200}:|[}\]])")
_VALUE_AHEAD = re.compile(r"\s*(?:[“”\"{\[\]}]|-?\d|(?:true|false|null)\b)")
_BULLET = re.compile(r"^[–•-]\s+(.*)$")
_LABEL = re.compile(r"^([^:*\n]{1,80}):\s+(\S.*)$")
# Line starts that Markdown would not render as written (headings, quotes, lists, rules, fences).
_MD_START = re.compile(
    r"^(?:#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|[-*_=][-*_=\s]*$|`{3}|~{3}|\d{1,9}(?=[.)](?:\s|$)))"
)
_PLACEHOLDER_DATE = re.compile(r"^\d{4}-01-01\b")
_GENERIC = re.compile(r"\b(?:" + "|".join(map(re.escape, GENERIC_AUTHORS)) + r")\b", re.I)
_FAQ_HEADING = re.compile(r"^(?:FAQs?|Frequently Asked Questions)\b", re.IGNORECASE)
# A closing "Sources" or "References" section: a heading at any level, or a plain line.
_SOURCES_HEADING = re.compile(
    r"^(?:#{1,6}\s+)?(?:\*\*)?(?:sources|references)(?:\*\*)?\s*:?\s*(?:\*\*)?$", re.I
)
_SOURCE_ITEM = re.compile(r"^(?:(\d{1,3})[.)]|[-*•–])\s+(\S.*)$")
_FOOTNOTE_DEF = re.compile(r"^\[\^(\d{1,3})\]:\s*(\S.*)$")
_REF_DOI = re.compile(r"(?:\bdoi:\s*|https?://(?:dx\.)?doi\.org/)(10\.\d{4,9}/\S+)", re.I)
_REF_PMID = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.I)
_REF_LINK = re.compile(r"^\[([^\]\n]+)\]\(<?(https?://[^)\s>]+)>?\)")
_REF_URL = re.compile(r"<?(https?://[^\s<>]+)>?")
_REF_DATE = re.compile(r"(?<![\d-])((?:19|20)\d\d(?:-\d\d(?:-\d\d)?)?)(?![\d-])")


class ImportFormatError(Exception):
    """Bad input; message says what and where."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line is not None else self.message


@dataclass
class ParsedFAQ:
    question: str
    answer: str


@dataclass
class ParsedDocument:
    format: str
    title: str
    body: str
    meta_title: str = ""
    meta_description: str = ""
    focus_keyword: str = ""
    faqs: list[ParsedFAQ] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Cited sources, normalized as Article.sources stores them.
    sources: list[dict] = field(default_factory=list)


# --- JSON repair -------------------------------------------------------------------------------


def repair_json(text: str) -> str:
    """Return ``text`` with typographic-quote (or sloppily quoted ASCII) JSON made valid.

    A quote closes a string only where JSON structure may follow it; content quotes stay as
    they are (ASCII ``"`` in content gets escaped).  Newlines are kept, so json error line
    numbers still point into the original text.
    """
    out: list[str] = []
    stack: list[str] = []
    last = ""  # last non-space character outside strings: tells keys from values
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in QUOTES:
            top = stack[-1] if stack else ""
            ctx = {"": "top", "[": "arr"}.get(top) or ("key" if last in ("{", ",") else "obj")
            literal, i = _scan_string(text, i, ctx)
            out.append(literal)
            last = '"'
            continue
        if ch in "{[":
            stack.append(ch)
        elif ch in "}]" and stack:
            stack.pop()
        if not ch.isspace():
            last = ch
        out.append(ch)
        i += 1
    return "".join(out)


def _closes(text: str, j: int, ctx: str) -> bool:
    """Whether the quote at ``j`` can end a string in context ``ctx`` (key/obj/arr/top)."""
    k = _WS.match(text, j + 1).end()
    if k == len(text):
        return True
    c = text[k]
    if ctx == "key":
        return c == ":"
    if c in "}]":
        return True
    if c != ",":
        return ctx == "top"
    # `the “brakes”, the …` is content: a structural comma is followed by a key or a value.
    return bool((_KEY_AHEAD if ctx == "obj" else _VALUE_AHEAD).match(text, k + 1))


def _scan_string(text: str, i: int, ctx: str) -> tuple[str, int]:
    """Read the string opened at ``i``; return (valid JSON literal, index after it)."""
    closers = '"' if text[i] == '"' else QUOTES  # ASCII-opened strings close with ASCII only
    buf: list[str] = []
    fallback: tuple[int, int] | None = None
    j = i + 1
    while j < len(text) and text[j] != "\n":
        c = text[j]
        if c == "\\" and j + 1 < len(text) and text[j + 1] in '"\\/bfnrtu':
            buf.append(text[j : j + 2])  # keep existing escapes
            j += 2
            continue
        if c in closers:
            if _closes(text, j, ctx):
                return '"' + "".join(buf) + '"', j + 1
            fallback = (len(buf), j)
        if c in '"\\':
            buf.append("\\" + c)
        elif c < " ":
            buf.append(f"\\u{ord(c):04x}")
        else:
            buf.append(c)
        j += 1
    if fallback:  # no quote in a structural spot on this line: the last one is the best guess
        size, j = fallback
        return '"' + "".join(buf[:size]) + '"', j + 1
    return '"' + "".join(buf), j  # unterminated: json.loads reports it on this line


def _load_values(lines: list[str], first: int, where: str) -> list[object]:
    """Parse concatenated JSON values in ``lines`` (file line ``first + 1`` onwards)."""
    text = repair_json("\n".join(lines))
    check_json_depth(text, where, first)
    decoder = json.JSONDecoder()
    values: list[object] = []
    idx = 0
    try:
        while (idx := _WS.match(text, idx).end()) < len(text):
            value, idx = decoder.raw_decode(text, idx)
            values.append(value)
    except json.JSONDecodeError as exc:
        # A newline inside a string is the only control character left after repair.
        msg = "unterminated string" if exc.msg.startswith("Invalid control") else exc.msg
        message = f"invalid JSON in {where}: {msg}"
        raise ImportFormatError(message, line=first + exc.lineno) from None
    return values


def check_json_depth(text: str, where: str, first: int = 0) -> None:
    """Refuse JSON nested deeper than MAX_JSON_DEPTH, before a decoder recurses into it."""
    depth, in_string, escaped, line = 0, False, False, 1
    for ch in text:
        if ch == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise ImportFormatError(
                    f"{where} is nested more than {MAX_JSON_DEPTH} levels deep", line=first + line
                )
        elif ch in "]}":
            depth -= 1


# --- Shared helpers ----------------------------------------------------------------------------


def parse_document(text: str) -> ParsedDocument:
    """Detect the format of ``text`` and parse it; raises ImportFormatError on bad input."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ImportFormatError("file is empty", line=1)
    lines = text.split("\n")
    lines, sources, warnings = split_sources(lines)
    doc = _parse_a(lines) if text.lstrip().startswith("{") or START in text else _parse_b(lines)
    doc.sources, doc.warnings = sources, warnings + doc.warnings
    return doc


# --- Sources -----------------------------------------------------------------------------------


def split_sources(lines: list[str]) -> tuple[list[str], list[dict], list[str]]:
    """Take the cited sources out of a document: its closing "Sources" or "References"
    section and any ``[^1]: …`` definitions.

    Returns the lines with those blanked (so line numbers still point into the file),
    the sources in number order, and warnings.
    """
    lines = list(lines)
    end = _index(lines, START, 0)
    end = len(lines) if end is None else end
    found: list[tuple[int, int, str]] = []  # (number, line, text)
    for i in range(end):
        if m := _FOOTNOTE_DEF.match(lines[i].strip()):
            found.append((int(m.group(1)), i + 1, m.group(2)))
            lines[i] = ""
    heading = next(
        (i for i in range(end - 1, -1, -1) if _SOURCES_HEADING.match(lines[i].strip())), None
    )
    if heading is not None and (items := _source_items(lines[heading + 1 : end], heading + 1)):
        for position, (number, line, text, _) in enumerate(items, start=1):
            found.append((number or position, line, text))
        for i in range(heading, heading + 2 + items[-1][3]):
            lines[i] = ""
    if not found:
        return lines, [], []
    warnings, by_number = [], {}
    for number, line, text in found:
        if number in by_number:
            warnings.append(f"line {line}: a second source {number}; ignored")
            continue
        by_number[number] = (line, text)
    numbers = sorted(by_number)
    if numbers != list(range(1, len(numbers) + 1)):
        warnings.append(
            f"sources are numbered {', '.join(map(str, numbers))}: kept in that order as 1 to "
            f"{len(numbers)}; check the [^N] citations in the text"
        )
    sources = []
    for number in numbers:
        line, text = by_number[number]
        entry, problems = _parse_reference(text)
        label = f"line {line}: source {number}"
        for name, problem in problems.items():
            if name != "title":
                warnings.append(f"{label}: {name} ignored, {problem}")
        if not entry["title"]:
            warnings.append(f"{label} has no title; skipped")
            continue
        sources.append(entry)
    return lines, sources, warnings


def _source_items(lines: list[str], offset: int) -> list[tuple[int | None, int, str, int]]:
    """(number or None, file line, text, index of its last line) for each item of a sources
    list; [] when what follows the heading is not only such a list. A line right under an
    item continues it; an FAQ heading ends the list."""
    items: list[list] = []
    previous_blank = True
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            previous_blank = True
            continue
        if _FAQ_HEADING.match(line) and items:
            break
        if m := _SOURCE_ITEM.match(line):
            number = int(m.group(1)) if m.group(1) else None
            items.append([number, offset + i + 1, m.group(2), i])
        elif items and not previous_blank:
            items[-1][2] += " " + line
            items[-1][3] = i
        else:
            return []
        previous_blank = False
    return [tuple(item) for item in items]


def _parse_reference(text: str) -> tuple[dict, dict]:
    """A source from one line such as ``Title. Publisher, 2024. https://… doi:10.1/x PMID: 1``."""
    from articles.publishing.sources import clean_entry

    raw = {"title": "", "publisher": "", "url": "", "date": "", "doi": "", "pmid": ""}
    text = " ".join(text.split())

    def take(pattern: re.Pattern, name: str, last: bool = False) -> None:
        nonlocal text
        matches = list(pattern.finditer(text))
        if matches:
            m = matches[-1] if last else matches[0]
            raw[name] = m.group(m.lastindex or 0).rstrip(".,;)")
            text = (text[: m.start()] + " " + text[m.end() :]).strip()

    take(_REF_DOI, "doi")
    take(_REF_PMID, "pmid")
    if m := _REF_LINK.match(text):
        raw["title"], raw["url"] = m.group(1), m.group(2)
        text = text[m.end() :]
    else:
        take(_REF_URL, "url")
    take(_REF_DATE, "date", last=True)
    rest = re.sub(r"\s+([,.;])", r"\1", text).strip(" .,;:")
    rest = re.sub(r"[,;]\s*(?=\.|$)", "", rest).strip(" .,;:")
    if raw["title"]:
        raw["publisher"] = rest
    elif ". " in rest:
        raw["title"], raw["publisher"] = (part.strip(" .,;") for part in rest.rsplit(". ", 1))
    else:
        raw["title"] = rest
    return clean_entry(raw)


def _escape_md(line: str) -> str:
    """Backslash-escape a line start Markdown would reinterpret; other text is left alone."""
    m = _MD_START.match(line)
    if not m:
        return line
    if m.group()[:1].isdigit():  # "1. foo" -> "1\. foo"
        return line[: m.end()] + "\\" + line[m.end() :]
    return "\\" + line


def _bullet_md(line: str) -> str:
    content = _BULLET.match(line).group(1)  # type: ignore[union-attr]
    if m := _LABEL.match(content):
        return f"- **{m.group(1).strip()}:** {m.group(2)}"
    return f"- {_escape_md(content)}"


def _render(items: list[tuple[str, str]]) -> str:
    """Markdown for (kind, text) items; consecutive bullets form one list."""
    parts: list[str] = []
    bullets: list[str] = []
    for kind, text in [*items, ("end", "")]:
        if kind == "bullet":
            bullets.append(_bullet_md(text))
            continue
        if bullets:
            parts.append("\n".join(bullets))
            bullets = []
        if kind == "heading":
            parts.append(f"## {text}")
        elif kind == "para":
            parts.append("\n".join(_escape_md(line) for line in text.split("\n")))
    return "\n\n".join(parts)


# --- Format B ----------------------------------------------------------------------------------


def _parse_b(lines: list[str]) -> ParsedDocument:
    # One paragraph or bullet per non-blank line; blank lines only separate.
    items = [("bullet" if _BULLET.match(s) else "para", s) for s in map(str.strip, lines) if s]
    return ParsedDocument(format="B", title="", body=_render(items))


# --- Format A ----------------------------------------------------------------------------------


def _leading_json_end(lines: list[str]) -> int:
    """Index of the first line after the leading JSON objects (0 if there are none)."""
    depth = 0  # naive brace count: good enough to find where prose starts
    for i, line in enumerate(lines):
        s = line.strip()
        if not s:
            continue
        if s[0] not in '{}[],“”"' or (depth == 0 and s[0] not in "{["):
            return i
        depth += s.count("{") + s.count("[") - s.count("}") - s.count("]")
    return len(lines)


def _blocks(lines: list[str], offset: int) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks as (1-based file line of first line, stripped lines)."""
    blocks: list[tuple[int, list[str]]] = []
    for number, line in enumerate(lines, offset + 1):
        if not line.strip():
            continue
        if blocks and blocks[-1][0] + len(blocks[-1][1]) == number:
            blocks[-1][1].append(line.strip())
        else:
            blocks.append((number, [line.strip()]))
    return blocks


def _is_heading(line: str) -> bool:
    return len(line) < HEADING_MAX and line.rstrip("”’\"')")[-1:] not in ".?!:;,…"


def _is_type(obj: object, *names: str) -> str:
    """The matching schema.org @type of ``obj`` (or "" when none matches)."""
    types = obj.get("@type") if isinstance(obj, dict) else None
    types = types if isinstance(types, list) else [types]
    return next((t for t in types if t in names), "")


def _faqs_from(page: dict, where: str, warnings: list[str]) -> list[ParsedFAQ]:
    entities = page.get("mainEntity") or []
    faqs = []
    for n, ent in enumerate(entities if isinstance(entities, list) else [entities], 1):
        ent = ent if isinstance(ent, dict) else {}
        answer = ent.get("acceptedAnswer")
        q, a = ent.get("name"), answer.get("text") if isinstance(answer, dict) else None
        if isinstance(q, str) and q.strip() and isinstance(a, str) and a.strip():
            faqs.append(ParsedFAQ(q.strip(), a.strip()))
        else:
            warnings.append(f"{where}: question {n} has no name or answer text; skipped")
    return faqs


def _cross_check(sources: list[tuple[str, list[ParsedFAQ]]]) -> list[str]:
    """Warnings for each FAQ that differs between the first source and the others."""

    def norm(s: str) -> str:
        return " ".join(s.split())

    if len(sources) < 2:
        return []
    (main, primary), warnings = sources[0], []
    ref = {norm(f.question): f for f in primary}
    for other, faqs in sources[1:]:
        seen = {norm(f.question): f for f in faqs}
        for key, faq in ref.items():
            if key not in seen:
                warnings.append(f'FAQ "{faq.question}": missing from {other}')
            elif norm(seen[key].answer) != norm(faq.answer):
                warnings.append(
                    f'FAQ "{faq.question}": answer differs between {main} and {other}; using {main}'
                )
        warnings += [
            f'FAQ "{f.question}": only in {other}; ignored' for k, f in seen.items() if k not in ref
        ]
    return warnings


def _article_warnings(article: dict, label: str) -> list[str]:
    warnings = []
    authors = article.get("author")
    for author in authors if isinstance(authors, list) else [authors]:
        name = author.get("name") if isinstance(author, dict) else author
        name = name.strip() if isinstance(name, str) else ""
        if not name:
            warnings.append(f"{label}.author.name is empty; ignored ({AUTHOR_HINT})")
        elif _GENERIC.search(name):
            warnings.append(
                f'{label}.author.name "{name}" looks like a generic placeholder; ignored '
                f"({AUTHOR_HINT})"
            )
    date = article.get("datePublished")
    date = date.strip() if isinstance(date, str) else ""
    if not date:
        warnings.append(f"{label}.datePublished is empty; ignored ({DATE_HINT})")
    elif _PLACEHOLDER_DATE.match(date):
        warnings.append(
            f'{label}.datePublished "{date}" looks like a placeholder; ignored ({DATE_HINT})'
        )
    return warnings


def _index(lines: list[str], marker: str, first: int) -> int | None:
    return next((i for i in range(first, len(lines)) if lines[i].strip() == marker), None)


def _schema_block(lines: list[str], warnings: list[str]) -> tuple[dict, int]:
    """The parsed schema block and the index of its START line (len(lines) if absent)."""
    start = _index(lines, START, 0)
    if start is None and (end := _index(lines, END, 0)) is not None:
        raise ImportFormatError(f"{END} without a preceding {START}", line=end + 1)
    if start is None:
        warnings.append(f"no {START} block; meta fields left empty")
        return {}, len(lines)
    if (end := _index(lines, END, start + 1)) is None:
        raise ImportFormatError(
            f"schema block starting at line {start + 1} is not terminated (missing {END})",
            line=start + 1,
        )
    values = _load_values(lines[start + 1 : end], start + 1, "the schema block")
    if len(values) != 1 or not isinstance(values[0], dict):
        raise ImportFormatError("the schema block must hold exactly one JSON object", start + 1)
    if any(line.strip() for line in lines[end + 1 :]):
        warnings.append(f"text after {END} on line {end + 1} ignored")
    return values[0], start


def _parse_a(lines: list[str]) -> ParsedDocument:
    warnings: list[str] = []
    lead_end = _leading_json_end(lines)
    values = _load_values(lines[:lead_end], 0, "the leading JSON")
    leading = [v for v in values if isinstance(v, dict)]
    schema, body_end = _schema_block(lines, warnings)

    blocks = _blocks(lines[lead_end:body_end], lead_end)
    title = ""
    body_line = lead_end + 1
    if blocks and len(blocks[0][1]) == 1 and len(blocks[0][1][0]) < HEADING_MAX:
        (title_line, (title,)), blocks = blocks[0], blocks[1:]
        body_line = title_line + 1
    else:
        warnings.append("no title line found after the leading JSON")

    # The FAQ repeated as plain text closes the body: cut it, keep it for the cross-check.
    plain: list[ParsedFAQ] = []

    def is_question(block: list[str]) -> bool:
        return len(block) == 1 and block[0].endswith("?")

    while len(blocks) >= 2 and is_question(blocks[-2][1]) and not is_question(blocks[-1][1]):
        plain.insert(0, ParsedFAQ(blocks[-2][1][0], " ".join(blocks[-1][1])))
        del blocks[-2:]
    if plain and blocks and len(blocks[-1][1]) == 1 and _FAQ_HEADING.match(blocks[-1][1][0]):
        del blocks[-1]
    if not blocks:
        raise ImportFormatError("no body text", line=body_line)

    items: list[tuple[str, str]] = []
    for k, (_, block) in enumerate(blocks):
        if all(_BULLET.match(line) for line in block):
            items += [("bullet", line) for line in block]
        elif len(block) == 1 and k + 1 < len(blocks) and _is_heading(block[0]):
            items.append(("heading", block[0]))
        else:
            items.append(("para", "\n".join(block)))

    meta = {}
    for key in ("meta_title", "meta_description", "focus_keyword"):
        value = schema.get(key, "")
        meta[key] = value.strip() if isinstance(value, str) else ""
        if schema and not meta[key]:
            warnings.append(f"schema block: {key} is missing or empty")

    sources: list[tuple[str, list[ParsedFAQ]]] = []
    if isinstance(schema.get("faq_schema"), dict):
        faqs = _faqs_from(schema["faq_schema"], "faq_schema", warnings)
        sources.append(("the schema block", faqs))
    if page := next((obj for obj in leading if _is_type(obj, "FAQPage")), None):
        sources.append(("the leading FAQPage", _faqs_from(page, "FAQPage", warnings)))
    if plain:
        sources.append(("the plain-text FAQ", plain))
    warnings += _cross_check(sources)

    for obj in leading:
        if label := _is_type(obj, *ARTICLE_TYPES):
            warnings += _article_warnings(obj, label)
    if isinstance(schema.get("article_schema"), dict):
        warnings += _article_warnings(schema["article_schema"], "article_schema")

    return ParsedDocument(
        format="A",
        title=title,
        body=_render(items),
        faqs=sources[0][1] if sources else [],
        warnings=warnings,
        **meta,
    )
