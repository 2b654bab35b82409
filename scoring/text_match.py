"""Does what the trainee wrote carry a fact? Tolerant of wording, strict about numbers.

A duty officer's log and reports are free text. A fact counts as carried when its words
appear (ignoring spaces and punctuation), or, for facts with numbers in them, when every
number appears: "井下被困11人" is carried by "被困人数：11人", and "十人" by "10 人".
"""

from __future__ import annotations

import re
import unicodedata

_NOT_WORDS = re.compile(r"[\s\W_]+", re.UNICODE)
_DIGITS = "零一二两三四五六七八九"
_CHINESE_NUMBER = re.compile(
    r"([零一二两三四五六七八九十百千万]+)(?:多|余)?(?=人|名|个|户|起|辆|间|处|元|亩|头|只|所|座|家|次|时|分|天|小时|分钟|公里|米)"
)
_ARABIC_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def normalize(text: str) -> str:
    """Full-width to half-width, case-folded, without spaces or punctuation."""
    return _NOT_WORDS.sub("", unicodedata.normalize("NFKC", text).casefold())


def _chinese_to_int(numeral: str) -> int:
    total, section, digit = 0, 0, 0
    units = {"十": 10, "百": 100, "千": 1000}
    for character in numeral:
        if character in _DIGITS:
            digit = 2 if character == "两" else _DIGITS.index(character)
        elif character in units:
            section += (digit or 1) * units[character]
            digit = 0
        elif character == "万":
            total += (section + digit) * 10_000
            section, digit = 0, 0
    return total + section + digit


def numbers(text: str) -> set[float]:
    """Every quantity in the text, Arabic or Chinese numerals (the latter before a measure word)."""
    folded = unicodedata.normalize("NFKC", text)
    found = {float(match) for match in _ARABIC_NUMBER.findall(folded)}
    found |= {float(_chinese_to_int(match)) for match in _CHINESE_NUMBER.findall(folded)}
    return found


def carries(text: str, value: str) -> bool:
    """Whether ``text`` states ``value``: all its numbers, or else its words."""
    wanted = numbers(value)
    if wanted:
        return wanted <= numbers(text)
    target = normalize(value)
    return bool(target) and target in normalize(text)


def states_instead(text: str, value: str, other: str) -> bool:
    """The text carries ``other`` (a false claim, an outdated figure) rather than ``value``."""
    return carries(text, other) and not carries(text, value)


def same_words(first: str, second: str) -> bool:
    """Word for word, ignoring spacing and punctuation (relaying an instruction unchanged)."""
    return normalize(first) == normalize(second)
