"""The document pipeline: every PDF the product prints, set in an embedded Chinese font.

Issue 7 ("one document pipeline"); the sample is the engineer's service record the customer signs
(P12.3, P10.4).  Each test reads the PDF back through shouhou.core.documents.testing, and the
helper's own tests feed it PDFs that a viewer would show wrongly.
"""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from fontTools import subset
from fontTools.ttLib import TTFont
from fpdf import FPDF

from shouhou.core import documents
from shouhou.core.documents import (
    Column,
    DocumentTemplate,
    Field,
    Fields,
    MissingGlyphs,
    Signature,
    Signatures,
    Table,
    format_value,
    render_pdf,
)
from shouhou.core.documents.fonts import font_path
from shouhou.core.documents.registry import _documents
from shouhou.core.documents.testing import assert_pdf_text, glyph_problems, pdf_text

SAMPLE = "sample_service_record"

SAMPLE_TEXT_ZH = """
售后服务 服务记录单 记录编号：FW-2026-000123
客户： 华东大厦 工单： SR-2026-0042
项目： 华东大厦一期 联系人： 张先生，13800000000
地址： 上海市浦东新区世纪大道100号B1层 设备： 钢质防火门 FM-100
序列号： FD-A-0001 工程师： 李工
到达时间： 2026年3月2日 09:40 离开时间： 2026年3月2日 11:15
故障描述 防火门闭门器漏油，门扇无法自动关闭；消防检查前需修复。
工作内容 更换液压闭门器，更换两对合页并调整门扇；重新粘贴密封条。试运行十次，门扇均能自动关闭、关闭严密。
使用配件 配件名称 配件编号 数量 单价 金额
液压闭门器 BM-60 1 ¥380.00 ¥380.00
不锈钢合页（对） HY-304 2 ¥45.50 ¥91.00
防火密封条（米） MF-12 3.5 ¥12.80 ¥44.80
合计 ¥515.80
工程师： 签字人：李工 日期：2026年3月2日
客户： （待签字） 签字人： 日期：
第 1 页，共 1 页
"""


def sample_pdf(**kwargs) -> bytes:
    return render_pdf(SAMPLE, documents.get_document(SAMPLE).sample(), **kwargs)


@pytest.fixture(scope="module")
def sample_zh() -> bytes:
    return sample_pdf(language="zh-hans")


def font_without(tmp_path, text: str, lacking: str) -> str:
    """A subset of the document font that has the glyphs of ``text`` but not ``lacking``'s."""
    options = subset.Options()
    options.name_IDs = ["*"]
    font = TTFont(font_path())
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(c for c in text if c not in lacking))
    subsetter.subset(font)
    target = tmp_path / "lacking.otf"
    font.save(target)
    return str(target)


def raw_pdf(text: str, font: str | None = None, colour: int = 0) -> bytes:
    """A PDF made outside the pipeline, the way another producer might make it."""
    pdf = FPDF()
    pdf.add_page()
    if font:
        pdf.add_font("f", fname=font)
        pdf.set_font("f", size=14)
    else:
        pdf.set_font("helvetica", size=14)  # a standard font: referenced by name, never embedded
    pdf.set_text_color(colour)
    pdf.cell(text=text)
    return bytes(pdf.output())


# --- the sample document -------------------------------------------------------------------------------

def test_the_sample_service_record_reads_back_in_chinese(sample_zh):
    assert_pdf_text(sample_zh, SAMPLE_TEXT_ZH)


def test_every_character_of_the_sample_is_drawn_from_an_embedded_font(sample_zh):
    assert glyph_problems(sample_zh, expected=SAMPLE_TEXT_ZH) == []


def test_only_the_glyphs_used_are_embedded(sample_zh):
    # The font file is megabytes; the document carries a subset of it.
    assert font_path().stat().st_size > 5_000_000
    assert len(sample_zh) < 150_000


def test_the_same_document_prints_in_english(settings):
    settings.COMPANY_NAME = "Shouhou Service Co."
    text = pdf_text(sample_pdf(language="en"))
    assert text.startswith("Shouhou Service Co.\nService record\nRecord no.: FW-2026-000123")
    assert "Total CN¥515.80" in text
    assert "Page 1 of 1" in text


def test_money_is_printed_from_decimal_and_a_float_is_refused():
    assert format_value(Decimal("1234.5"), "money") == "¥1,234.50"
    assert format_value(Decimal("-0.5"), "money") == "-¥0.50"
    with pytest.raises(TypeError):
        format_value(0.1, "money")


def test_a_long_table_runs_over_pages_that_are_numbered(settings):
    context = dict(documents.get_document(SAMPLE).sample())
    part = dict(context["parts"][0])
    context["parts"] = [dict(part, code=f"BM-{n:03d}") for n in range(60)]
    pdf = render_pdf(SAMPLE, context, language="zh-hans")
    text = pdf_text(pdf)
    pages = text.count("第 ")
    assert pages >= 2
    assert f"第 {pages} 页，共 {pages} 页" in text and "第 1 页，共 " in text
    assert "BM-059" in text and glyph_problems(pdf) == []


