"""Replace people's names by their initials in free text: pure, no database.

Used by the pseudonymised forum brief, which goes to a multi-agency meeting where only initials may
be shown. Every word of every known name (participants, the child's alias, staff) is replaced on
its own, so "Nadia Qureshi", "Nadia" and "Ms Qureshi" all lose the name ("N. Q.", "N.", "Ms Q.").
Matching is case-insensitive and on whole words only ("Pat" is replaced, "pattern" is not), and a
possessive keeps its ending ("Leon's" -> "L.'s"). One pass over the text, so a replacement is never
itself replaced again.

Titles and name particles ("Mrs", "van") are left alone: they identify no one and are common words.
A name that is also an everyday word ("Will", "May") is replaced wherever the word appears: the
brief may read a little oddly, but it never names anyone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Words inside a name that are not part of anyone's identity.
_NOT_NAMES = frozenset(
    "mr mrs ms miss mx dr prof sir dame rev van von der den de da di du la le al el bin bint ibn".split()
)
# A name word: letters, with apostrophes inside ("O'Neill", "D’Souza"); a hyphen splits two words.
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def name_words(name: str) -> list[str]:
    """The words of a name that identify a person (hyphenated parts count separately)."""
    return [w for w in _NAME_WORD.findall(name) if len(w) > 1 and w.casefold() not in _NOT_NAMES]


def initials(name: str) -> str:
    """'Leon' -> 'L.', 'Nadia Qureshi' -> 'N. Q.', 'Mary-Jane Ellis' -> 'M. J. E.'; '' when no name word."""
    return " ".join(_initial(w) for w in name_words(name))


def _initial(word: str) -> str:
    upper = word[0].upper()  # "ß".upper() is "SS": keep such a letter as it is, an initial is one letter
    return (upper if len(upper) == 1 else word[0]) + "."


class Pseudonymiser:
    """Replaces each word of the given names by its initial, in any text."""

    def __init__(self, names: Iterable[str]):
        words = {w for name in names for w in name_words(name)}
        self.words = frozenset(words)
        if words:
            # Longest first, so "Anna" is tried before "Ann"; lookarounds make whole words only.
            alternation = "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))
            self._pattern: re.Pattern[str] | None = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)
        else:
            self._pattern = None

    def __call__(self, text: str) -> str:
        if self._pattern is None or not text:
            return text

        def replace(match: re.Match[str]) -> str:
            # "... with Leon." -> "... with L." rather than "L.."
            following = text[match.end() : match.end() + 1]
            initial = _initial(match.group(0))
            return initial[:-1] if following == "." else initial

        return self._pattern.sub(replace, text)

    def names_left(self, text: str) -> list[str]:
        """The name words still in `text` (whole words, any case): empty after pseudonymising."""
        if self._pattern is None:
            return []
        return [m.group(0) for m in self._pattern.finditer(text)]


__all__ = ["Pseudonymiser", "initials", "name_words"]
