"""The on-disk rulebook cache: a hit equals a fresh parse, an edit invalidates exactly the
edited file, and a corrupt, foreign, read-only, locked or vanished cache changes nothing
but speed (no traceback, no stale sections)."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest

import knowledge.rulebook as rulebook_module
from knowledge.cache_store import CACHE_FILE, default_cache_folder
from knowledge.rulebook import cached_rulebook, load_rulebook
from knowledge.search import SearchIndex
from tests.knowledge.helpers import front_matter, write_edition


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files parsed (not read from the cache), in order."""
    parsed: list[str] = []
    real = rulebook_module.parse_file

    def counting(path: Path, language: str, data: bytes | None = None):
        parsed.append(path.name)
        return real(path, language, data)

    monkeypatch.setattr(rulebook_module, "parse_file", counting)
    return parsed


def same(first, second) -> bool:
    return (first.sections == second.sections and list(first.sections) == list(second.sections)
            and first.documents == second.documents and first.problems == second.problems)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_cache_hit_equals_a_fresh_parse(fixture_copy: Path, tmp_path: Path, parses: list[str], language: str) -> None:
    fresh = load_rulebook(fixture_copy, language)
    cold = load_rulebook(fixture_copy, language, tmp_path / "cache")
    parses.clear()

    warm = load_rulebook(fixture_copy, language, tmp_path / "cache")

    assert parses == []
    assert same(fresh, cold) and same(fresh, warm)
    assert any(section.links for section in warm.sections.values())


def test_problems_and_documents_come_back_with_the_files_path(tmp_path: Path, parses: list[str]) -> None:
    body = "# 甲 {#a}\n\n见[乙](#a.b)，**加粗**。\n\n## 无编号\n\n正文。\n\n## 乙 {#a.b}\n\n| 事项 | 时限 |\n|---|---|\n| 初报 | 30 分钟 |\n"
    write_edition(tmp_path / "one", "zh", {"a.md": front_matter("a", sample="maybe") + body, "b.md": "no front matter\n# B {#b}\n"})
    write_edition(tmp_path / "two", "zh", {"a.md": front_matter("a", sample="maybe") + body, "b.md": "no front matter\n# B {#b}\n"})
    cache = tmp_path / "cache"
    load_rulebook(tmp_path / "one", "zh", cache)
    parses.clear()

    warm = load_rulebook(tmp_path / "two", "zh", cache)  # the same bytes elsewhere: served from the cache

    assert parses == []
    assert same(warm, load_rulebook(tmp_path / "two", "zh"))
    assert {problem.path.parent for problem in warm.problems} == {tmp_path / "two" / "zh"}
    assert warm.documents["a"].path == tmp_path / "two" / "zh" / "a.md"


def test_an_edited_file_alone_is_parsed_again(fixture_copy: Path, tmp_path: Path, parses: list[str]) -> None:
    cache = tmp_path / "cache"
    load_rulebook(fixture_copy, "zh", cache)
    edited = fixture_copy / "zh" / "report.md"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("迟报", "晚报"), encoding="utf-8")
    parses.clear()

    warm = load_rulebook(fixture_copy, "zh", cache)

    assert parses == ["report.md"]
    assert same(warm, load_rulebook(fixture_copy, "zh"))
    assert not any("迟报" in section.text for section in warm.sections.values())
    edited.write_text(text, encoding="utf-8")  # and back: the old entry was pruned, so parsed again
    parses.clear()
    assert same(load_rulebook(fixture_copy, "zh", cache), load_rulebook(fixture_copy, "zh"))
    assert parses == ["report.md", "duty.md", "report.md"]


def test_cached_rulebook_uses_the_cache_in_the_data_folder(fixture_copy: Path, parses: list[str]) -> None:
    rulebook = cached_rulebook("zh", fixture_copy)

    assert (default_cache_folder() / CACHE_FILE).is_file()
    assert default_cache_folder().parent == Path(os.environ["DUTYDRILL_HOME"])
    assert same(rulebook, load_rulebook(fixture_copy, "zh"))


def test_a_corrupt_cache_file_is_replaced(fixture_copy: Path, tmp_path: Path, parses: list[str]) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / CACHE_FILE).write_bytes(b"this is not a database" * 100)

    first = load_rulebook(fixture_copy, "zh", cache)
    parses.clear()
    second = load_rulebook(fixture_copy, "zh", cache)

    assert parses == []  # rebuilt by the first load
    assert same(first, load_rulebook(fixture_copy, "zh")) and same(second, first)