# --- a document declared by a later app ----------------------------------------------------------------

@pytest.fixture
def quote():
    template = documents.register(DocumentTemplate(
        name="test_quote",
        title="报价单",
        number_key="number",
        blocks=(
            Fields(items=(Field("客户", "customer"), Field("有效期至", "valid_until", "date")), columns=1),
            Table(key="lines", columns=(Column("项目", "item"), Column("金额", "amount", "money")),
                  total_key="total", empty="无"),
            Signatures(slots=(Signature("客户确认", "signature"),)),
        ),
    ))
    yield template
    del _documents[template.name]


def test_a_declared_template_is_all_a_new_document_needs(quote):
    import datetime as dt

    context = {"number": "BJ-7", "customer": "西岭医院", "valid_until": dt.date(2026, 4, 30), "lines": [],
               "total": Decimal("0"), "signature": None}
    pdf = render_pdf("test_quote", context, language="zh-hans")
    assert_pdf_text(pdf, "售后服务 报价单 单号：BJ-7 客户： 西岭医院 有效期至： 2026年4月30日 项目 金额 无 合计 ¥0.00"
                         " 客户确认： （待签字） 第 1 页，共 1 页")
    assert glyph_problems(pdf) == []


def test_a_second_document_under_a_taken_name_is_refused(quote):
    with pytest.raises(ValueError, match="already registered"):
        documents.register(DocumentTemplate(name="test_quote", title="另一个", blocks=()))


def test_a_context_missing_a_key_is_an_error_not_a_blank(quote):
    with pytest.raises(KeyError, match="valid_until"):
        render_pdf("test_quote", {"number": "BJ-7", "customer": "西岭医院", "lines": [], "total": Decimal("0"),
                                  "signature": None})


def test_a_character_the_font_cannot_draw_stops_the_rendering(settings, tmp_path):
    sample = documents.get_document(SAMPLE).sample()
    settings.DOCUMENT_FONT = font_without(tmp_path, SAMPLE_TEXT_ZH + "0123456789", lacking="务")
    with pytest.raises(MissingGlyphs) as refused:
        render_pdf(SAMPLE, sample, language="zh-hans")
    assert refused.value.characters == ["务"]


# --- the test helper fails where a viewer would show the document wrongly -------------------------------

def test_the_helper_catches_a_glyph_the_producer_dropped(tmp_path):
    pdf = raw_pdf("服务记录单", font=font_without(tmp_path, "服务记录单", lacking="务"))
    with pytest.raises(AssertionError, match="does not read as expected"):
        assert_pdf_text(pdf, "服务记录单")
    assert glyph_problems(pdf, expected="服务记录单") == [
        "'务' (U+52A1) is expected but no embedded font in the PDF draws it",
    ]


def test_the_helper_catches_a_font_that_is_not_embedded():
    problems = glyph_problems(raw_pdf("Hi"))
    assert problems == [
        "page 1: 'H' (U+0048) is set in Helvetica, a font the PDF does not embed",
        "page 1: 'i' (U+0069) is set in Helvetica, a font the PDF does not embed",
    ]


def test_the_helper_catches_glyphs_that_render_blank():
    problems = glyph_problems(raw_pdf("服务", font=str(font_path()), colour=255))  # white on white
    assert problems == ["page 1: '服' (U+670D) renders blank", "page 1: '务' (U+52A1) renders blank"]


def test_the_helper_catches_distinct_characters_drawn_as_one_box(tmp_path):
    # The font maps 务 and 录 to one glyph (a box, 口): what a viewer shows for a missing glyph.
    font = TTFont(font_without(tmp_path, "服口记", lacking=""))
    box = font.getBestCmap()[ord("口")]
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap.update({ord("务"): box, ord("录"): box})
    font.save(tmp_path / "tofu.otf")
    problems = glyph_problems(raw_pdf("服务记录", font=str(tmp_path / "tofu.otf")))
    assert problems == ["page 1: '录' (U+5F55) draws the same shape as '务': a missing-glyph box"]


# --- where a user sees one -----------------------------------------------------------------------------

def test_the_cli_writes_the_sample_to_a_pdf(tmp_path):
    target = tmp_path / "record.pdf"
    out = StringIO()
    call_command("document", SAMPLE, "-o", str(target), "--language", "zh-hans", stdout=out)
    assert str(target) in out.getvalue()
    assert_pdf_text(target.read_bytes(), SAMPLE_TEXT_ZH)


def test_the_cli_lists_the_documents():
    out = StringIO()
    call_command("document", "--list", stdout=out)
    assert SAMPLE in out.getvalue().split()


def test_the_sample_page_needs_a_login_and_serves_the_pdf(client, world):
    url = reverse("documents:sample", args=[SAMPLE])
    assert client.get(url).status_code == 302
    client.force_login(world.desk)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert "服务记录单" in pdf_text(response.content)
    assert client.get(reverse("documents:sample", args=["no_such_document"])).status_code == 404
