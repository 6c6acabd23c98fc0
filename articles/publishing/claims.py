"""Sentences that state a figure, and whether they cite a source: for the health checks.

``sentences(block)`` splits one paragraph or list item into sentences; ``figure(sentence)``
names the figure a sentence states (a percentage, "1 in 5", "3 times", "2.5 million", a
year such as "In 2026"), or "" when it states none; ``cited(sentence)`` tells whether it
cites a source, as a ``[^n]`` in the text or the CITE mark the analysis puts where the
page links to a source. Everything works on whitespace-separated tokens, each looked at a
fixed number of times, so any input, however hostile, costs time in proportion to its
length: no pattern here can backtrack across a long run of text.
"""

import re

# Put by analysis.py where the page's HTML links to one of the sources (#source-N).
CITE = "\ue000"
# Words that end with a full stop without ending the sentence.
ABBREVIATIONS = {
    "e.g.", "i.e.", "etc.", "cf.", "vs.", "al.", "approx.", "dr.", "mr.", "mrs.", "ms.",
    "prof.", "st.", "no.", "nos.", "fig.", "figs.", "vol.", "p.", "pp.", "ed.", "eds.",
    "inc.", "ltd.", "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.",
    "oct.", "nov.", "dec.", "ca.",
}  # fmt: skip
NUMBER_WORDS = {
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "fifteen", "twenty", "hundred",
}  # fmt: skip
SCALES = {"hundred", "thousand", "million", "billion", "trillion", "m", "bn"}
CLOSERS = "\"'”’)]}»" + CITE
OPENERS = "\"'“‘([{«"
ENDS = ".!?"

_FOOTNOTE = re.compile(r"\[\^\d{1,4}\]")
# Each is matched against one token, from its start only.
_NUMBER = re.compile(r"[<>~≈±+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[<>~≈±+-]?\d+(?:\.\d+)?")
_PERCENT = re.compile(r"[<>~≈±+-]?\d[\d,]*(?:\.\d+)?\s?%")
_FOLD = re.compile(r"\d+(?:\.\d+)?-?(?:fold|x)", re.IGNORECASE)
_YEAR = re.compile(r"(?:1[89]|20)\d\d(?:s|’s|'s)?")
_LETTERS = re.compile(r"(?:[a-z]\.){2,}")
_LIST_MARKER = re.compile(r"(?:[-–—*•+]|\d{1,3}[.)]|[a-z][.)])\s+")


def _bare(token):
    """The token without the punctuation around it."""
    return token.strip(OPENERS + CLOSERS + ".,;:!?").replace(CITE, "")


def _is_number(word):
    return bool(_NUMBER.fullmatch(word)) or word.lower() in NUMBER_WORDS


def _ends_sentence(token, following):
    """Whether a sentence ends after ``token``, given the token after it."""
    stripped = _FOOTNOTE.sub("", token).replace(" ", "").rstrip(CLOSERS)
    if not stripped or stripped[-1] not in ENDS:
        return False
    lowered = stripped.lower().lstrip(OPENERS)
    if stripped[-1] == "." and (
        lowered in ABBREVIATIONS
        # An initial (J. Smith) or letters with stops (U.S.): no end of a sentence.
        or (len(lowered) == 2 and lowered[0].isalpha())
        or _LETTERS.fullmatch(lowered)
    ):
        return False
    if following is None:
        return True
    start = following.lstrip(OPENERS)[:1]
    return start.isupper() or start.isdigit() or start == CITE or not start.isalpha()


def sentences(block):
    """The sentences of one paragraph or list item; a numbered item's "1." is no figure."""
    text = block.strip()
    marker = _LIST_MARKER.match(text)
    if marker:
        text = text[marker.end() :]
    tokens = []
    for token in text.split():
        # A citation standing apart ("snore. [^1]") belongs to the sentence before it.
        if tokens and not _FOOTNOTE.sub("", token).replace(CITE, "").strip(CLOSERS + ".,;:"):
            tokens[-1] += " " + token
        else:
            tokens.append(token)
    found, start = [], 0
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if following is None or _ends_sentence(token, following):
            found.append(" ".join(tokens[start : index + 1]))
            start = index + 1
    return found


def cited(sentence):
    return CITE in sentence or bool(_FOOTNOTE.search(sentence))


def figure(sentence):
    """The first figure ``sentence`` states, as written, or "" when it states none."""
    tokens = sentence.split()
    depth = 0  # inside brackets, a year is a reference's date ("Smith, 2019"), not a claim
    for index, token in enumerate(tokens):
        if _FOOTNOTE.search(token):
            continue
        word = _bare(token)
        after = [_bare(t).lower() for t in tokens[index + 1 : index + 3]]
        inside = depth > 0 or token.startswith(("(", "["))
        depth = max(0, depth + token.count("(") + token.count("[") - token.count(")")
                    - token.count("]"))  # fmt: skip
        if not word:
            continue
        if _PERCENT.fullmatch(word) or (
            _is_number(word) and after[:1] and after[0] in ("%", "percent", "per")
            and (after[0] != "per" or after[1:] == ["cent"])
        ):  # fmt: skip
            return " ".join(tokens[index : index + (1 if "%" in word else 2)])
        if _is_number(word) and len(after) == 2 and after[0] == "in" and _is_number(after[1]):
            return " ".join(tokens[index : index + 3])
        if _FOLD.fullmatch(word) or (_is_number(word) and after[:1] in (["times"], ["fold"])):
            return " ".join(tokens[index : index + (1 if _FOLD.fullmatch(word) else 2)])
        if _NUMBER.fullmatch(word) and after[:1] and after[0] in SCALES:
            return " ".join(tokens[index : index + 2])
        if _YEAR.fullmatch(word) and not inside:
            return word
        if _NUMBER.fullmatch(word) and ("," in word or "." in word):
            return word
    return ""


def unsupported(blocks):
    """The sentences of ``blocks`` that state a figure and cite no source, in order."""
    return [
        sentence
        for block in blocks
        for sentence in sentences(block)
        if not cited(sentence) and figure(sentence)
    ]


def text_blocks(text):
    """The paragraphs and list items of plain text or Markdown, one a line; headings,
    footnote definitions (a source's own date is no claim) and code left out."""
    blocks, fenced = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced or not stripped or stripped.startswith(("#", "|")):
            continue
        if re.match(r"\[\^\d+\]:", stripped):
            continue
        blocks.append(stripped.lstrip("> "))
    return blocks
