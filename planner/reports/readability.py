"""How easy a text is to read: the Flesch-Kincaid grade level, computed here (no third-party library).

    grade = 0.39 * words / sentences + 11.8 * syllables / words - 15.59

A US school grade: 6 reads at about age 11 to 12, the age the family summary is written for.

What counts as what (so the figure can be checked by hand):

- **Sentence**: a run of text ending in ".", "!" or "?", or at a line break. A bullet, a heading or a
  line with no full stop is one sentence, as a reader takes it. Pieces with no word in them ("-", "•")
  are not sentences.
- **Word**: a run of letters (an apostrophe inside it belongs to the word: "don't", "Dad's"), or a run
  of digits. A hyphen separates words: "one-to-one" is three words.
- **Syllables** of a word, by a rule of thumb (English spelling has no exact rule):
  1. a number has one syllable per digit ("30" -> 2, "2026" -> 4), roughly as it is said;
  2. a word of one to three letters has one ("the", "you", "dad");
  3. otherwise count the groups of vowels (a, e, i, o, u, y) after these changes:
     - a silent final "e" is dropped ("time", "home", "while"), except after a consonant + "l",
       where it is said ("table", "little", "people");
     - a final "es" is dropped after a letter that does not make it heard ("makes", "times"), but kept
       after s, x, z, ch, sh, c or g ("boxes", "places", "changes", "wishes");
     - a final "ed" is dropped after a consonant other than t or d ("walked", "named"); it is kept after
       t, d or a vowel ("wanted", "needed", "agreed");
     - a leading "y" is a consonant ("your", "young");
     - "ing" straight after a vowel is its own syllable ("going", "being", "playing");
  4. never fewer than one.
  Known misses: "Leon" and "idea" (vowel pairs said apart) count one short, and a silent "e" inside
  a compound ("careful", "homework") counts one extra. For whole texts these errors are small.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_BREAK = re.compile(r"[.!?]+(?=\s|$)|\n+")
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")
_VOWELS = frozenset("aeiouy")


@dataclass(frozen=True)
class Readability:
    sentences: int
    words: int
    syllables: int

    @property
    def grade(self) -> float:
        """Flesch-Kincaid grade level; 0.0 for a text with no words (nothing to read is not hard)."""
        if self.words == 0:
            return 0.0
        return 0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words - 15.59


def syllables(word: str) -> int:
    """Syllables in one word by the rule of thumb in the module docstring."""
    if word.isdigit():
        return len(word)
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 0
    if len(w) <= 3:
        return 1
    extra = len(re.findall(r"[aeiouy]ing", w))
    if w.endswith("es") and not re.search(r"(?:[sxzcg]|ch|sh)es$", w):
        w = w[:-2]
    elif w.endswith("ed") and len(w) > 3 and w[-3] not in _VOWELS and w[-3] not in "td":
        w = w[:-2]
    elif w.endswith("e") and not (w.endswith("le") and len(w) > 2 and w[-3] not in _VOWELS):
        w = w[:-1]
    if w.startswith("y"):
        w = w[1:]
    return max(1, len(_VOWEL_GROUP.findall(w)) + extra)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def sentences(text: str) -> list[str]:
    """The sentences of `text` that hold at least one word."""
    return [piece for piece in _SENTENCE_BREAK.split(text) if _WORD.search(piece)]


def measure(text: str) -> Readability:
    found = words(text)
    return Readability(
        sentences=max(1, len(sentences(text))) if found else 0,
        words=len(found),
        syllables=sum(syllables(w) for w in found),
    )


def fk_grade(text: str) -> float:
    """Flesch-Kincaid grade level of `text` (see the module docstring for how it is counted)."""
    return measure(text).grade