def test_a_cache_file_cut_short_is_no_problem(fixture_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_rulebook(fixture_copy, "zh", cache)
    data = (cache / CACHE_FILE).read_bytes()
    (cache / CACHE_FILE).write_bytes(data[: len(data) // 3])
    for suffix in ("-wal", "-shm"):
        (cache / f"{CACHE_FILE}{suffix}").unlink(missing_ok=True)

    assert same(load_rulebook(fixture_copy, "zh", cache), load_rulebook(fixture_copy, "zh"))


def test_another_programs_database_is_left_alone(fixture_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    with sqlite3.connect(cache / CACHE_FILE) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
        connection.execute("INSERT INTO notes VALUES ('keep me')")
    connection.close()

    assert same(load_rulebook(fixture_copy, "zh", cache), load_rulebook(fixture_copy, "zh"))
    with sqlite3.connect(cache / CACHE_FILE) as connection:
        assert connection.execute("SELECT text FROM notes").fetchall() == [("keep me",)]
    connection.close()


def test_a_cache_folder_that_cannot_be_created(fixture_copy: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")

    rulebook = load_rulebook(fixture_copy, "zh", blocker / "cache")
    index = SearchIndex(rulebook, cache_folder=blocker / "cache", use_postings=True, wait=True)

    assert same(rulebook, load_rulebook(fixture_copy, "zh"))
    assert not index.uses_postings
    assert index.search("迟报").total == SearchIndex(rulebook, use_postings=False).search("迟报").total


def test_a_read_only_cache_folder(fixture_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_rulebook(fixture_copy, "zh", cache)
    before = (cache / CACHE_FILE).read_bytes()
    for path in cache.iterdir():
        path.chmod(0o444)
    cache.chmod(0o555)
    try:
        (fixture_copy / "zh" / "duty.md").write_text(front_matter("duty") + "# 值班 {#duty}\n\n新的正文。\n", encoding="utf-8")
        edited = load_rulebook(fixture_copy, "zh", cache)
        index = SearchIndex(edited, cache_folder=cache, use_postings=True, wait=True)
    finally:
        cache.chmod(0o755)
        for path in cache.iterdir():
            path.chmod(0o644)

    assert same(edited, load_rulebook(fixture_copy, "zh"))
    assert "新的正文。" in edited.sections["duty"].text
    assert index.search("新的").total == 1
    if os.geteuid() != 0:  # root writes to read-only files anyway
        assert (cache / CACHE_FILE).read_bytes() == before


def test_a_locked_cache_costs_time_not_results(fixture_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_rulebook(fixture_copy, "zh", cache)
    (fixture_copy / "zh" / "duty.md").write_text(front_matter("duty") + "# 值班 {#duty}\n\n锁住时的正文。\n", encoding="utf-8")
    holder = sqlite3.connect(cache / CACHE_FILE, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        rulebook = load_rulebook(fixture_copy, "zh", cache)
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert same(rulebook, load_rulebook(fixture_copy, "zh"))
    assert "锁住时的正文。" in rulebook.sections["duty"].text


def test_postings_removed_under_a_running_search_fall_back_to_scanning(tmp_path: Path, medium_rulebook) -> None:
    cache = tmp_path / "cache"
    index = SearchIndex(medium_rulebook, cache_folder=cache, use_postings=True, wait=True)
    scan = SearchIndex(medium_rulebook, use_postings=False)
    assert index.uses_postings
    with sqlite3.connect(cache / CACHE_FILE) as connection:
        connection.execute("DELETE FROM chunks")
        connection.execute("DELETE FROM indexes")
    connection.close()

    assert index.search("值班") == scan.search("值班")
    assert not index.uses_postings


def test_searching_from_several_threads(tmp_path: Path, medium_rulebook) -> None:
    index = SearchIndex(medium_rulebook, cache_folder=tmp_path / "cache", use_postings=True, wait=True)
    scan = SearchIndex(medium_rulebook, use_postings=False)
    queries = ["值", "值班", "值班员", "应急预案", "report", "值班 要求"]
    results: dict[str, object] = {}

    def search(query: str) -> None:
        results[query] = index.search(query)

    threads = [threading.Thread(target=search, args=(query,)) for query in queries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert index.uses_postings
    assert results == {query: scan.search(query) for query in queries}
