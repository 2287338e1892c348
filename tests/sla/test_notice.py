"""The State Council notice parser (issue 8): real notices (2025, 2026) and a 2027 sample in the
official format give exactly the days the maintained package carries, with the day types kept apart."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from shouhou.sla.holidays import HOLIDAY, MAKEUP, REST, official_schedule
from shouhou.sla.notice import NoticeError, parse_notice

DATA = Path(__file__).parent / "data"


def _typed(days) -> set[tuple[date, str]]:
    return {(d.date, d.kind) for d in days}


@pytest.mark.parametrize("year", [2025, 2026])
def test_real_notice_gives_the_packages_days_and_day_types(year):
    """P5.6 working days follow the notice: every holiday, swapped rest and make-up day, nothing else."""
    parsed = parse_notice((DATA / f"notice_{year}.txt").read_text(encoding="utf-8"))
    assert parsed.year == year and parsed.warnings == []
    assert _typed(parsed.days) == _typed(official_schedule(year).days)


def test_2026_notice_keeps_statutory_swapped_rest_and_makeup_days_apart():
    parsed = {d.date: d for d in parse_notice((DATA / "notice_2026.txt").read_text(encoding="utf-8")).days}
    spring = [parsed[date(2026, 2, day)].kind for day in range(15, 24)]
    # 2月15日（周日）至23日（周一）: 除夕 + 初一至初三 are statutory (since 2025), the rest swapped rest days.
    assert spring == [REST, HOLIDAY, HOLIDAY, HOLIDAY, HOLIDAY, REST, REST, REST, REST]
    assert parsed[date(2026, 2, 14)].kind == MAKEUP and parsed[date(2026, 2, 28)].kind == MAKEUP
    assert parsed[date(2026, 9, 20)].kind == MAKEUP and parsed[date(2026, 10, 10)].kind == MAKEUP
    assert parsed[date(2026, 1, 1)].name == "元旦" and parsed[date(2026, 2, 16)].name == "农历除夕"
    assert sum(d.kind == HOLIDAY for d in parsed.values()) == 13  # the law's 13 statutory days


def test_2027_sample_reads_ranges_single_days_and_several_makeup_dates():
    parsed = parse_notice((DATA / "notice_2027_sample.txt").read_text(encoding="utf-8"))
    days = {d.date: d.kind for d in parsed.days}
    assert parsed.year == 2027
    assert [days[date(2027, 1, day)] for day in (1, 2, 3)] == [HOLIDAY, REST, REST]
    assert all(days[date(2027, 2, day)] == (HOLIDAY if day <= 8 else REST) for day in range(5, 14))
    assert days[date(2027, 4, 25)] == MAKEUP and days[date(2027, 5, 8)] == MAKEUP  # "4月25日（周日）、5月8日（周六）上班"
    assert days[date(2027, 6, 9)] == HOLIDAY and date(2027, 6, 10) not in days  # "放假1天，不调休"
    assert sum(kind == MAKEUP for kind in days.values()) == 6
    # "1月4日（周一）上班": a Monday is a working day anyway — worth a look, not an error.
    assert parsed.warnings == [("makeup_on_workday", "1月4日（周一）")]


def test_the_briefs_single_line_needs_the_year_and_reads_the_same():
    text = "一、元旦：1月1日（周五）至3日（周日）放假调休，共3天。1月4日（周一）上班。"
    with pytest.raises(NoticeError) as err:
        parse_notice(text)
    assert err.value.code == "no_year"
    assert _typed(parse_notice(text, 2027).days) == {(date(2027, 1, 1), HOLIDAY), (date(2027, 1, 2), REST),
                                                     (date(2027, 1, 3), REST), (date(2027, 1, 4), MAKEUP)}


def test_older_forms_cross_the_year_end_and_take_星期_marks():
    """2019 (a period starting in December of the year before) and 2024 ("与周末连休", no weekdays)."""
    y2019 = parse_notice("一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。", 2019)
    assert _typed(y2019.days) == {(date(2018, 12, 29), MAKEUP), (date(2018, 12, 30), REST),
                                  (date(2018, 12, 31), REST), (date(2019, 1, 1), HOLIDAY)}
    y2024 = parse_notice("一、元旦：1月1日放假，与周末连休。二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、"
                         "2月18日（星期日）上班。鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。", 2024)
    assert _typed(y2024.days) == _typed(d for d in official_schedule(2024).days if d.date <= date(2024, 2, 18))


@pytest.mark.parametrize(("text", "code"), [
    ("一、元旦：1月1日（周四）至3日（周日）放假调休，共3天。", "wrong_weekday"),  # 2027-01-01 is a Friday
    ("一、元旦：1月1日（周五）至30日放假调休，共30天。", "bad_range"),
    ("一、元旦：2月30日放假。", "bad_date"),
    ("节假日期间，各地区、各部门要妥善安排好值班。", "nothing_found"),
])
def test_a_text_that_cannot_be_a_notice_is_refused_with_a_reason(text, code):
    with pytest.raises(NoticeError) as err:
        parse_notice(text, 2027)
    assert err.value.code == code


def test_a_stated_day_count_that_differs_from_the_range_is_a_warning():
    parsed = parse_notice("二、春节：2月5日（周五）至13日（周六）放假调休，共8天。", 2027)
    assert parsed.warnings[0][0] == "count_mismatch" and len(parsed.days) == 9
