"""Layout field types: section headers, explanation texts and repetition blocks.

Explanation texts accept a small safe subset of HTML (paragraphs, emphasis, lists, links),
sanitised with an allow-list when rendered: anything else is shown as text.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser
from typing import Literal

from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _, ngettext
from pydantic import Field

from .base import FieldOptions, FieldType, FieldValueError, OptionProblem, lazy_format, localized
from .registry import field_types

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a"}
VOID_TAGS = {"br"}
ALLOWED_SCHEMES = ("https://", "http://", "mailto:", "tel:")


class _Sanitiser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            return
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if not href.strip().lower().startswith(ALLOWED_SCHEMES):
                self.out.append("<a>")
            else:
                self.out.append(f'<a href="{escape(href.strip(), quote=True)}" rel="noopener noreferrer">')
        else:
            self.out.append(f"<{tag}>")
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open:
                last = self.open.pop()
                self.out.append(f"</{last}>")
                if last == tag:
                    break

    def handle_data(self, data):
        self.out.append(escape(data, quote=False))

    def result(self) -> str:
        while self.open:
            self.out.append(f"</{self.open.pop()}>")
        return "".join(self.out)


def sanitise_html(text: str) -> str:
    """`text` with only the allowed tags kept (attributes dropped, except safe link targets);
    scripts, styles and event handlers never survive."""
    parser = _Sanitiser()
    parser.feed(text or "")
    parser.close()
    return parser.result()


def strip_html(text: str) -> str:
    class _Text(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []

        def handle_data(self, data):
            self.parts.append(data)

    parser = _Text()
    parser.feed(text or "")
    parser.close()
    return " ".join("".join(parser.parts).split())


class NoValueType(FieldType):
    has_value = False
    value_type = "none"
    can_be_logic_source = False
    prefill_allowed = False
    family = "layout"
    fill_seconds_default = 0

    def json_schema(self, options) -> dict:
        return {"type": "null"}

    def display(self, value, options) -> str:
        return ""

    def pdf_cells(self, value, options):
        return []

    def export_columns(self, field):
        return []

    def export_cells(self, value, options):
        return []


class SectionHeaderOptions(FieldOptions):
    level: Literal[1, 2, 3] = Field(1, title=_("Heading level"), description=_("1 for a main section, 2 and 3 for sub-sections."))


@field_types.register
class SectionHeader(NoValueType):
    id = "section_header"
    label = _("Section header")
    options_schema = SectionHeaderOptions
    widget_template = "procedures/fields/section_header.html"

    def widget_context(self, field_name, value, options):
        return {"level": options.level}


class ExplanationOptions(FieldOptions):
    body_vi: str = Field("", title=_("Text (Vietnamese)"), max_length=20000,
                         description=_("Paragraphs, bold, italics, lists and links are kept; other markup is shown as text."))
    body_en: str = Field("", title=_("Text (English)"), max_length=20000)
    body_fr: str = Field("", title=_("Text (French)"), max_length=20000)


@field_types.register
class Explanation(NoValueType):
    id = "explanation"
    label = _("Explanation text")
    options_schema = ExplanationOptions
    widget_template = "procedures/fields/explanation.html"

    def fill_seconds(self, options) -> int:
        words = len(strip_html(localized(options, "body")).split())
        return words // 4  # about 240 words a minute

    def widget_context(self, field_name, value, options):
        return {"body": mark_safe(sanitise_html(localized(options, "body")))}


class RepetitionOptions(FieldOptions):
    min_rows: int = Field(0, ge=0, le=500, title=_("Minimum number of rows"))
    max_rows: int = Field(50, ge=1, le=500, title=_("Maximum number of rows"))
    row_label_vi: str = Field("", title=_("Name of one row (Vietnamese)"), max_length=100,
                              description=_("For example: child, co-owner, vehicle."))
    row_label_en: str = Field("", title=_("Name of one row (English)"), max_length=100)
    row_label_fr: str = Field("", title=_("Name of one row (French)"), max_length=100)


@field_types.register
class Repetition(FieldType):
    """A block repeated once per row; its child fields (FieldDefinition.parent) clean the cells.
    The value is a list of rows, each a dict keyed by the children's stable ids."""

    id = "repetition"
    label = _("Repetition block")
    family = "layout"
    options_schema = RepetitionOptions
    value_type = "rows"
    empty_value: list = []
    prefill_allowed = False
    widget_template = "procedures/fields/repetition.html"
    grouped = True
    fill_seconds_default = 5

    def check_options(self, options):
        if options.min_rows > options.max_rows:
            return [OptionProblem("min_rows", "min_above_max", _("The minimum number of rows is above the maximum."))]
        return []

    def clean(self, raw, options, *, context=None, required=False):
        rows = raw if raw is not None else []
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise FieldValueError("invalid", _("The rows of this block were not sent correctly. Reload the page and try again."))
        if required and not rows:
            raise FieldValueError("required", _("Add at least one row."))
        minimum = max(options.min_rows, 1 if required else 0)
        if len(rows) < minimum:
            raise FieldValueError("too_few_rows", lazy_format(_("Add at least %(count)s rows."), count=minimum)
                                  if minimum > 1 else _("Add at least one row."))
        if len(rows) > options.max_rows:
            raise FieldValueError("too_many_rows", lazy_format(_("Remove rows: at most %(count)s are allowed."), count=options.max_rows))
        return rows

    def display(self, value, options) -> str:
        count = len(value or [])
        if not count:
            return ""
        return ngettext("%(count)s row", "%(count)s rows", count) % {"count": count}

    def export_cells(self, value, options):
        return [len(value or [])]

    def json_schema(self, options) -> dict:
        return {"type": "array", "items": {"type": "object"}, "minItems": options.min_rows, "maxItems": options.max_rows}

    def widget_context(self, field_name, value, options):
        if options.min_rows:
            limits = lazy_format(_("Between %(min)s and %(max)s rows."), min=options.min_rows, max=options.max_rows)
        else:
            limits = lazy_format(_("Up to %(max)s rows."), max=options.max_rows)
        return {"limits": limits, "row_count": len(value) if isinstance(value, list) else max(options.min_rows, 1)}
