"""Placeholders of result templates (pure module, no database): what counts as a placeholder,
the problems `check` reports (named, with line and column, in the active language), and the
filled text, whose HTML never carries markup from the text or the values."""

import re

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings, strategies as st

from motcua.documents import placeholders

FIELDS = {"full_name", "copies", "reason"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _names(text):
    return [segment.name for segment in placeholders.parse(text) if segment.is_placeholder]


def test_built_in_names_and_fields_are_placeholders_when_bracketed():
    text = "Hồ sơ [dossier.code] của [ Applicant . Name ] — [field:full_name], [field.copies] bản."

    assert _names(text) == ["dossier.code", "applicant.name", "field:full_name", "field:copies"]


def test_other_bracketed_text_is_printed_as_typed_when_it_is_not_a_placeholder():
    text = "Căn cứ [1] và [Ghi chú: xem dưới] [note:x] [1.2] [see below]"

    assert _names(text) == []
    assert placeholders.check(text, field_ids=FIELDS) == []
    assert placeholders.render_text(text, values={}) == text


def test_positions_count_lines_and_columns_from_one_when_the_text_has_windows_line_breaks():
    segments = [s for s in placeholders.parse("Dòng một\r\n\r\n  Mã: [dossier.code]") if s.is_placeholder]

    assert (segments[0].line, segments[0].column) == (3, 7)


def test_an_unknown_placeholder_is_named_with_its_position_and_a_suggestion_when_close():
    problems = placeholders.check("Xin chào\nMã hồ sơ: [dossier.cod]", field_ids=FIELDS)

    assert [p.code for p in problems] == ["unknown_placeholder"]
    assert problems[0].message == "Unknown placeholder [dossier.cod] at line 2, column 11. Did you mean [dossier.code]?"


def test_an_unknown_placeholder_without_close_name_points_to_the_list():
    (problem,) = placeholders.check("[weather.today]", field_ids=FIELDS)

    assert problem.message == ("Unknown placeholder [weather.today] at line 1, column 1. "
                               "The list of placeholders is next to the text.")


def test_an_unknown_field_is_named_with_the_identifier_and_the_closest_field():
    (problem,) = placeholders.check("Ông/Bà [field:fullname]", field_ids=FIELDS)

    assert problem.code == "unknown_field"
    assert problem.message == ("Unknown placeholder [field:fullname] at line 1, column 8: the form has no field with the "
                               "identifier “fullname”. Did you mean [field:full_name]?")


def test_an_unclosed_or_malformed_placeholder_is_reported_when_its_namespace_is_known():
    problems = placeholders.check("Mã [dossier.code hết\n[field: họ tên] [ghi.chú: x]", field_ids=FIELDS)

    assert [(p.code, p.line, p.column) for p in problems] == [("malformed_placeholder", 1, 4), ("malformed_placeholder", 2, 1)]
    assert "is not closed" in problems[0].message and "[dossier.code hết" in problems[0].message
    assert "is not understood" in problems[1].message


def test_problems_are_translated_when_another_language_is_active():
    with translation.override("vi"):
        (problem,) = placeholders.check("[dossier.cod]", field_ids=FIELDS)
    assert "[dossier.cod]" in problem.message


def test_render_fills_values_and_prints_an_ellipsis_when_a_value_is_missing_or_unknown():
    text = "[applicant.name] — [field:full_name] — [field:deleted] — [dossier.code]"

    rendered = placeholders.render_text(text, values={"applicant.name": "Nguyễn Văn An", "dossier.code": " "},
                                        fields={"full_name": "Lò Thị Hoa"})

    assert rendered == "Nguyễn Văn An — Lò Thị Hoa — … — …"


def test_render_html_makes_paragraphs_and_line_breaks_and_escapes_text_and_values():
    text = "Kính gửi [applicant.name],\r\nĐịa chỉ <b>&</b>\r\n\r\n\r\nLý do: [decision.motivation]"

    html = placeholders.render_html(text, values={"applicant.name": "<script>alert(1)</script>",
                                                  "decision.motivation": "A & B\n\nC"})

    assert html == ("<p>Kính gửi &lt;script&gt;alert(1)&lt;/script&gt;,<br>Địa chỉ &lt;b&gt;&amp;&lt;/b&gt;</p>\n"
                    "<p>Lý do: A &amp; B</p>\n<p>C</p>")


def test_render_line_collapses_a_title_on_one_line():
    assert placeholders.render_line("GIẤY  PHÉP\n[field:copies]", values={}, fields={"copies": "2"}) == "GIẤY PHÉP 2"


_MARKUP = re.compile(r"</?p>|<br>")
_pieces = st.sampled_from(list("[]:.<>&\"' \n\r\tabcđếỹ_01\x00\x1b") + ["dossier", "field", "applicant.name", "[field:",
                                                                            "[dossier.code]", "<script>"])
_text = st.lists(_pieces, max_size=60).map("".join)
_values = st.dictionaries(st.sampled_from(list(placeholders.BUILT_INS)), st.text(max_size=30), max_size=5)
_fields = st.dictionaries(st.sampled_from(sorted(FIELDS) + ["x"]), st.text(max_size=30), max_size=4)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_text, values=_values, fields=_fields)
def test_rendering_never_raises_and_never_emits_markup_of_its_own_when_text_or_values_are_arbitrary(text, values, fields):
    html = placeholders.render_html(text, values=values, fields=fields)
    placeholders.check(text, field_ids=FIELDS)
    placeholders.render_line(text, values=values, fields=fields)

    assert "<" not in _MARKUP.sub("", html)
    assert "\x00" not in html and "\x1b" not in html


@settings(max_examples=200, deadline=None)
@given(text=_text)
def test_parsing_keeps_every_character_when_text_is_arbitrary(text):
    assert "".join(segment.text for segment in placeholders.parse(text)) == placeholders.normalise(text)
