"""Measures of English prose: syllables, Flesch reading ease, passive voice, transition
words and the first word of a sentence. Pure functions of plain text, each linear in it.

Syllables are counted by rule, as Yoast and most readability tools do: vowel groups, less
the silent ones (a final "e", most "-ed" and "-es" endings), plus the vowel pairs English
says as two ("di-et", "ra-di-o"). A dictionary would be exact for the words it holds, but
the one the readability libraries use is fetched over the network on first use; within a
syllable or two the rules give the same scores (see tests/test_readability.py).
"""

import re
from functools import lru_cache

# Rudolf Flesch, "A new readability yardstick", Journal of Applied Psychology 32 (1948).
FLESCH_BASE, FLESCH_SENTENCE, FLESCH_WORD = 206.835, 1.015, 84.6

_LETTERS = re.compile(r"[^a-z]")
_VOWELS = "aeiouy"
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
# Vowel pairs said as two syllables ("di-et", "ra-di-o", "vid-e-o", "ac-tu-al", "cre-ate"),
# unless a consonant sound takes the first vowel ("spe-cial", "na-tion", "qual-i-ty").
_TWO_SYLLABLE_PAIRS = re.compile(
    r"(?<![cgstx])i[aou]"  # diabetes, radio, medium; not special, nation
    r"|ie(?=t)|(?:(?<=sc)|(?<=[bdlmnpv])|(?<=[^f]r))ie(?=n)"  # diet, science, experience
    r"|ii|eo(?!p)|uo|ea$|(?<=^cr)ea(?!tu)|ea(?=l$)"  # video (not people), idea, create
    r"|(?<![gq])u[ae](?=[nlt])|(?<=fl)ui|yi|[aeiou]ing$|ism$"  # usual, fluid, being, autism
)
# Words that begin with another word whose final "e" is silent: "some-times", "life-style".
_COMPOUND_HEADS = ("some", "life", "there", "where", "home", "care", "time", "fore", "base")
# Suffixes after which a final "e" of the stem stays silent: "likely", "treatment".
_SUFFIXES = ("ly", "ment", "ness", "ful", "less")


def _consonant_le(letters):
    """Whether a word ends in "-le" said as a syllable: table, handle (not mile, whole)."""
    return len(letters) > 2 and letters[-2:] == "le" and letters[-3] not in _VOWELS


def _without_silent_ending(letters):
    """The letters less a silent final "e", "-es" or "-ed" ending."""
    if letters.endswith("e") and letters[-2] not in _VOWELS and not _consonant_le(letters):
        return letters[:-1]  # make, place
    if letters.endswith(("es", "ed")):
        stem = letters[:-2]
        sounded = "sxz" if letters.endswith("es") else "td"  # boxes, wanted
        if (
            stem[-1] not in _VOWELS
            and stem[-1] not in sounded
            and not letters.endswith(("ches", "shes", "ces", "ges"))  # places, changes
            and not _consonant_le(f"{stem}e")  # tables, handled
        ):
            return stem
        return letters
    for suffix in _SUFFIXES:
        if letters.endswith(suffix) and len(letters) > len(suffix) + 2:
            stem = letters[: -len(suffix)]
            if stem.endswith("e") and stem[-2] not in _VOWELS and not _consonant_le(stem):
                return stem[:-1] + suffix
    return letters


@lru_cache(maxsize=50_000)
def syllables(word):
    """The syllables of one word; a figure or symbol counts as one, as Flesch counts it."""
    letters = _LETTERS.sub("", word.lower())
    if len(letters) <= 3:
        return 1
    for head in _COMPOUND_HEADS:
        if letters.startswith(head) and len(letters) > len(head) + 2:
            return 1 + syllables(letters[len(head) :])
    letters = _without_silent_ending(letters).removeprefix("y")
    count = len(_VOWEL_GROUPS.findall(letters)) + len(_TWO_SYLLABLE_PAIRS.findall(letters))
    return max(1, count)


def flesch_reading_ease(words, sentences, syllable_count):
    """Flesch's score: higher is easier; plain English scores 60 to 70."""
    if not words or not sentences:
        return None
    return FLESCH_BASE - FLESCH_SENTENCE * words / sentences - FLESCH_WORD * syllable_count / words


