"""The dates of his career agree everywhere the site states them.

The timeline (data/biography.yml) is the one source; the corrections (data/corrections.yml),
the works he did and taught, and the pages' own prose state the same events again (the
career list of the 1.2 correction, the summary's correction, the Tesla work).  A clause
that names an event and gives a date must give the timeline's date, to the timeline's
precision; a range ("2017–2022 年任特斯拉 AI 总监") must end where the event's end does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from article import is_article_line

ROOT = Path(__file__).resolve().parent.parent
BIOGRAPHY = yaml.safe_load((ROOT / "data" / "biography.yml").read_text(encoding="utf-8"))
CORRECTIONS = yaml.safe_load((ROOT / "data" / "corrections.yml").read_text(encoding="utf-8"))
TIMELINE = {item["id"]: item for item in BIOGRAPHY["timeline"]}

# timeline id -> how the site's Chinese names the event; the id its range ends at
EVENTS = {
    "born": (r"生于|出生", None),
    "bsc": (r"多伦多大学.{0,12}学士", None),
    "msc": (r"(?:UBC|不列颠哥伦比亚大学).{0,16}硕士(?!论文)", None),
    "openai-founding": (r"OpenAI.{0,12}创始成员|创始成员.{0,12}OpenAI", None),
    "tesla": (r"(?:特斯拉|Tesla).{0,6}(?:AI )?总监|加入特斯拉", "tesla-leave"),
    "tesla-leave": (r"离开特斯拉", None),
    "openai-return": (r"(?:重返|回到) ?OpenAI", "openai-leave"),
    "openai-leave": (r"(?:再次)?离开 ?OpenAI", None),
    "eureka": (r"(?:创立|创办).{0,12}Eureka Labs", None),
    "anthropic": (r"加入 ?Anthropic", None),
}
DATE = r"((?:19|20)\d\d)(?: ?年)?(?: ?(\d{1,2}) ?月)?"
RANGE = re.compile(rf"{DATE}\s*(?:–|-|—|至|到)\s*{DATE}")
SINGLE = re.compile(DATE + r"(?= ?年| ?月|\*\*|[^\d]|$)")


def partial(year: str, month: str | None) -> str:
    return year if not month else f"{year}-{int(month):02d}"


def agrees(stated: str, timeline: str) -> bool:
    """Same year, and the same month where both give one."""
    n = min(len(stated), len(timeline[:7]))
    return stated[:n] == timeline[:n]


def clauses(text: str) -> list[str]:
    text = re.sub(r"\]\([^)]*\)", "]", text)                 # link targets
    return [c for c in re.split(r"[，。；;\n]|(?<!\d)、", text) if c.strip()]


def site_texts() -> list[tuple[str, str]]:
    """(where, text) for every text the site writes about his life."""
    out = []
    for c in CORRECTIONS["corrections"]:
        out += [(f"corrections {c['id']} {k}", c[k]) for k in ("summary", "correction")]
    for item in BIOGRAPHY["timeline"]:
        out += [(f"timeline {item['id']} {k}", item[k]) for k in ("title", "text") if k in item]
    for w in BIOGRAPHY["work"]:
        out += [(f"work {w['id']} {k}", w[k]) for k in ("what", "learn") if k in w]
    for page in sorted((ROOT / "docs").rglob("*.md")):
        own = [line for line in page.read_text(encoding="utf-8").splitlines()
               if line.strip() and not is_article_line(line)]
        out.append((str(page.relative_to(ROOT)), "\n".join(own)))
    return out


def disagreements(text: str) -> list[str]:
    found = []
    for clause in clauses(text):
        for event, (pattern, end_event) in EVENTS.items():
            if not re.search(pattern, clause):
                continue
            if m := RANGE.search(clause):
                start, end = partial(m[1], m[2]), partial(m[3], m[4])
                if not agrees(start, TIMELINE[event]["date"]):
                    found.append(f"{event} {start} ≠ {TIMELINE[event]['date']}: {clause}")
                if end_event and not agrees(end, TIMELINE[end_event]["date"]):
                    found.append(f"{end_event} {end} ≠ {TIMELINE[end_event]['date']}: {clause}")
            elif m := SINGLE.search(clause):
                stated = partial(m[1], m[2])
                if not agrees(stated, TIMELINE[event]["date"]):
                    found.append(f"{event} {stated} ≠ {TIMELINE[event]['date']}: {clause}")
    return found


def test_every_event_is_in_the_timeline():
    assert set(EVENTS) <= set(TIMELINE)


@pytest.mark.parametrize(("where", "text"), site_texts(), ids=[w for w, _ in site_texts()])
def test_dates_agree_with_the_timeline(where, text):
    assert not disagreements(text), where


def test_the_career_list_and_summary_state_each_event():
    """The lists that restate the career name every event of it, so the check above
    has something to compare (a list rewritten without dates would pass unseen)."""
    fc07 = next(c for c in CORRECTIONS["corrections"] if c["id"] == "fc07")["correction"]
    checked = {event for clause in clauses(fc07) for event, (pattern, _) in EVENTS.items()
               if re.search(pattern, clause) and SINGLE.search(clause)}
    assert checked >= set(EVENTS) - {"tesla-leave", "openai-leave"}


@pytest.mark.parametrize("text", [
    "**2024 年 8 月**：创立 AI 教育公司 Eureka Labs",
    "2018–2022 年任特斯拉 AI 总监",
    "2017–2023 年任特斯拉 AI 总监",
    "2023 年 2 月至 2024 年 3 月又短暂回到 OpenAI",
    "1985 年生于布拉迪斯拉发",
    "2026 年加入 Anthropic 之前，2025 年 5 月加入 Anthropic",
])
def test_a_wrong_date_is_found(text):
    assert disagreements(text)


@pytest.mark.parametrize("text", [
    "**2024 年 7 月**：创立 AI 教育公司 Eureka Labs",
    "2017–2022 年任特斯拉 AI 总监",
    "1986 年 10 月 23 日生于捷克斯洛伐克的布拉迪斯拉发",
    "只见于个别报道：2016 年 9 月起才在 OpenAI 全职工作",
])
def test_a_right_date_passes(text):
    assert not disagreements(text)
