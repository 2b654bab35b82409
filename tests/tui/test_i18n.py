"""Both interface languages have the same keys, and every key binding has footer text."""

from __future__ import annotations

import re
from pathlib import Path

from tui.i18n import TABLES
from tui.keys import DEFAULT_KEYS

TUI = Path(__file__).resolve().parents[2] / "tui"


def test_chinese_and_english_have_the_same_keys():
    assert set(TABLES["zh"]) - set(TABLES["en"]) == set()
    assert set(TABLES["en"]) - set(TABLES["zh"]) == set()


def test_every_binding_has_footer_text_in_both_languages():
    for binding_id in DEFAULT_KEYS:
        for language in ("zh", "en"):
            assert f"binding.{binding_id}" in TABLES[language], (language, binding_id)


def test_every_binding_id_is_in_the_registry():
    used = set()
    for path in TUI.rglob("*.py"):
        used |= set(re.findall(r'binding\("([a-z_.]+)"', path.read_text(encoding="utf-8")))
    assert used <= set(DEFAULT_KEYS)


def test_placeholders_agree_between_languages():
    for key, template in TABLES["zh"].items():
        assert set(re.findall(r"\{(\w+)", template)) == set(re.findall(r"\{(\w+)", TABLES["en"][key])), key
