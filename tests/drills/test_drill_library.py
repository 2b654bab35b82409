"""The built-in drill library teaches what it should (issue 6).

Every drill: an ideal run scores ≥ 95 and passes, an idle run ≤ 20 and fails, two seeds
read differently, both editions share their ids, and its "typical mistakes" playbook
(``scenarios/playbooks/<id>.<language>.mistakes.yaml``) produces exactly the findings
listed under ``expected_findings`` in that file. Together the drills cite every document
of the rulebook.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from drills.catalog import load_library
from drills.loader import read_yaml
from drills.locations import BUILTIN_SCENARIOS, DEFAULT_POLICY
from drills.playbook import built_in_playbook, load_playbook, run_playbook
from drills.policy import load_policy
from drills.session import new_drill
from drills.variables import instantiate
from knowledge.rulebook import cached_rulebook
from scoring.score import score_attempt

PLAYBOOKS = BUILTIN_SCENARIOS / "playbooks"
_POLICY = load_policy(DEFAULT_POLICY)
_DRILLS = load_library(_POLICY).drills
_IDS = lambda d: f"{d.scenario.id}.{d.scenario.language}"  # noqa: E731


def scorecard(drill_file, planned, react=None, seed=7):
    drill = new_drill(drill_file, _POLICY, seed)
    refusals = run_playbook(drill, planned, react)
    assert refusals == [], refusals
    return score_attempt(drill_file.scenario, seed, drill.journal, _POLICY, cached_rulebook(drill_file.scenario.language))


@pytest.mark.parametrize("drill_file", _DRILLS, ids=_IDS)
def test_ideal_passes_and_idle_fails(drill_file):
    ideal = scorecard(drill_file, *built_in_playbook("ideal", drill_file.scenario))
    idle = scorecard(drill_file, *built_in_playbook("idle", drill_file.scenario))
    assert ideal.score >= 95 and ideal.passed
    assert idle.score <= 20 and not idle.passed


@pytest.mark.parametrize("drill_file", _DRILLS, ids=_IDS)
def test_two_seeds_read_differently(drill_file):
    first, _ = instantiate(drill_file.scenario, 1)
    second, _ = instantiate(drill_file.scenario, 2)
    assert first.model_dump() != second.model_dump()


@pytest.mark.parametrize("drill_file", _DRILLS, ids=_IDS)
def test_typical_mistakes_give_exactly_the_expected_findings(drill_file):
    path = PLAYBOOKS / f"{drill_file.scenario.id}.{drill_file.scenario.language}.mistakes.yaml"
    assert path.exists(), f"write the typical-mistakes playbook {path.name}"
    expected = read_yaml(path).data["expected_findings"]
    card = scorecard(drill_file, load_playbook(path, drill_file.scenario))
    actual = {f.id: {"status": f.status.value, **({"failure": f.failure.value} if f.failure else {})}
              for f in card.findings if f.status.value != "met"}
    assert actual == expected


def test_editions_share_their_ids():
    by_id: dict[str, dict] = {}
    for drill in _DRILLS:
        by_id.setdefault(drill.scenario.id, {})[drill.scenario.language] = drill.scenario
    for drill_id, editions in by_id.items():
        assert set(editions) == {"zh", "en"}, f"{drill_id} needs both editions"
        zh, en = editions["zh"], editions["en"]
        for part in ("people", "facts", "injects", "expectations"):
            assert [x.id for x in getattr(zh, part)] == [x.id for x in getattr(en, part)], (drill_id, part)
        assert [e.rule for e in zh.expectations] == [e.rule for e in en.expectations], drill_id


def test_the_drills_cite_every_document_of_the_rulebook():
    cited = {e.rule.split(".")[0] for d in _DRILLS for e in d.scenario.expectations}
    documents = set(cached_rulebook("zh").documents)
    missing = documents - cited
    if len(_DRILLS) >= 28:  # the full library of fourteen drills in two editions
        assert missing == set()
    else:
        pytest.skip(f"library not complete yet; uncited documents: {sorted(missing)}")


def test_no_stray_playbooks():
    known = {f"{d.scenario.id}.{d.scenario.language}" for d in _DRILLS}
    for path in Path(PLAYBOOKS).glob("*.yaml") if PLAYBOOKS.exists() else []:
        assert path.name.rsplit(".", 2)[0] in known, f"{path.name} belongs to no drill"
