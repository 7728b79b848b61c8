"""Attachments: receiving, checking and storing the files an applicant uploads, and deleting them.

Entry points: `store_upload()` and `delete_attachment()` (writes, applicant only, on a dossier that
is a draft or waits for a supplement); downloads go through `selectors.get_attachment_for_applicant`.

Invariants of a stored file:
- its size and SHA-256 are those of the bytes read (never the browser's claims), within the field's
  limit and ATTACHMENT_MAX_SIZE_MB, and it is not empty;
- its content type is sniffed from the bytes (libmagic, and the entries of ZIP containers for
  Word/Excel/OpenDocument files), belongs to one of the field's families, and its name's extension
  agrees with it;
- a ZIP-based file stays within the ATTACHMENT_ZIP_* limits (no "zip bomb"; nested archives are
  counted as they are, never expanded) and is not password-protected;
- the antivirus (scanners registry) found nothing, or none is configured (scan_status not_scanned);
- it is stored through the default storage under the model's random name; its name is sanitised.
"""

from __future__ import annotations

from dataclasses import dataclass

import hashlib
import logging
import re
import tempfile
import threading
import unicodedata
import zipfile
import zlib
from typing import BinaryIO

import magic
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import NotFound
from motcua.procedures.fields.base import lazy_format
from motcua.procedures.fields.files import FILE_FAMILIES

from . import services
from .constants import DossierState, ScanStatus
from .errors import AttachmentRejected, InvalidTransition
from .models import Attachment, Dossier
from .scanners import ScannerUnavailable, active_scanner

logger = logging.getLogger(__name__)

EDITABLE_STATES = frozenset({DossierState.DRAFT, DossierState.AWAITING_SUPPLEMENT})
CHUNK_SIZE = 64 * 1024
SNIFF_BYTES = 1024 * 1024  # what libmagic reads by default
MAX_NAME_LENGTH = 150  # characters, extension included
# Below this total, a high compression ratio is ordinary (small XML files compress very well).
ZIP_RATIO_FLOOR = 10 * 1024 * 1024

# What each accepted content type may be called: images are lenient (phones and converters often
# keep a .jpg name on a PNG or HEIC photo, and every viewer reads them by content anyway).
_IMAGE_EXTENSIONS = frozenset(FILE_FAMILIES["image"]["extensions"])
TYPE_EXTENSIONS: dict[str, frozenset[str]] = {
    **{content_type: _IMAGE_EXTENSIONS for content_type in FILE_FAMILIES["image"]["types"]},
    "application/pdf": frozenset({".pdf"}),
    "application/msword": frozenset({".doc"}),
    "application/vnd.ms-excel": frozenset({".xls"}),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": frozenset({".docx"}),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": frozenset({".xlsx"}),
    "application/vnd.oasis.opendocument.text": frozenset({".odt"}),
    "application/vnd.oasis.opendocument.spreadsheet": frozenset({".ods"}),
    "application/zip": frozenset({".zip"}),
    "application/x-7z-compressed": frozenset({".7z"}),
    "application/pkcs7-signature": frozenset({".p7s"}),
    "application/xml": frozenset({".xml"}),
    "image/vnd.dwg": frozenset({".dwg"}),
    "image/vnd.dxf": frozenset({".dxf"}),
}
# What a file name's extension promises, for "The file X is not <this>" messages.
EXTENSION_KINDS = {
    **{extension: _("an image") for extension in _IMAGE_EXTENSIONS},
    ".pdf": _("a PDF document"), ".doc": _("a Word document"), ".docx": _("a Word document"),
    ".xls": _("an Excel spreadsheet"), ".xlsx": _("an Excel spreadsheet"), ".odt": _("an OpenDocument text"),
    ".ods": _("an OpenDocument spreadsheet"), ".zip": _("a ZIP archive"), ".7z": _("a 7z archive"),
    ".p7s": _("a signature file"), ".xml": _("an XML file"), ".dwg": _("a DWG drawing"), ".dxf": _("a DXF drawing"),
}
_OFFICE_TYPES = frozenset(FILE_FAMILIES["office"]["types"]) | {
    "application/vnd.openxmlformats-officedocument.presentationml.presentation", "application/vnd.ms-powerpoint",
    "application/vnd.oasis.opendocument.presentation",
}
_ARCHIVE_TYPES = frozenset({
    "application/zip", "application/x-7z-compressed", "application/x-rar", "application/vnd.rar", "application/gzip",
    "application/x-tar", "application/x-bzip2", "application/x-xz", "application/zstd",
})
_PROGRAM_TYPES = frozenset({
    "application/x-dosexec", "application/x-msdownload", "application/x-executable", "application/x-sharedlib",
    "application/x-pie-executable", "application/x-mach-binary", "application/x-msi", "application/java-archive",
    "application/vnd.android.package-archive", "text/x-shellscript", "text/x-msdos-batch", "application/x-ms-shortcut",
    "application/vnd.microsoft.portable-executable", "application/x-elf", "text/x-perl", "text/x-python",
})
# Content types libmagic gives to ZIP containers (their entries say what they really are).
_ZIP_CONTAINER_TYPES = frozenset({
    "application/zip", "application/java-archive", "application/epub+zip",
    *(t for t in _OFFICE_TYPES if "openxmlformats" in t or "opendocument" in t),
})
# Where an OOXML package's [Content_Types].xml names its main part.
_OOXML_MAIN_PARTS = (
    (b"macroEnabled.main+xml", "application/vnd.ms-office.macroenabled"),  # .docm, .xlsm: macros are programs
    (b"wordprocessingml.document.main+xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (b"spreadsheetml.sheet.main+xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (b"presentationml.presentation.main+xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
)
_ALIASES = {"text/xml": "application/xml", "application/x-zip-compressed": "application/zip",
            "image/x-dwg": "image/vnd.dwg", "application/acad": "image/vnd.dwg", "image/x-dxf": "image/vnd.dxf"}
_EXTENSION = re.compile(r"^\.[A-Za-z0-9]{1,10}$")
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
_RESERVED_STEMS = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})


