"""Placeholders of result-document templates: parse, check and fill the plain text that
procedure administrators write (docs/result-templates.md).

Pure module: plain values in, plain values out, no ORM. Entry points:
- `parse(text) -> list[Segment]`: literal text and placeholders with their line and column;
- `check(text, field_ids=...) -> list[Problem]`: unknown names, unknown field identifiers and
  unclosed placeholders, each with a translated message naming it and where it is;
- `render_text(text, values=..., fields=...) -> str` and `render_html(...) -> SafeString`:
  the text with every placeholder replaced by its value. The HTML is the text's paragraphs
  (`<p>`) and line breaks (`<br>`) with every character of the text *and* of the values escaped:
  administrators write text, never markup or template code.

Syntax: a placeholder is a name in square brackets, `[dossier.code]`, or an answer of the form,
`[field:<stable id>]`. Spaces around the parts are allowed and the built-in names ignore case;
field identifiers are matched exactly. Any other text in square brackets (`[1]`, `[Note: x]`,
`[see below]`) is printed as typed; text that starts like a placeholder of a known namespace but
is not one (`[dossier.code` without its `]`, `[field: two words]`) is reported by `check`. Rendering never raises: a name it does not know (a field deleted
since the template was saved, an older version of the form) prints as MISSING.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy as _

FIELD_NAMESPACE = "field"
MISSING = "…"
"""Printed for an empty or unknown value (Vietnamese forms leave "…" where a blank is filled)."""


@dataclass(frozen=True)
class BuiltIn:
    name: str
    label: str
    """What it prints, for the administrator (translated lazily)."""
    sample: str
    """A plausible Vietnamese value for previews (procedure and agency values come from the
    procedure being edited instead)."""


BUILT_INS: dict[str, BuiltIn] = {item.name: item for item in (
    BuiltIn("dossier.code", _("The dossier code"), "H18.40-260305-0007"),
    BuiltIn("dossier.submitted_on", _("The date the dossier was submitted (dd/mm/yyyy)"), "05/03/2026"),
    BuiltIn("applicant.name", _("The applicant's name (and who they represent)"), "Nguyễn Văn An"),
    BuiltIn("applicant.address", _("The applicant's address"), "Số 12, tổ 3, phường Điện Biên Phủ, tỉnh Điện Biên"),
    BuiltIn("procedure.name", _("The name of the procedure"), "Đăng ký khai sinh"),
    BuiltIn("procedure.result", _("What the procedure delivers (its result), else its name"), "Giấy khai sinh"),
    BuiltIn("agency.name", _("The name of the agency that decides"), "Ủy ban nhân dân xã Mường Phăng"),
    BuiltIn("agency.place", _("Where the agency is (its province)"), "Điện Biên"),
    BuiltIn("decision.text", _("The decision in words"), "Chấp thuận"),
    BuiltIn("decision.date", _("The date of the decision (dd/mm/yyyy)"), "19/03/2026"),
    BuiltIn("decision.motivation", _("The motivation the instructor typed when deciding"),
            "(lý do cán bộ xử lý ghi khi quyết định)"),
    BuiltIn("officer.name", _("The name of the instructor who decided"), "Lò Văn Thắng"),
)}

MOTIVATION = "decision.motivation"

# `[ namespace . name ]` or `[ field : id ]`: a namespace, a separator, one identifier. Anything
# else between brackets is text, except what starts like a placeholder of a known namespace
# (`[dossier.code` with no `]`, `[field: ho ten]`): a typing mistake, reported by `check`.
_BRACKETED = re.compile(r"\[([^\[\]\n]*)\]")
_PLACEHOLDER = re.compile(r"\s*([A-Za-z_]+)\s*([.:])\s*([A-Za-z0-9_]+)\s*")
_STARTS_LIKE_PLACEHOLDER = re.compile(r"\[\s*([A-Za-z_]+)\s*[.:]")
_NAMESPACES = frozenset({name.split(".")[0] for name in BUILT_INS} | {FIELD_NAMESPACE})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_SHOWN_MAX = 40


@dataclass(frozen=True)
class Segment:
    """A piece of a template: literal `text`, or a placeholder when `name` is set."""

    text: str
    """As typed (for a placeholder: with its brackets)."""
    name: str = ""
    """"dossier.code"… (built-ins lower-cased), "field:<id>" for an answer, "" for text."""
    offset: int = 0
    """Where the segment starts in the text (line breaks counted as one character)."""
    line: int = 1
    column: int = 1
    """Where the segment starts, 1-based, counted in characters."""

    @property
    def is_placeholder(self) -> bool:
        return bool(self.name)

    @property
    def field_id(self) -> str | None:
        prefix = f"{FIELD_NAMESPACE}:"
        return self.name[len(prefix):] if self.name.startswith(prefix) else None


@dataclass(frozen=True)
class Problem:
    code: str
    """unknown_placeholder, unknown_field, or malformed_placeholder (not closed, or not one name)."""
    message: str
    """Translated, naming the placeholder and its position."""
    placeholder: str
    line: int
    column: int


def normalise(text: str) -> str:
    """Line breaks as "\\n" (browsers post "\\r\\n")."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")



def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _segment(text: str, piece: str, name: str, offset: int) -> Segment:
    return Segment(piece, name, offset, *_position(text, offset))


def _name(namespace: str, separator: str, identifier: str) -> str | None:
    """The placeholder's name, or None for text that only looks like one ("[note:x]": a colon
    introduces an answer only after "field")."""
    if namespace.lower() == FIELD_NAMESPACE:
        return f"{FIELD_NAMESPACE}:{identifier}"  # "[field.id]" is understood too
    if separator == ":":
        return None
    return f"{namespace}.{identifier}".lower()


