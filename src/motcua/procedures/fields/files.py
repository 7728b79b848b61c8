"""File field types: attachments and identity-document scans.

The value is a list of attachment references {"id", "name", "size", "sha256", "content_type"}
made by the upload service. Cleaning checks the references' structure and the limits the field
declares (count, size, kinds of file by content type and extension); receiving the bytes,
sniffing their real type and virus scanning belong to the upload service (a later issue).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Literal

from django.utils.translation import gettext_lazy as _
from pydantic import Field

from .base import FieldOptions, FieldType, FieldValueError, OptionProblem, lazy_format
from .registry import field_types

# Kinds of file an administrator may allow: content types and extensions of each.
FILE_FAMILIES: dict[str, dict] = {
    "pdf": {"types": {"application/pdf"}, "extensions": {".pdf"}, "label": _("PDF")},
    "image": {"types": {"image/jpeg", "image/png", "image/webp", "image/heic", "image/heif", "image/tiff"},
              "extensions": {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".tif", ".tiff"}, "label": _("photos (JPEG, PNG…)")},
    "office": {"types": {
        "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    }, "extensions": {".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods"}, "label": _("office documents (Word, Excel…)")},
    "archive": {"types": {"application/zip", "application/x-zip-compressed", "application/x-7z-compressed"},
                "extensions": {".zip", ".7z"}, "label": _("archives (ZIP, 7z)")},
    "signed": {"types": {"application/pkcs7-signature", "application/xml", "text/xml"},
               "extensions": {".p7s", ".xml"}, "label": _("signed files (P7S, XML)")},
    "cad": {"types": {"image/vnd.dwg", "application/acad", "image/vnd.dxf"}, "extensions": {".dwg", ".dxf"},
            "label": _("drawings (DWG, DXF)")},
}
FAMILY = Literal["pdf", "image", "office", "archive", "signed", "cad"]
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1024))} KB"


class FileOptions(FieldOptions):
    families: list[FAMILY] = Field(default_factory=lambda: ["pdf", "image"], title=_("Kinds of file accepted"))
    max_size_mb: int = Field(10, ge=1, le=200, title=_("Maximum size of one file (MB)"))
    multiple: bool = Field(False, title=_("Several files"))
    max_files: int = Field(5, ge=1, le=50, title=_("Maximum number of files"), description=_("When several files are allowed."))
    template_file_id: str | None = Field(None, max_length=64, title=_("Form to download and fill in (attachment id)"))


def _check_reference(item, options, families, *, part: str = "") -> dict:
    keys = {"id", "name", "size", "sha256", "content_type"}
    if not isinstance(item, dict) or set(item) != keys:
        raise FieldValueError("invalid_reference", _("The file was not received correctly. Send it again."), part=part)
    if not (isinstance(item["id"], str) and _ID.match(item["id"]) and isinstance(item["sha256"], str) and _SHA256.match(item["sha256"])
            and isinstance(item["name"], str) and 0 < len(item["name"]) <= 255 and isinstance(item["content_type"], str)
            and isinstance(item["size"], int) and not isinstance(item["size"], bool) and item["size"] >= 0):
        raise FieldValueError("invalid_reference", _("The file was not received correctly. Send it again."), part=part)
    if item["size"] == 0:
        raise FieldValueError("empty_file", lazy_format(_("The file %(name)s is empty. Choose the right file."), name=item["name"]), part=part)
    if item["size"] > options.max_size_mb * 1024 * 1024:
        raise FieldValueError("file_too_large", lazy_format(_("The file %(name)s is larger than %(max)s MB: reduce its size (scan in lower resolution, or compress it) and send it again."),
                                                            name=item["name"], max=options.max_size_mb), part=part)
    extension = PurePosixPath(item["name"].lower()).suffix
    content_type = item["content_type"].split(";")[0].strip().lower()
    if not any(content_type in FILE_FAMILIES[f]["types"] and extension in FILE_FAMILIES[f]["extensions"] for f in families):
        kinds = ", ".join(str(FILE_FAMILIES[f]["label"]) for f in families)
        raise FieldValueError("file_type_not_allowed", lazy_format(_("The file %(name)s is not of an accepted kind. Accepted: %(kinds)s."),
                                                                   name=item["name"], kinds=kinds), part=part)
    return {**item, "content_type": content_type}


def _reference_schema() -> dict:
    return {"type": "object", "additionalProperties": False, "required": ["id", "name", "size", "sha256", "content_type"], "properties": {
        "id": {"type": "string", "pattern": r"^[A-Za-z0-9_-]{8,64}$"},
        "name": {"type": "string", "minLength": 1, "maxLength": 255},
        "size": {"type": "integer", "minimum": 1},
        "sha256": {"type": "string", "pattern": r"^[0-9a-f]{64}$"},
        "content_type": {"type": "string"},
    }}


class _Attachments(FieldType):
    family = "file"
    value_type = "file"
    empty_value: list = []
    prefill_allowed = False
    filter_kind = None
    widget_template = "procedures/fields/file.html"

    def display(self, value, options) -> str:
        return "; ".join(f"{item['name']} ({human_size(item['size'])})" for item in value or [] if isinstance(item, dict))

    def export_cells(self, value, options):
        return ["; ".join(item["name"] for item in value or [] if isinstance(item, dict))]

    def accept(self, families) -> str:
        return ",".join(sorted({ext for f in families for ext in FILE_FAMILIES[f]["extensions"]}))

    def limits(self, options, families) -> str:
        kinds = ", ".join(str(FILE_FAMILIES[f]["label"]) for f in families)
        return str(lazy_format(_("Accepted: %(kinds)s; %(max)s MB at most per file."), kinds=kinds, max=options.max_size_mb))

    def attachment_items(self, value) -> list[dict]:
        items = value if isinstance(value, list) else []
        return [{**item, "size_text": human_size(item["size"])} for item in items
                if isinstance(item, dict) and isinstance(item.get("size"), int) and "name" in item]


@field_types.register
class FileUpload(_Attachments):
    id = "file"
    label = _("File")
    options_schema = FileOptions
    fill_seconds_default = 60

    def check_options(self, options):
        if not options.families:
            return [OptionProblem("families", "no_family", _("Accept at least one kind of file."))]
        return []

    def required_message(self, options):
        return _("Attach the file.")

    def clean_value(self, raw, options, *, context):
        items = raw if isinstance(raw, list) else [raw]
        count = 1 if not options.multiple else options.max_files
        if len(items) > count:
            message = lazy_format(_("Attach at most %(count)s files."), count=count) if count > 1 else _("Attach only one file.")
            raise FieldValueError("too_many_files", message)
        cleaned = [_check_reference(item, options, options.families) for item in items]
        if len({item["id"] for item in cleaned}) != len(cleaned):
            raise FieldValueError("duplicate_file", _("The same file is attached twice."))
        return cleaned

    def json_schema(self, options):
        return {"type": "array", "items": _reference_schema(), "maxItems": options.max_files if options.multiple else 1}

    def fill_seconds(self, options) -> int:
        return 60 * (2 if options.multiple else 1)

    def widget_context(self, field_name, value, options):
        return {
            "attachments": self.attachment_items(value), "accept": self.accept(options.families), "multiple": options.multiple,
            "parts": [{"label": "", "suffix": "", "name_suffix": ""}], "limits": self.limits(options, options.families),
            "template_url": "",
        }


class IdentityDocumentOptions(FieldOptions):
    document: Literal["chip_id_card", "id_card", "passport", "any"] = Field("chip_id_card", title=_("Kind of document"))
    back_side: bool = Field(True, title=_("Ask for the back side too"))
    allow_pdf: bool = Field(True, title=_("Accept a PDF scan"))
    max_size_mb: int = Field(5, ge=1, le=50, title=_("Maximum size of one file (MB)"))


@field_types.register
class IdentityDocument(_Attachments):
    """Scans of an identity document: images or PDF, front then back. The value is the list of
    references, front first; each reference gains "side": "front" | "back"."""

    id = "identity_document"
    label = _("Identity document scan")
    options_schema = IdentityDocumentOptions
    grouped = True
    fill_seconds_default = 90

    def families(self, options) -> list[str]:
        return ["image", "pdf"] if options.allow_pdf else ["image"]

    def value_from_post(self, data, field_name):
        return None  # files come through the upload service, which passes references

    def required_message(self, options):
        return _("Attach the scan of the identity document.")

    def clean_value(self, raw, options, *, context):
        if isinstance(raw, dict):
            raw = [dict(raw[side], side=side) for side in ("front", "back") if raw.get(side)]
        if not isinstance(raw, list):
            raise FieldValueError("invalid_reference", _("The file was not received correctly. Send it again."))
        items = []
        for index, item in enumerate(raw):
            side = item.get("side") if isinstance(item, dict) else None
            side = side or ("front" if index == 0 else "back")
            reference = {k: v for k, v in item.items() if k != "side"} if isinstance(item, dict) else item
            items.append({**_check_reference(reference, options, self.families(options), part=str(side)), "side": side})
        sides = [item["side"] for item in items]
        if sides not in (["front"], ["front", "back"]):
            raise FieldValueError("sides", _("Attach the front side, then the back side."))
        if options.back_side and sides == ["front"] and not (items[0]["content_type"] == "application/pdf"):
            raise FieldValueError("back_missing", _("Attach the back side of the document too (or one PDF with both sides)."), part="back")
        return items

    def json_schema(self, options):
        item = _reference_schema()
        item["properties"]["side"] = {"enum": ["front", "back"]}
        item["required"] = [*item["required"], "side"]
        return {"type": "array", "items": item, "maxItems": 2}

    def widget_context(self, field_name, value, options):
        parts = [{"label": _("Front side"), "suffix": "-front", "name_suffix": "__front"}]
        if options.back_side:
            parts.append({"label": _("Back side"), "suffix": "-back", "name_suffix": "__back"})
        return {
            "attachments": self.attachment_items(value), "accept": self.accept(self.families(options)), "multiple": False,
            "parts": parts, "limits": self.limits(options, self.families(options)), "template_url": "",
        }