def _kind_of(content_type: str):
    """What a content type is, in words, for messages ("a program", "an image"…)."""
    if content_type == "application/pdf":
        return _("a PDF document")
    if content_type in _PROGRAM_TYPES:
        return _("a program")
    if content_type == "application/vnd.ms-office.macroenabled":
        return _("an office document with macros")
    if content_type in _OFFICE_TYPES or content_type == "application/x-ole-storage":
        return _("an office document")
    if content_type in _ARCHIVE_TYPES:
        return _("a compressed archive")
    if content_type in {"image/vnd.dwg", "image/vnd.dxf"}:
        return _("a drawing")
    if content_type == "application/encrypted":
        return _("a file protected by a password")
    if content_type == "application/pkcs7-signature":
        return _("a signature file")
    if content_type == "application/xml":
        return _("an XML file")
    if content_type == "text/html":
        return _("a web page")
    for prefix, kind in (("image/", _("an image")), ("video/", _("a video")), ("audio/", _("a sound recording")),
                         ("text/", _("a text file"))):
        if content_type.startswith(prefix):
            return kind
    return _("a file of an unknown kind")


def _rejected(code: str, message, **params) -> AttachmentRejected:
    return AttachmentRejected(lazy_format(message, **params), code=code)


# --- File names ----------------------------------------------------------------------------------


