"""What one Markdown text may hold, counted on the raw text before it is parsed.

Parsing and sanitizing cost a few tens of microseconds for each line, link, tag, table
cell or footnote, so a text full of them holds a worker however short it is. Each
limit is several times what a long, dense article uses, and the worst text within it
renders in a fraction of a second. A text may also come near several limits at once,
so the shares of their limits it uses may add up to at most COMBINED_LIMIT.
"""

import re
from itertools import islice

# The longest text the renderer takes: an article body. Each field sets its own.
MAX_LENGTH = 60_000
MAX_LINES = 2_500
COMBINED_LIMIT = 1.5


class Kind:
    """One costly kind of markup: its limit, and how the writer is told about it."""

    def __init__(self, name, limit, described, needles=()):
        self.name, self.limit, self.described = name, limit, described
        # What one of them is, as plain text; none for lines and table cells.
        self.needles = needles
        self.pattern = re.compile("|".join(map(re.escape, needles)))

    def count(self, text):
        return len(self.pattern.findall(text))

    def line_past_limit(self, text):
        """The line of the first one over the limit."""
        found = next(islice(self.pattern.finditer(text), self.limit, None))
        return text.count("\n", 0, found.start()) + 1


# "The text has 2,345 {described}; the limit is 2,000."
LINKS = Kind("“[” brackets", 1_500, "“[” brackets, which links, images and footnotes use", "[")
TAGS = Kind("“<” signs", 1_500, "“<” signs, which HTML tags and autolinks use", "<")
FOOTNOTES = Kind("footnote marks", 600, "footnote marks, [^…] or ^[…]", ("[^", "^["))
MARKS = Kind("emphasis and code marks", 5_000, "emphasis and code marks, * _ ` or ~", "*_`~")
ESCAPED = Kind("escaped characters", 8_000, 'characters HTML escapes, & " or >', '&">')
TABLE_CELLS = Kind("table cells", 3_000, "table cells (each table’s columns times its rows)")
LINES = Kind("lines", MAX_LINES, "lines that are not blank")
COUNTED = (LINKS, TAGS, FOOTNOTES, MARKS, ESCAPED)

_BLANK_LINE = re.compile(r"^[ \t]*$", re.MULTILINE)
# A table's delimiter row, as the parser knows it, inside a quote or not; and the blank
# line (in a quote or not) that ends the table.
_DELIMITER_ROW = re.compile(r"^[ \t>]*[|:-][ \t|:-]*$", re.MULTILINE)
_TABLE_END = re.compile(r"^[ \t>]*$", re.MULTILINE)


def _tables(text):
    """(offset, cells) for each table: its columns times its rows, as the parser fills them.

    A table runs to the next blank line, which is as far as the parser can take it.
    """
    text = text if text.endswith("\n") else text + "\n"
    position = 0
    while found := _DELIMITER_ROW.search(text, position):
        start, row = found.start(), found.group().lstrip(" \t>")
        header = text[text.rfind("\n", 0, start - 1) + 1 : start]
        position = found.end() + 1
        if start == 0 or "-" not in row or "|" not in header:
            continue
        columns = sum(1 for cell in row.split("|") if cell.strip())
        end = _TABLE_END.search(text, position).start()
        # The lines from the delimiter row to the end: the header and the rows after it.
        yield start, columns * text.count("\n", start, end)
        position = end


def problems(text, max_length):
    """Messages for the limits the text passes, found without parsing it; none if it
    passes none."""
    if len(text) > max_length:
        return [f"This is {len(text):,} characters long; the limit is {max_length:,}."]
    lines = _lines(text)
    if lines > MAX_LINES:
        return [_over(LINES, lines)]
    counts = {kind: kind.count(text) for kind in COUNTED}
    if found := [_over(kind, count, kind.line_past_limit(text))
                 for kind, count in counts.items() if count > kind.limit]:  # fmt: skip
        return found
    cells, line = _table_cells(text)
    if cells > TABLE_CELLS.limit:
        return [_over(TABLE_CELLS, cells, line)]
    counts[LINES], counts[TABLE_CELLS] = lines, cells
    if sum(count / kind.limit for kind, count in counts.items()) > COMBINED_LIMIT:
        return [_combined(counts)]
    return []


def counts(text):
    """{kind: how many of it the text holds}, for every kind."""
    found = {LINES: _lines(text), **{kind: kind.count(text) for kind in COUNTED}}
    found[TABLE_CELLS] = _table_cells(text)[0]
    return found


def _lines(text):
    # Blank lines cost next to nothing, and spacing text out should not count against it.
    return text.count("\n") + 1 - len(_BLANK_LINE.findall(text))


def _table_cells(text):
    """Cells in all, and the line of the table that takes them past the limit."""
    total, past = 0, None
    for offset, cells in _tables(text):
        total += cells
        if past is None and total > TABLE_CELLS.limit:
            past = text.count("\n", 0, offset)
    return total, past


def _over(kind, count, line=None):
    where = f" It passes the limit on line {line:,}." if line else ""
    return f"The text has {count:,} {kind.described}; the limit is {kind.limit:,}.{where}"


def _combined(counts):
    heavy = sorted(
        ((count / kind.limit, kind, count) for kind, count in counts.items()),
        key=lambda share: share[0],
        reverse=True,
    )
    parts = ", ".join(
        f"{count:,} of {kind.limit:,} {kind.name}" for share, kind, count in heavy if share >= 0.2
    )
    return (
        f"The text comes close to several limits at once ({parts}), which together make "
        "it too slow to render. Shorten it, or split it into two."
    )
