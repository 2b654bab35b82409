"""The words of a plan: column, channel, action … names in Chinese and English, and the defaults they imply."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


# ── Vocabulary: value → "Chinese aliases", "English aliases"; the first of each is written out ──

def _key(text: str) -> str:
    """Loose form for matching names: full-width folded, case-folded, no spaces or separators."""
    return re.sub(r"[\s_\-·.。/'\"“”‘’]+", "", unicodedata.normalize("NFKC", text).casefold())


@dataclass(frozen=True)
class Vocabulary:
    labels: dict[str, tuple[str, str]]  # value → (zh label, en label)
    lookup: dict[str, str]

    @classmethod
    def of(cls, table: dict[str, tuple[str, str]]) -> Vocabulary:
        lookup: dict[str, str] = {}
        for value, (zh, en) in table.items():
            for alias in [value, *zh.split("|"), *en.split("|")]:
                lookup.setdefault(_key(alias), value)
        return cls({v: (zh.split("|")[0], en.split("|")[0]) for v, (zh, en) in table.items()}, lookup)

    def find(self, text: str) -> str | None:
        return self.lookup.get(_key(text))

    def label(self, value: str, language: str) -> str:
        return self.labels[value][0 if language == "zh" else 1]

    def choices(self) -> str:
        return ", ".join(f"{zh}/{en}" for zh, en in self.labels.values())


COLUMNS = Vocabulary.of({
    "time": ("时间|时刻|注入时间|发生时间|时间点|演练时间", "time|at|minute|minutes"),
    "channel": ("渠道|方式|形式|注入方式|类型|渠道类型", "channel|type|medium"),
    "from": ("来源|来电人|来电单位|发送方|来文单位|来访人|发起人|来自|来源单位", "from|source|caller|sender"),
    "content": ("内容|注入内容|事件内容|情况|正文|说的话|来电内容", "content|text|message|what happens"),
    "action": ("预期动作|期望动作|应做动作|标准动作|动作|期望|处置要求", "expected action|action|expectation|expected"),
    "deadline": ("时限|时限要求|期限|完成时限", "deadline|time limit|limit"),
    "rule": ("依据|规则|规定|依据条款|规则编号", "rule|rule id|basis"),
    "points": ("分值|分数|配分", "points|score|marks"),
    "severity": ("严重程度|程度|等级|严重性", "severity|grade"),
    "target": ("对象|目标|向谁|报告对象|核实对象", "target|to|whom"),
    "question": ("问题|询问内容|问什么", "question|ask about"),
    "stage": ("报告阶段|阶段", "stage|report stage"),
    "report_channel": ("报告方式|报送方式", "report channel|report by|via"),
    "elements": ("报告要素|要素", "elements|report elements"),
    "deadline_from": ("时限起算|起算|起算点", "deadline from|counted from|after"),
    "description": ("说明|备注|要点|评分说明", "description|note|notes|comment"),
    "competency": ("能力|考核能力", "competency|skill"),
    "trigger": ("触发条件|触发|条件", "trigger|when|if"),
    "summary": ("摘要|标题|事由", "summary|title|subject"),
    "inject_id": ("注入编号|编号|事件编号", "inject id|inject|id"),
    "expectation_id": ("期望编号|动作编号", "expectation id"),
})
REQUIRED_COLUMNS = ("time", "channel")
INJECT_COLUMNS = ("inject_id", "time", "trigger", "channel", "from", "summary", "content")
EXPECTATION_COLUMNS = ("action", "target", "question", "stage", "report_channel", "elements", "deadline",
                       "deadline_from", "points", "severity", "competency", "rule", "description", "expectation_id")
EXPORT_COLUMNS = ("time", "channel", "from", "content", "action", "deadline", "rule", "points", "severity", "target",
                  "question", "stage", "report_channel", "elements", "deadline_from", "description", "competency",
                  "trigger", "summary", "inject_id", "expectation_id")
PEOPLE_COLUMNS = ("id", "name", "title", "unit", "phone", "role", "on_duty", "reachable", "reachable_after", "notes")
CHANNELS = Vocabulary.of({
    "phone": ("电话|来电|电话报告", "phone|call|telephone"),
    "fax": ("传真|传真件", "fax"),
    "telegram": ("电报|明电|密电", "telegram|cable"),
    "visitor": ("来访|上访|来人|信访", "visitor|visit|walk in"),
    "message": ("消息|短信|信息|微信|通知", "message|sms|text message"),
    "instruction": ("领导批示|批示|指示", "instruction|leader instruction|leader's instruction"),
    "spot_check": ("电话抽查|抽查|查岗", "spot check|spot-check call|inspection call"),
})
ACTIONS = Vocabulary.of({
    "answer": ("接听|接电话|接听电话", "answer|answer the phone|pick up"),
    "greet": ("自报单位|问候|报单位|自报家门", "greet|name the unit"),
    "ask": ("询问|问|询问情况", "ask"),
    "log": ("值班记录|记录|做记录|填写值班记录", "log|write the log|record"),
    "verify": ("核实|回拨核实|核实情况|核查", "verify|call back|check"),
    "escalate": ("请示汇报|请示|汇报|报告领导|报告带班领导", "escalate|tell the leader"),
    "report": ("报告|上报|报送|报告上级", "report|report upward"),
    "relay": ("传达|转达|传达批示|转办", "relay|pass on"),
    "track": ("催办|跟踪|督办|跟踪催办", "track|chase"),
    "feedback": ("反馈|反馈结果", "feedback|feed back|report back"),
    "register_document": ("文电登记|登记文电", "register document"),
    "sign_for_document": ("签收", "sign for document|sign for|sign"),
    "return_document": ("退回|退回补办", "return document|return"),
    "receive_visitor": ("接待|接待来访", "receive visitor|receive"),
    "refer_visitor": ("引导|引导至信访部门|转交信访部门", "refer visitor|refer"),
    "decline": ("婉拒|拒绝", "decline|refuse"),
    "disclose": ("透露|告知", "disclose|tell"),
    "handover": ("交班|交接班|交班记录", "handover|hand over"),
    "register": ("登记", "register"),  # a document's register on fax/telegram, else the duty log
})
QUESTIONS = Vocabulary.of({
    "who": ("来电人身份|身份|姓名|谁|对方身份|单位姓名", "who|name|identity"),
    "callback": ("回电号码|联系电话|电话号码|回电", "callback|callback number|phone number"),
    "time": ("时间|发生时间", "time|when"),
    "place": ("地点|位置|事发地点", "place|where|location"),
    "cause": ("原因|性质|原因性质", "cause|why"),
    "course": ("经过|事情经过", "course|what happened"),
    "consequences": ("伤亡损失|伤亡|损失|后果", "consequences|casualties|losses"),
    "scope": ("范围|影响范围", "scope"),
    "trend": ("趋势|发展趋势", "trend"),
    "actions": ("已采取措施|措施|处置情况", "actions|actions taken"),
    "needs": ("诉求|要求", "needs|what they want"),
    "who_else_told": ("还报告了谁|报告了谁", "who else told|who else"),
})
STAGES = Vocabulary.of({"initial": ("初报", "initial"), "follow_up": ("续报", "follow-up|follow up"),
                        "final": ("终报", "final"), "daily": ("每日报告|日报", "daily")})
REPORT_CHANNELS = Vocabulary.of({"phone": ("电话|口头", "phone|by phone"), "written": ("书面|传真|纸质", "written|in writing"),
                                 "secure": ("机要|保密", "secure")})
SEVERITIES = Vocabulary.of({"critical": ("严重|一票否决", "critical"), "major": ("较重|重要", "major"),
                            "minor": ("一般|轻微", "minor")})
COMPETENCIES = Vocabulary.of({
    "intake": ("接报登记", "intake"), "verification": ("情况核实", "verification"),
    "escalation": ("请示汇报", "escalation"), "reporting": ("信息报送", "reporting"),
    "documents": ("文电处理", "documents"), "reception": ("信访接待", "reception"),
    "handover": ("交接班", "handover"), "confidentiality": ("保密", "confidentiality"),
})
ELEMENTS = Vocabulary.of({
    "time": ("时间", "time"), "place": ("地点", "place"), "source": ("信息来源|来源", "source"),
    "cause": ("原因性质|原因|性质", "cause"), "course": ("经过", "course"),
    "consequences": ("后果|伤亡损失|伤亡", "consequences|casualties"), "scope": ("范围", "scope"),
    "trend": ("趋势", "trend"), "actions": ("已采取措施|处置情况", "actions|actions taken"),
    "measures": ("拟采取措施|下步措施", "measures|planned measures"), "suggestions": ("建议", "suggestions"),
})
ROLES = Vocabulary.of({
    "shift_leader": ("带班领导|带班副主任", "shift leader"),
    "office_director": ("办公室主任", "office director"),
    "leader_in_charge": ("主管领导|分管领导", "leader in charge"),
    "principal_leader": ("主要领导", "principal leader"),
    "duty_colleague": ("值班同事", "duty colleague"),
    "upper_duty_office": ("上级值班室", "upper duty office|upper-level duty room"),
    "unit": ("有关单位", "unit"),
    "petition_office": ("信访部门", "petition office|petitions office"),
    "caller": ("来电人", "caller"), "visitor": ("来访人", "visitor"),
    "inspector": ("抽查人员", "inspector"), "other": ("其他", "other"),
})
TRIGGER_KEYS = Vocabulary.of({"missed": ("未完成|超时未做|漏做", "missed"), "action": ("动作|做了", "action"),
                              "inject": ("注入|关于", "inject|about"), "target": ("对象", "target"),
                              "met": ("完成", "met"), "change": ("变化", "change")})
_AVOID = re.compile(r"^\s*(不得|禁止|严禁|不要|不能|切勿|avoid|never|do not|don't|must not)\s*[:：]?\s*", re.I)

# What a row's expectation counts towards when no competency is given (mirrors the scorecard's).
COMPETENCY_OF_ACTION = {
    "answer": "intake", "greet": "intake", "ask": "intake", "log": "intake", "verify": "verification",
    "escalate": "escalation", "relay": "escalation", "track": "escalation", "feedback": "escalation",
    "report": "reporting", "register_document": "documents", "sign_for_document": "documents",
    "return_document": "documents", "receive_visitor": "reception", "refer_visitor": "reception",
    "decline": "confidentiality", "disclose": "confidentiality", "handover": "handover",
}
# The rulebook section an expectation cites when the row gives none and has no deadline.
RULE_OF_ACTION = {
    "answer": "duty.phone", "greet": "duty.phone", "ask": "duty.log", "log": "duty.log",
    "verify": "duty.verification", "escalate": "duty.escalation", "report": "report.time-limits",
    "relay": "instructions.relay", "track": "instructions.tracking", "feedback": "instructions.feedback",
    "register_document": "documents.registration", "sign_for_document": "documents.receipt",
    "return_document": "documents.seal-check", "receive_visitor": "petition.reception",
    "refer_visitor": "petition.referral", "decline": "secrecy.callers", "disclose": "secrecy.callers",
    "handover": "handover.contents",
}
DEFAULT_POINTS = {"critical": 10, "major": 6, "minor": 3}


# ── Expected actions in cells ─────────────────────────────────────────────────────────

def parse_action(text: str, channel: str | None) -> tuple[str, dict[str, str], bool] | None:
    """``(action, implied fields, avoid)`` for 接听 / answer, 不得透露, 电话初报, ask place …"""
    text = unicodedata.normalize("NFKC", text).strip()
    avoid = _AVOID.match(text)
    if avoid:
        text = text[avoid.end():]
    action, extras = ACTIONS.find(text), {}
    if action is None:
        action, extras = _compound_action(text)
    if action is None:
        return None
    if action == "register":
        action = "register_document" if channel in ("fax", "telegram") else "log"
    return action, extras, bool(avoid)


def _compound_action(text: str) -> tuple[str | None, dict[str, str]]:
    report = re.fullmatch(r"(电话|书面|机要)?(初报|续报|终报|每日报告|日报|报告|上报)", text)
    if report and (report[1] or report[2] not in ("报告", "上报")):
        extras = {"channel": REPORT_CHANNELS.find(report[1])} if report[1] else {}
        if report[2] not in ("报告", "上报"):
            extras["stage"] = STAGES.find(report[2])
        return "report", extras
    words = re.findall(r"[a-z]+", text.lower().replace("follow-up", "followup").replace("follow up", "followup"))
    if "report" in words and set(words) <= {"report", "initial", "followup", "final", "daily", "phone", "written",
                                             "secure", "by", "in", "writing", "a", "an", "the"}:
        extras = {}
        for word in words:
            if STAGES.find(word):
                extras["stage"] = STAGES.find(word)
            if word in ("phone", "written", "secure"):
                extras["channel"] = word
        return "report", extras
    ask = re.fullmatch(r"(?:询问|问|ask(?:\s+about)?)\s*(.+)", text, re.I)
    if ask and QUESTIONS.find(ask[1]):
        return "ask", {"question": QUESTIONS.find(ask[1])}
    return None, {}