def sanitize_filename(raw: str) -> str:
    """A file name safe to show and to offer for download: no directories ("../../etc/passwd" gives
    "passwd"), no control or invisible formatting characters (a right-to-left override can disguise
    "exe" as "pdf"), none of the characters Windows forbids, no reserved device name; Vietnamese
    letters kept (NFC), at most MAX_NAME_LENGTH characters with the extension kept."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = _WINDOWS_FORBIDDEN.sub("_", name)
    name = " ".join(name.split())
    dot = name.rfind(".")
    stem, extension = (name[:dot], name[dot:]) if dot >= 0 and _EXTENSION.match(name[dot:]) else (name, "")
    stem = stem.strip(" .")
    if stem.split(".")[0].lower() in _RESERVED_STEMS:
        stem = f"_{stem}"
    stem = stem[: MAX_NAME_LENGTH - len(extension)].rstrip(" .") or "file"
    return stem + extension


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


# --- Content type ----------------------------------------------------------------------------------

_magic_lock = threading.Lock()
_magic: dict[bool, magic.Magic] = {}


def _libmagic(head: bytes, *, mime: bool) -> str:
    with _magic_lock:  # a libmagic handle is not thread-safe
        if mime not in _magic:
            _magic[mime] = magic.Magic(mime=mime)
        try:
            return _magic[mime].from_buffer(head)
        except magic.MagicException:
            return "application/octet-stream" if mime else ""


def _check_zip(archive: zipfile.ZipFile, *, size: int, name: str) -> None:
    """Refuse a possible zip bomb or a password-protected ZIP, from its central directory. The
    declared sizes are binding: Python's zipfile never inflates an entry past its declared size,
    and overlapping entries (the bomb that reuses one compressed block) are refused."""
    entries = archive.infolist()
    if len(entries) > settings.ATTACHMENT_ZIP_MAX_ENTRIES:
        raise _rejected("archive_too_many_entries", _("The file %(name)s contains too many files (more than %(max)s)."),
                        name=name, max=settings.ATTACHMENT_ZIP_MAX_ENTRIES)
    total = sum(entry.file_size for entry in entries)
    end = 0
    for entry in sorted(entries, key=lambda e: e.header_offset):
        if entry.header_offset < end:
            raise _rejected("archive_suspicious", _("The file %(name)s is a damaged or suspicious archive: it cannot be accepted."),
                            name=name)
        end = entry.header_offset + entry.compress_size
    if total > settings.ATTACHMENT_ZIP_MAX_UNCOMPRESSED_MB * 1024 * 1024 or (
        total > ZIP_RATIO_FLOOR and total > settings.ATTACHMENT_ZIP_MAX_RATIO * size
    ):
        raise _rejected("archive_too_large", _("The file %(name)s would become far too large once uncompressed: "
                                               "it cannot be accepted. Send the documents it contains separately."), name=name)
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise _rejected("encrypted_file", _("The file %(name)s is protected by a password: send it without the password, "
                                            "so that it can be checked."), name=name)


def _read_entry(archive: zipfile.ZipFile, entry_name: str, limit: int) -> bytes:
    info = archive.getinfo(entry_name)
    if info.file_size > limit:
        return b""
    with archive.open(info) as entry:
        return entry.read(limit)


def _zip_content_type(archive: zipfile.ZipFile) -> str:
    """The kind of a ZIP container: OpenDocument ("mimetype" entry), Office Open XML (main part
    named in [Content_Types].xml), a Java/Android program, or a plain archive."""
    names = set(archive.namelist())
    if "mimetype" in names:
        declared = _read_entry(archive, "mimetype", 200).decode("ascii", "replace").strip()
        if declared.startswith("application/vnd.oasis.opendocument."):
            return declared
    if "[Content_Types].xml" in names:
        content_types = _read_entry(archive, "[Content_Types].xml", 1024 * 1024)
        for marker, content_type in _OOXML_MAIN_PARTS:
            if marker in content_types:
                return content_type
    if names & {"META-INF/MANIFEST.MF", "classes.dex", "AndroidManifest.xml"}:
        return "application/java-archive"
    return "application/zip"


def sniff_content_type(stream: BinaryIO, *, size: int, name: str) -> str:
    """The real content type of the bytes of `stream` (name and browser claims ignored). ZIP
    containers are checked against zip bombs before their entries are read."""
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    content_type = _libmagic(head, mime=True)
    content_type = _ALIASES.get(content_type, content_type)
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08") or content_type in _ZIP_CONTAINER_TYPES:
        stream.seek(0)
        try:
            with zipfile.ZipFile(stream) as archive:
                _check_zip(archive, size=size, name=name)
                return _zip_content_type(archive)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, EOFError, ValueError):
            raise _rejected("damaged_file", _("The file %(name)s is damaged or incomplete. Open it on your device to check it, "
                                              "then send it again."), name=name) from None
    if content_type in {"application/x-ole-storage", "application/CDFV2"}:
        # An old Word/Excel file whose summary libmagic could not read: the container is right.
        return {".doc": "application/msword", ".xls": "application/vnd.ms-excel"}.get(_extension(name), "application/x-ole-storage")
    if content_type == "application/octet-stream" and "PKCS #7" in _libmagic(head, mime=False).replace("PKCS#7", "PKCS #7"):
        return "application/pkcs7-signature"
    if content_type == "text/plain" and head.lstrip().startswith((b"-----BEGIN PKCS7-----", b"-----BEGIN CMS-----")):
        return "application/pkcs7-signature"
    return content_type


def _check_type(content_type: str, *, name: str, families: list[str]) -> None:
    extension = _extension(name)
    allowed_types = {t for f in families for t in FILE_FAMILIES[f]["types"]}
    allowed_extensions = {e for f in families for e in FILE_FAMILIES[f]["extensions"]}
    actual = _kind_of(content_type)
    if content_type in allowed_types and extension in TYPE_EXTENSIONS.get(content_type, ()):
        return
    if extension in allowed_extensions:
        raise _rejected("type_mismatch", _("The file %(name)s is not %(expected)s: its content is %(actual)s. "
                                           "Check that you chose the right file."),
                        name=name, expected=EXTENSION_KINDS.get(extension, extension), actual=actual)
    if content_type in allowed_types:
        raise _rejected("extension_mismatch", _("The name of the file %(name)s does not match its content, which is %(actual)s: "
                                                "rename it to end with %(extensions)s and send it again."),
                        name=name, actual=actual, extensions=", ".join(sorted(TYPE_EXTENSIONS.get(content_type, ()))))
    kinds = ", ".join(str(FILE_FAMILIES[f]["label"]) for f in families)
    raise _rejected("type_not_allowed", _("The file %(name)s is not of an accepted kind: its content is %(actual)s. Accepted: %(kinds)s."),
                    name=name, actual=actual, kinds=kinds)


# --- Services ----------------------------------------------------------------------------------


def _check_editable(actor, dossier: Dossier) -> None:
    if actor is None or not actor.is_authenticated or dossier.applicant_id != actor.pk:
        raise NotFound()  # another person's dossier does not exist for you
    if dossier.state not in EDITABLE_STATES:
        raise InvalidTransition()
    # A draft past its retention period but not yet purged stays editable, as in
    # services.save_answers: only the purge (dossiers_housekeeping) makes a draft expire.


def _receive(upload, *, limit: int, name: str, max_size_mb: int) -> tuple[BinaryIO, int, str]:
    """Copy the upload to a temporary file, counting and hashing the bytes actually read; stop as
    soon as the limit is passed (a client may lie about the size)."""
    too_large = _rejected("too_large", _("The file %(name)s is larger than %(max)s MB: reduce its size (scan in lower resolution, "
                                         "or compress it) and send it again."), name=name, max=max_size_mb)
    if getattr(upload, "size", None) and upload.size > limit:
        raise too_large
    buffer = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)
    digest, size = hashlib.sha256(), 0
    try:
        for chunk in upload.chunks(CHUNK_SIZE):
            size += len(chunk)
            if size > limit:
                raise too_large
            digest.update(chunk)
            buffer.write(chunk)
    except BaseException:
        buffer.close()
        raise
    if size == 0:
        buffer.close()
        raise _rejected("empty_file", _("The file %(name)s is empty. Choose the right file."), name=name)
    return buffer, size, digest.hexdigest()


@dataclass
class CheckedFile:
    """An upload that passed every check: its bytes (a temporary file; close it) and facts."""

    buffer: BinaryIO
    name: str
    size: int
    sha256: str
    content_type: str
    scan_status: str
    scanner: str


def check_upload(upload, *, families: list[str], max_size_mb: int, log_context: str = "") -> CheckedFile:
    """Read an uploaded file within the limit, hash it, sniff its real type, check it against
    `families` and its extension, and scan it. No permission check: callers check theirs.
    Raises AttachmentRejected (see store_upload); the temporary file is closed then."""
    name = sanitize_filename(getattr(upload, "name", "") or "")
    max_mb = min(max_size_mb, settings.ATTACHMENT_MAX_SIZE_MB)
    buffer, size, sha256 = _receive(upload, limit=max_mb * 1024 * 1024, name=name, max_size_mb=max_mb)
    try:
        content_type = sniff_content_type(buffer, size=size, name=name)
        _check_type(content_type, name=name, families=list(families))
        scanner = active_scanner()
        buffer.seek(0)
        try:
            result = scanner.scan(buffer)
        except ScannerUnavailable:
            raise _rejected("scan_unavailable", _("The file %(name)s could not be checked for viruses just now. "
                                                  "Try again in a few minutes."), name=name) from None
        if result.status == ScanStatus.INFECTED:
            logger.warning("attachment.infected %s scanner=%s signature=%s", log_context, scanner.id, result.signature)
            raise _rejected("infected", _("The file %(name)s contains a virus (%(signature)s) and was not accepted. "
                                          "Clean your device, then send a safe copy of the document."),
                            name=name, signature=result.signature)
    except BaseException:
        buffer.close()
        raise
    buffer.seek(0)
    return CheckedFile(buffer=buffer, name=name, size=size, sha256=sha256, content_type=content_type,
                       scan_status=result.status, scanner=scanner.id)


def store_upload(*, actor, dossier: Dossier, field_key: str, upload, families: list[str], max_size_mb: int) -> Attachment:
    """Check an uploaded file and store it as an attachment of `dossier` for the field `field_key`.

    Permission: the dossier's applicant, while the dossier is a draft or waits for a supplement.
    Raises NotFound (not the applicant), InvalidTransition (not editable),
    AttachmentRejected (code: too_large, empty_file, type_not_allowed, type_mismatch,
    extension_mismatch, damaged_file, archive_*, encrypted_file, infected, scan_unavailable).
    The bytes are read, checked and scanned before the dossier row is locked; nothing is stored
    when a check fails."""
    _check_editable(actor, dossier)
    checked = check_upload(upload, families=families, max_size_mb=max_size_mb, log_context=f"dossier={dossier.pk}")
    with checked.buffer:
        stored = ""
        try:
            with transaction.atomic():
                locked = services.lock_dossier(dossier)
                _check_editable(actor, locked)
                attachment = Attachment(dossier=locked, field_key=field_key, name=checked.name, size=checked.size,
                                        sha256=checked.sha256, content_type=checked.content_type,
                                        scan_status=checked.scan_status, scanner=checked.scanner, uploaded_by=actor)
                attachment.file.save(checked.name, File(checked.buffer, name=checked.name), save=False)
                stored = attachment.file.name
                attachment.full_clean()
                attachment.save()
        except BaseException:
            if stored:
                attachment.file.storage.delete(stored)
            raise
    logger.info("attachment.stored dossier=%s attachment=%s scan=%s", dossier.pk, attachment.pk, attachment.scan_status)
    return attachment


def _without_reference(value, token: str):
    """`value` (a dossier's answers or part of them) without the file references to `token`."""
    if isinstance(value, list):
        return [_without_reference(item, token) for item in value
                if not (isinstance(item, dict) and item.get("id") == token and "sha256" in item)]
    if isinstance(value, dict):
        return {key: _without_reference(item, token) for key, item in value.items()}
    return value


def delete_attachment(*, actor, dossier: Dossier, token: str) -> None:
    """Delete an attachment of `dossier` and remove its references from the answers; the file
    is deleted from storage after commit.

    Permission: the dossier's applicant, while it is a draft or waits for a supplement; in the
    latter case only the files sent since the supplement was requested (the files submitted
    before stay with the dossier). Raises NotFound, InvalidTransition."""
    with transaction.atomic():
        dossier = services.lock_dossier(dossier)
        _check_editable(actor, dossier)
        attachment = dossier.attachments.filter(token=token).first()
        if attachment is None:
            raise NotFound()
        if dossier.state == DossierState.AWAITING_SUPPLEMENT:
            request = dossier.supplement_requests.order_by("-created_at").first()
            since = request.created_at if request else dossier.submitted_at
            if since and attachment.created_at <= since:
                raise InvalidTransition()
        values = _without_reference(dossier.values, token)
        if values != dossier.values:
            dossier.values = values
            dossier.save(update_fields=["values", "updated_at"])
        stored = attachment.file.name
        storage = attachment.file.storage
        attachment.delete()
        if stored:
            transaction.on_commit(lambda: storage.delete(stored))