def parse(text: str) -> list[Segment]:
    """The template (line breaks normalised to "\\n") cut into literal text and placeholders.
    Never raises."""
    text = normalise(text)
    segments: list[Segment] = []
    start = 0
    for match in _BRACKETED.finditer(text):
        found = _PLACEHOLDER.fullmatch(match.group(1))
        name = _name(*found.groups()) if found is not None else None
        if name is None:
            continue
        if match.start() > start:
            segments.append(_segment(text, text[start:match.start()], "", start))
        segments.append(_segment(text, match.group(0), name, match.start()))
        start = match.end()
    if start < len(text):
        segments.append(_segment(text, text[start:], "", start))
    return segments


def placeholder_names(text: str) -> set[str]:
    return {segment.name for segment in parse(text) if segment.is_placeholder}


def _suggestion(name: str, candidates: Collection[str]) -> str | None:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def _unknown(segment: Segment, field_ids: Collection[str]) -> Problem | None:
    where = {"placeholder": segment.text, "line": segment.line, "column": segment.column}
    field_id = segment.field_id
    if field_id is not None:
        if field_id in field_ids:
            return None
        suggestion = _suggestion(field_id, field_ids)
        if suggestion:
            message = gettext("Unknown placeholder %(placeholder)s at line %(line)s, column %(column)s: the form has no "
                              "field with the identifier “%(id)s”. Did you mean %(suggestion)s?")
            where["suggestion"] = f"[{FIELD_NAMESPACE}:{suggestion}]"
        else:
            message = gettext("Unknown placeholder %(placeholder)s at line %(line)s, column %(column)s: the form has no "
                              "field with the identifier “%(id)s”.")
        return Problem("unknown_field", message % {**where, "id": field_id}, segment.text, segment.line, segment.column)
    if segment.name in BUILT_INS:
        return None
    suggestion = _suggestion(segment.name, BUILT_INS)
    if suggestion:
        message = gettext("Unknown placeholder %(placeholder)s at line %(line)s, column %(column)s. Did you mean "
                          "%(suggestion)s?") % {**where, "suggestion": f"[{suggestion}]"}
    else:
        message = gettext("Unknown placeholder %(placeholder)s at line %(line)s, column %(column)s. The list of "
                          "placeholders is next to the text.") % where
    return Problem("unknown_placeholder", message, segment.text, segment.line, segment.column)


def _malformed(text: str, segment: Segment) -> list[Problem]:
    """Text of `segment` that starts like a placeholder of a known namespace but is not one."""
    problems = []
    for match in _STARTS_LIKE_PLACEHOLDER.finditer(segment.text):
        if match.group(1).lower() not in _NAMESPACES:
            continue
        rest = segment.text[match.start():].split("\n", 1)[0]
        closing = rest.find("]")
        shown = rest[:closing + 1] if closing >= 0 else rest.rstrip()
        if len(shown) > _SHOWN_MAX:
            shown = shown[:_SHOWN_MAX] + "…"
        line, column = _position(text, segment.offset + match.start())
        where = {"placeholder": shown, "line": line, "column": column}
        if closing < 0:
            message = gettext("The placeholder %(placeholder)s at line %(line)s, column %(column)s is not closed: "
                              "add “]” after its name.") % where
        else:
            message = gettext("The placeholder %(placeholder)s at line %(line)s, column %(column)s is not understood: "
                              "write one name in square brackets, such as [dossier.code] or [field:identifier].") % where
        problems.append(Problem("malformed_placeholder", message, shown, line, column))
    return problems


def check(text: str, *, field_ids: Collection[str]) -> list[Problem]:
    """Every problem of the template, in reading order; empty when it can be saved.

    `field_ids`: the stable ids an `[field:…]` placeholder may name. Messages are in the active
    language."""
    normalised = normalise(text)
    problems: list[Problem] = []
    for segment in parse(normalised):
        if segment.is_placeholder:
            problem = _unknown(segment, field_ids)
            if problem is not None:
                problems.append(problem)
        else:
            problems.extend(_malformed(normalised, segment))
    return sorted(problems, key=lambda problem: (problem.line, problem.column))


def _value(segment: Segment, values: Mapping[str, str], fields: Mapping[str, str]) -> str:
    field_id = segment.field_id
    value = fields.get(field_id) if field_id is not None else values.get(segment.name)
    value = "" if value is None else str(value)
    return value if value.strip() else MISSING


def render_text(text: str, *, values: Mapping[str, str], fields: Mapping[str, str] | None = None) -> str:
    """The template with its placeholders replaced by `values` (built-in name -> text) and
    `fields` (stable id -> the answer as displayed); control characters removed. Never raises."""
    fields = fields or {}
    out = "".join(_value(segment, values, fields) if segment.is_placeholder else segment.text for segment in parse(text))
    return _CONTROL.sub("", normalise(out))


def render_line(text: str, *, values: Mapping[str, str], fields: Mapping[str, str] | None = None) -> str:
    """`render_text` on one line (a title): whitespace and line breaks collapsed."""
    return " ".join(render_text(text, values=values, fields=fields).split())


def paragraphs(text: str) -> list[list[str]]:
    """Plain text cut into paragraphs (separated by blank lines), each a list of its lines."""
    blocks = _PARAGRAPH_BREAK.split(normalise(text).strip())
    return [[line.rstrip() for line in block.split("\n")] for block in blocks if block.strip()]


def render_html(text: str, *, values: Mapping[str, str], fields: Mapping[str, str] | None = None) -> SafeString:
    """The filled template as HTML paragraphs, everything escaped. Never raises."""
    rendered = render_text(text, values=values, fields=fields)
    html = "\n".join("<p>" + "<br>".join(escape(line) for line in block) + "</p>" for block in paragraphs(rendered))
    return mark_safe(html)  # every piece of text above went through escape()
