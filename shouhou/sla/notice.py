"""Parse the State Council's yearly holiday notice (国务院办公厅关于…年部分节假日安排的通知).

Pure module (no Django import).  An admin pastes the notice's text (or its numbered items); the
parser returns the year's dated exceptions with their day types, for a preview and then for
``services.calendars.apply_schedule``.  Forms handled (2019–2026 notices and the like):

* ranges: "1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。" — the end may omit the
  month ("至3日") or carry a year ("2022年12月31日至2023年1月2日"); a range may cross the year end;
* single days: "1月1日（周三）放假1天，不调休。", "1月1日放假，与周末连休。";
* make-up working days: "1月26日（周日）、2月8日（周六）上班。" (one or several dates);
* weekday marks "周五" / "星期五" are checked against the date; "共N天" against the range.

Inside a holiday period a day is a statutory holiday when the law makes it one
(``holidays.statutory_dates``) and a swapped rest day otherwise.  Problems are reported as codes
with the offending text; the caller translates them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from .holidays import HOLIDAY, MAKEUP, REST, DaySpec, statutory_dates

__all__ = ["NoticeError", "ParsedNotice", "parse_notice"]

_ITEM = re.compile(r"(?<![^\s。])[一二三四五六七八九十]+、\s*([^：:\n。]{1,20})[：:]")
_DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:[（(]([^）)]*)[）)])?")
_YEAR = re.compile(r"(?:关于|现将)\s*(\d{4})\s*年")
_TOTAL = re.compile(r"共\s*(\d+)\s*天")
_WEEKDAYS = "一二三四五六日"
_MAX_PERIOD = 15  # no holiday period is longer; a longer one is a typo


class NoticeError(ValueError):
    """The text cannot be read as a notice: ``code`` says why, ``text`` where."""

    def __init__(self, code: str, text: str = ""):
        super().__init__(f"{code}: {text}")
        self.code = code
        self.text = text


@dataclass
class ParsedNotice:
    """What a notice says: the year, its days (sorted) and warnings ``(code, text)`` worth a look."""

    year: int
    days: list[DaySpec] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # the warnings in words (sla.services.schedules)

    @property
    def periods(self) -> int:
        return len({d.name for d in self.days if d.kind != MAKEUP})


def _normalise(text: str) -> str:
    text = re.sub(r"<[^>]+>", "\n", text)
    text = text.replace("&nbsp;", " ").replace("\u3000", " ")
    return text.replace(",", "，").replace(";", "；")


def _weekday_mark(note: str | None) -> int | None:
    match = re.search(r"(?:周|星期)([一二三四五六日天])", note or "")
    if not match:
        return None
    return 6 if match.group(1) == "天" else _WEEKDAYS.index(match.group(1))


def _dates(sentence: str, year: int, *, month: int | None = None) -> list[tuple[date, str]]:
    """Every date in the sentence; a date without month takes the previous one's."""
    out, current_year = [], year
    for match in _DATE.finditer(sentence):
        y, m, d, note = match.groups()
        if y:
            current_year = int(y)
        month = int(m) if m else month
        if month is None:
            raise NoticeError("no_month", match.group(0))
        try:
            day = date(current_year, month, int(d))
        except ValueError as exc:
            raise NoticeError("bad_date", match.group(0)) from exc
        mark = _weekday_mark(note)
        if mark is not None and mark != day.weekday():
            raise NoticeError("wrong_weekday", match.group(0))
        out.append((day, match.group(0)))
    return out


def _period(sentence: str, year: int) -> list[date]:
    """The days off of one "…放假…" sentence: a range "A至B" or a single day."""
    head = sentence.split("放假", 1)[0]
    found = _dates(head, year)
    if not found:
        raise NoticeError("no_dates", sentence)
    first = found[0][0]
    if "至" in head and len(found) >= 2:
        last = found[1][0]
        if last < first and not re.match(r"\d{4}年", found[1][1]):
            last = last.replace(year=last.year + 1)  # "12月30日至1月1日"
    else:
        last = first
    if last < first or (last - first).days >= _MAX_PERIOD:
        raise NoticeError("bad_range", head)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _items(text: str) -> list[tuple[str, str]]:
    """(festival, body) per numbered item; the whole text as one item when it is not numbered."""
    marks = list(_ITEM.finditer(text))
    if not marks:
        return [("", text)]
    return [(m.group(1).strip(), text[m.end(): marks[i + 1].start() if i + 1 < len(marks) else len(text)])
            for i, m in enumerate(marks)]


def parse_notice(text: str, year: int | None = None) -> ParsedNotice:
    """Read a notice's holiday periods and make-up working days.

    ``year``: the notice's year when the text does not name it ("关于2027年部分节假日安排").  Raises
    NoticeError (codes: no_year, no_dates, no_month, bad_date, bad_range, wrong_weekday,
    nothing_found, duplicate_date).  Warnings: ``count_mismatch`` ("共N天" differs from the range),
    ``makeup_on_workday`` (a 上班 date that is a Monday–Friday anyway).
    """
    text = _normalise(text or "")
    named = _YEAR.search(text)
    year = int(named.group(1)) if named else year
    if not year:
        raise NoticeError("no_year")
    result = ParsedNotice(year)
    statutory = statutory_dates(year)
    seen: dict[date, DaySpec] = {}

    def add(spec: DaySpec, where: str) -> None:
        if spec.date in seen and seen[spec.date].kind != spec.kind:
            raise NoticeError("duplicate_date", where)
        seen[spec.date] = spec

    for festival, body in _items(text):
        for sentence in re.split(r"[。；\n]", body):
            sentence = sentence.strip()
            if "放假" in sentence and _DATE.search(sentence.split("放假", 1)[0]):
                days = _period(sentence, year)
                total = _TOTAL.search(sentence)
                if total and int(total.group(1)) != len(days):
                    result.warnings.append(("count_mismatch", sentence))
                for day in days:
                    kind = HOLIDAY if day in statutory else REST
                    add(DaySpec(day, kind, statutory[day] if kind == HOLIDAY else festival), sentence)
            elif "上班" in sentence and "不上班" not in sentence:
                for day, where in _dates(sentence.split("上班", 1)[0], year):
                    if day.weekday() < 5:
                        result.warnings.append(("makeup_on_workday", where))
                    add(DaySpec(day, MAKEUP, f"{festival}调休" if festival else "调休"), sentence)
    if not seen:
        raise NoticeError("nothing_found")
    result.days = sorted(seen.values())
    return result
