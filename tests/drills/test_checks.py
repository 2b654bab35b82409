"""``check_scenario``: the cross-reference problems the schema cannot see."""

from __future__ import annotations

from drills.checks import check_scenario
from drills.loader import load_scenario
from tests.drills.drill_factory import drill_data, write_drill


def check(tmp_path, policy, data, rule_ids=None) -> list[str]:
    path = write_drill(tmp_path, data)
    scenario, loaded = load_scenario(path)
    return [str(problem) for problem in check_scenario(scenario, loaded, policy, rule_ids)]


def test_the_base_drill_is_sound(tmp_path, policy):
    assert check(tmp_path, policy, drill_data()) == []


def test_duplicate_ids(tmp_path, policy):
    data = drill_data()
    data["people"].append(dict(data["people"][0]))
    assert any("duplicate id 'leader' in people" in p for p in check(tmp_path, policy, data))


def test_unknown_person_fact_and_inject(tmp_path, policy):
    data = drill_data()
    data["injects"][0]["source"] = "ghost"
    data["injects"][0]["volunteers"] = ["nothing"]
    data["expectations"][0]["inject"] = "no_such_inject"
    data["facts"][1]["confirmed_by"] = ["nobody"]
    problems = check(tmp_path, policy, data)
    assert any("no person 'ghost'" in p for p in problems)
    assert any("no fact 'nothing'" in p for p in problems)
    assert any("no inject 'no_such_inject'" in p for p in problems)
    assert any("no person 'nobody'" in p for p in problems)


def test_problem_points_at_the_line(tmp_path, policy):
    data = drill_data()
    data["injects"][0]["source"] = "ghost"
    path = write_drill(tmp_path, data)
    scenario, loaded = load_scenario(path)
    problem = check_scenario(scenario, loaded, policy)[0]
    assert "ghost" in path.read_text(encoding="utf-8").splitlines()[problem.line - 1]


def test_unknown_policy_limit(tmp_path, policy):
    data = drill_data()
    data["expectations"][0]["deadline"] = "answer_whenever"
    assert any("no time limit named 'answer_whenever'" in p for p in check(tmp_path, policy, data))


def test_deadline_after_the_end(tmp_path, policy):
    data = drill_data(length=22)
    assert any("falls after the drill ends" in p for p in check(tmp_path, policy, data))


def test_inject_after_the_end(tmp_path, policy):
    data = drill_data()
    data["injects"][1]["at"] = 500
    assert any("after the end of the drill" in p for p in check(tmp_path, policy, data))


def test_contingency_that_can_never_fire(tmp_path, policy):
    data = drill_data()
    data["injects"][2]["when"] = {"missed": "no_such_expectation"}
    problems = check(tmp_path, policy, data)
    assert any("can never fire" in p for p in problems)


def test_contingency_on_an_expectation_without_deadline(tmp_path, policy):
    data = drill_data()
    data["expectations"][1].pop("deadline")
    assert any("has no deadline to miss" in p for p in check(tmp_path, policy, data))


def test_unknown_target_role_or_person(tmp_path, policy):
    data = drill_data()
    data["expectations"][1]["target"] = "the_boss"
    assert any("neither a person id" in p for p in check(tmp_path, policy, data))


def test_action_that_does_not_fit_the_channel(tmp_path, policy):
    data = drill_data()
    data["expectations"][3]["action"] = "answer"
    assert any("'answer' does not fit a fax inject" in p for p in check(tmp_path, policy, data))


def test_placeholder_without_variable(tmp_path, policy):
    data = drill_data()
    data["injects"][0]["summary"] = "{township}来电"
    assert any("{township} is used but no variable" in p for p in check(tmp_path, policy, data))


def test_rule_ids_checked_against_the_rulebook(tmp_path, policy):
    data = drill_data()
    problems = check(tmp_path, policy, data, rule_ids={"duty.phone", "duty.escalation", "report.follow-up"})
    assert problems == [p for p in problems if "documents.registration" in p]
    assert len(problems) == 1 and "the rulebook has no section 'documents.registration'" in problems[0]


def test_trigger_target_on_an_action_without_a_target(tmp_path, policy):
    data = drill_data()
    data["injects"][3]["when"] = {"action": "register_document", "target": "director", "inject": "fax"}
    assert any("'register_document' has no target: this can never fire" in p for p in check(tmp_path, policy, data))


def test_fields_that_do_not_fit_the_action(tmp_path, policy):
    data = drill_data()
    data["expectations"][0]["target"] = "leader"  # answering has no target
    data["expectations"][3]["question"] = "place"  # only 'ask' takes a question
    data["expectations"][1]["stage"] = "initial"  # only 'report' takes a stage
    problems = check(tmp_path, policy, data)
    assert any("'answer' has no target" in p for p in problems)
    assert any("'question' goes with action 'ask' only" in p for p in problems)
    assert any("'stage' goes with action 'report' only" in p for p in problems)


def test_inject_and_fact_details_that_cannot_work(tmp_path, policy):
    data = drill_data()
    data["injects"][1]["delay"] = 3
    data["injects"][1]["document"]["telegram_kind"] = "plain"
    data["facts"][1]["confirmed_by"] = []
    data["facts"][0]["changes"] = []
    data["expectations"][2]["deadline"]["after"] = "change:place"
    problems = check(tmp_path, policy, data)
    assert any("'delay' goes with 'when'" in p for p in problems)
    assert any("a fax has no telegram kind" in p for p in problems)
    assert any("nobody could ever correct it" in p for p in problems)
    assert any("fact 'place' never changes" in p for p in problems)
