"""Reading drill files: every bad input becomes a clear path:line:column problem."""

from __future__ import annotations

import pytest
import yaml

from drills.loader import MAX_FILE_BYTES, DrillFileError, load_scenario, read_yaml
from tests.drills.drill_factory import drill_data, write_drill


def problems_for(path) -> list[str]:
    with pytest.raises(DrillFileError) as caught:
        load_scenario(path)
    return [str(problem) for problem in caught.value.problems]


def test_a_sound_file_loads(tmp_path):
    scenario, loaded = load_scenario(write_drill(tmp_path))
    assert scenario.id == "test-drill"
    assert loaded.locate(("injects", 0, "source")) == (loaded.locations[("injects", 0, "source")])


def test_empty_file(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("  \n", encoding="utf-8")
    assert problems_for(path) == [f"{path}:1:1: the file is empty"]


def test_comments_only(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("# nothing here\n", encoding="utf-8")
    assert "only comments" in problems_for(path)[0]


def test_binary_file(tmp_path):
    path = tmp_path / "b.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert "binary file" in problems_for(path)[0]


def test_gbk_file_names_the_encoding(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("id: 测试\ntitle: 夜间值班\n".encode("gbk"))
    message = problems_for(path)[0]
    assert message.startswith(f"{path}:1:1:")
    assert "not UTF-8" in message and "GBK" in message and "save it as UTF-8" in message


def test_tab_indentation_gets_a_hint(tmp_path):
    path = tmp_path / "tabs.yaml"
    path.write_text("id: x\npeople:\n\t- id: a\n", encoding="utf-8")
    message = problems_for(path)[0]
    assert f"{path}:3:" in message and "tab" in message


def test_top_level_list(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- id: x\n- id: y\n", encoding="utf-8")
    assert "top level must be a mapping" in problems_for(path)[0]


def test_deep_nesting_is_refused_without_recursion(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    assert "nested more than" in problems_for(path)[0]


def test_alias_bomb_is_refused(tmp_path):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        refs = ",".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "expands to more than" in problems_for(path)[0]


def test_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# " + b"x" * (20 * 1_000_000) + b"\n")
    message = problems_for(path)[0]
    assert "20.0 MB" in message and f"at most {MAX_FILE_BYTES // 1_000_000} MB" in message


def test_missing_file(tmp_path):
    assert "cannot read the file" in problems_for(tmp_path / "nope.yaml")[0]


def test_yaml_syntax_error_has_line_and_column(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\ntitle: [unclosed\nlanguage: zh\n", encoding="utf-8")
    message = problems_for(path)[0]
    assert message.startswith(f"{path}:") and "YAML error" in message


def test_schema_errors_point_at_the_key(tmp_path):
    data = drill_data()
    data["injects"][0]["chanel"] = "phone"  # a typo
    data["expectations"][0]["points"] = "many"
    path = write_drill(tmp_path, data)
    messages = problems_for(path)
    text = path.read_text(encoding="utf-8").splitlines()
    typo = next(m for m in messages if "chanel" in m)
    line = int(typo.split(":")[1])
    assert "chanel" in text[line - 1] and "unknown key" in typo
    assert any("points" in m and "integer" in m for m in messages)


def test_clock_times_stay_strings(tmp_path):
    data = drill_data()
    data["injects"][0]["at"] = "02:30"
    path = tmp_path / "clock.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True).replace("'02:30'", "02:30"), encoding="utf-8")
    scenario, _ = load_scenario(path)
    assert scenario.injects[0].at == "02:30"


def test_read_yaml_keeps_positions(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("a:\n  b: 1\n  c:\n    - x\n    - y\n", encoding="utf-8")
    loaded = read_yaml(path)
    assert loaded.locations[("a", "c", 1)] == (5, 7)
    assert loaded.locate(("a", "c", 1, "missing")) == (5, 7)
