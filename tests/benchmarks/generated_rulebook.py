"""A large rulebook for benchmarks: Faker (zh_CN) prose mixed with duty-room terms,
written as real rulebook Markdown files (front matter, heading ids, bold, links, lists,
tables, an English gloss now and then), seeded so every run writes the same bytes.
"""

from __future__ import annotations

import random
from pathlib import Path

from faker import Faker

DOMAIN_TERMS = (
    "值班", "值班员", "值班室", "带班领导", "主管领导", "主要领导", "接报", "登记", "核实", "情况核实",
    "请示", "汇报", "请示汇报", "初报", "续报", "终报", "报告要素", "迟报", "漏报", "谎报", "虚报", "瞒报",
    "错报", "领导批示", "督办", "传真", "电报", "公章", "签收", "签批", "电话抽查", "信访", "信访接待",
    "交接班", "首办责任制", "应急预案", "突发事件", "自然灾害", "事故灾难", "公共卫生事件", "社会安全事件",
    "保密", "密码电报", "明码电报", "值班记录", "通讯录", "值班表", "责任追究", "督导检查", "群体性事件",
)
ENGLISH_TERMS = (
    "duty officer", "shift leader", "initial report", "follow-up report", "final report", "official seal",
    "signed receipt", "spot-check call", "petition reception", "handover note", "leader instruction",
    "late report", "missed report", "concealed report", "classified telegram", "contingency plan",
)


class RulebookWriter:
    """Writes ``documents`` files of ``sections`` sections each into ``directory/zh``."""

    def __init__(self, seed: int = 2026) -> None:
        self.random = random.Random(seed)
        Faker.seed(seed)
        self.chinese = Faker("zh_CN")
        self.english = Faker("en_US")
        # Faker's zh_CN lorem has a few hundred words; people, places and firms add variety.
        self.sentences = [self.chinese.sentence(nb_words=12) for _ in range(4000)]
        self.names = [self.chinese.name() for _ in range(800)]
        self.places = [self.chinese.address() for _ in range(800)]
        self.firms = [self.chinese.company() for _ in range(400)]
        self.english_sentences = [self.english.sentence(nb_words=14) for _ in range(1500)]

    def write(self, directory: Path, documents: int = 50, sections: int = 100) -> Path:
        """Write the rulebook and return ``directory``; ids are ``d00``…, ``d00.s001``…"""
        edition = directory / "zh"
        edition.mkdir(parents=True, exist_ok=True)
        all_ids = [f"d{d:02d}.s{s:03d}" for d in range(documents) for s in range(1, sections)]
        for number in range(documents):
            document_id = f"d{number:02d}"
            text = self._document(document_id, sections, all_ids)
            (edition / f"{document_id}.md").write_text(text, encoding="utf-8")
        return directory

    def _document(self, document_id: str, sections: int, all_ids: list[str]) -> str:
        title = f"{self.random.choice(DOMAIN_TERMS)}管理规定（第{document_id[1:]}号）"
        parts = [
            f'---\nid: {document_id}\ntitle: {title}\nversion: "2026.{self.random.randint(1, 9)}"\n'
            f"effective: 2026-0{self.random.randint(1, 9)}-1{self.random.randint(0, 9)}\nsample: true\n---\n\n"
            "> 示例规则：本文件由基准测试生成，仅用于测量检索速度。\n\n",
            f"# {title} {{#{document_id}}}\n\n{self._paragraph()}\n\n",
        ]
        for number in range(1, sections):
            level = 3 if number % 4 == 0 else 2
            heading = f"{self.random.choice(DOMAIN_TERMS)}{self.random.choice(('要求', '程序', '时限', '内容', '职责'))}"
            parts.append(f"{'#' * level} {heading} {{#{document_id}.s{number:03d}}}\n\n")
            parts.append(self._body(all_ids))
        return "".join(parts)

    def _body(self, all_ids: list[str]) -> str:
        blocks = [self._paragraph() for _ in range(self.random.randint(2, 4))]
        roll = self.random.random()
        if roll < 0.3:
            blocks.append("\n".join(f"{n}. {self._sentence_with_term()}" for n in range(1, self.random.randint(3, 6))))
        elif roll < 0.4:
            rows = [f"| {self.random.choice(DOMAIN_TERMS)} | {self.random.randint(5, 120)} 分钟 | {self.random.choice(self.names)} |" for _ in range(4)]
            blocks.append("| 事项 | 时限 | 责任人 |\n|---|---|---|\n" + "\n".join(rows))
        if self.random.random() < 0.35:
            english = " ".join(self.random.sample(self.english_sentences, 2))
            blocks.append(f"English: {english} See *{self.random.choice(ENGLISH_TERMS)}*.")
        if self.random.random() < 0.3:
            target = self.random.choice(all_ids)
            blocks.append(f"参见[{self.random.choice(DOMAIN_TERMS)}](#{target})。")
        return "\n\n".join(blocks) + "\n\n"

    def _sentence_with_term(self) -> str:
        sentence = self.random.choice(self.sentences)
        cut = self.random.randrange(len(sentence))
        term = self.random.choice(DOMAIN_TERMS)
        # Markup inside a word now and then (应急**预案**): search must still find it.
        if self.random.random() < 0.15 and len(term) > 1:
            half = len(term) // 2
            term = f"{term[:half]}**{term[half:]}**"
        return sentence[:cut] + term + sentence[cut:]

    def _paragraph(self) -> str:
        pieces = [self._sentence_with_term() for _ in range(self.random.randint(4, 8))]
        pieces.insert(self.random.randrange(len(pieces)), f"由{self.random.choice(self.names)}负责联系{self.random.choice(self.firms)}。")
        pieces.insert(self.random.randrange(len(pieces)), f"地点：{self.random.choice(self.places)}。")
        return "".join(pieces)