# The forms of "be" and "get" that make a passive with a past participle.
_AUXILIARIES = frozenset(
    "am is are was were be been being get gets got gotten getting isn't aren't wasn't "
    "weren't".split()
)
# Words that may stand between the auxiliary and the participle: "is often given".
_BETWEEN = frozenset("not also often usually always never still sometimes rarely then".split())
_IRREGULAR_PARTICIPLES = frozenset(
    """arisen awoken beaten become begun bent bet bitten bled blown born borne bought bound
    broken brought built burnt burst caught chosen clung come cost crept cut dealt done
    drawn dreamt driven drunk dug eaten fallen fed felt fought found fled flung forbidden
    forgiven forgotten frozen given gone ground grown hung heard hidden hit held hurt kept
    knelt known laid led leant learnt left lent let lain lit lost made meant met mistaken
    overcome overdone overtaken paid proven put quit read rid ridden rung risen run said
    seen sought sold sent set shaken shed shone shot shown shrunk shut sung sunk slain slept
    slid slung spoken spent spilt spun split spread sprung stood stolen stuck stung struck
    strung sworn swept swollen swum taken taught torn told thought thrown thrust trodden
    understood undertaken undone upset woken worn woven wept won wound withdrawn written""".split()
)
# Words in -ed that are no participle, or an adjective more often than a passive.
_NOT_PARTICIPLES = frozenset(
    "bed bred need seed speed feed breed shed red wed embed indeed naked sacred wicked "
    "hundred kindred rugged ragged beloved aged".split()
)


def _participle(word):
    return word in _IRREGULAR_PARTICIPLES or (
        len(word) > 3 and word.endswith("ed") and word not in _NOT_PARTICIPLES
    )


def is_passive(words):
    """Whether a sentence (its words, lower case) holds a passive: a form of "be" or "get"
    then a past participle, perhaps with an adverb between ("is often prescribed")."""
    for index, word in enumerate(words):
        if word not in _AUXILIARIES:
            continue
        following = index + 1
        while following < len(words) and (
            words[following] in _BETWEEN or words[following].endswith("ly")
        ):
            following += 1
            if following - index > 3:
                break
        if following < len(words) and _participle(words[following]):
            return True
    return False


# Transition words and phrases, as Yoast lists them for English (a selection).
_TRANSITIONS = """accordingly additionally afterward afterwards albeit also although
altogether another basically because before besides but certainly chiefly comparatively
concurrently consequently contrarily conversely correspondingly despite doubtedly during
e.g. earlier emphatically equally especially eventually evidently explicitly finally
firstly following formerly forthwith fourthly further furthermore generally hence
henceforth however i.e. identically importantly including indeed instead last lastly
later lest likewise markedly meanwhile moreover nevertheless nonetheless nor notwithstanding
obviously occasionally otherwise overall particularly presently previously rather regardless
secondly shortly significantly similarly simultaneously since so soon specifically still
straightaway subsequently surely surprisingly than then thereafter therefore thereupon
thirdly though thus till too undeniably undoubtedly unless unlike unquestionably until
when whenever whereas while yet""".split()
_TRANSITION_PHRASES = """above all|after all|after that|all in all|all of a sudden|all things
considered|analogous to|although this may be true|as a consequence|as a result|as an
illustration|as long as|as much as|as soon as|as well as|at any rate|at first|at last|at
least|at the same time|because of|by all means|by and large|by comparison|by the same
token|by the time|compared to|due to|either way|even if|even more|even so|even though|first
of all|for example|for instance|for one thing|for that reason|for this reason|from time to
time|given that|in addition|in brief|in case|in conclusion|in contrast|in effect|in fact|in
general|in other words|in particular|in short|in spite of|in summary|in that case|in the
end|in the first place|in the meantime|in turn|in view of|it follows that|just as|most
importantly|not only|of course|on balance|on the contrary|on the other hand|on the whole|
once in a while|provided that|rather than|so as to|so that|such as|that is to say|to be
sure|to begin with|to conclude|to summarise|to summarize|to sum up|to that end|to this
end|up to now|with this in mind""".replace("\n", " ")
TRANSITION_WORDS = frozenset(_TRANSITIONS)
TRANSITION_PHRASES = frozenset(
    tuple(phrase.split()) for phrase in _TRANSITION_PHRASES.split("|") if phrase.strip()
)
_LONGEST_PHRASE = max(len(phrase) for phrase in TRANSITION_PHRASES)
_PHRASE_STARTS = frozenset(phrase[0] for phrase in TRANSITION_PHRASES)


def has_transition(words):
    """Whether a sentence (its words, lower case) holds a transition word or phrase."""
    for index, word in enumerate(words):
        if word in TRANSITION_WORDS:
            return True
        if word in _PHRASE_STARTS:
            for length in range(2, _LONGEST_PHRASE + 1):
                if tuple(words[index : index + length]) in TRANSITION_PHRASES:
                    return True
    return False


# A sentence that starts with one of these is known by its first two words ("The cat",
# "The dog" are different openings), as Yoast reads them.
_WEAK_FIRST_WORDS = frozenset("the a an this that these those one two three".split())


def opening(words):
    """How a sentence (its words, lower case) begins, for spotting repeated openings."""
    if not words:
        return ""
    if words[0] in _WEAK_FIRST_WORDS and len(words) > 1:
        return f"{words[0]} {words[1]}"
    return words[0]
