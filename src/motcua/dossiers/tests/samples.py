"""Small files of each kind, made in memory, for the attachment tests."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

# The antivirus test string, split so that this source file itself is not flagged.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-" + b"TEST-FILE!$H+H*"


def pdf(body: bytes = b"") -> bytes:
    return (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
            + body + b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


def png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _zip(entries: dict[str, bytes], *, method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx() -> bytes:
    content_types = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                     b'<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
                     b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    return _zip({"[Content_Types].xml": content_types, "_rels/.rels": b"<Relationships/>",
                 "word/document.xml": "<w:document>Đơn đề nghị</w:document>".encode()})


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def plain_zip(entries: dict[str, bytes] | None = None) -> bytes:
    return _zip(entries or {"giay-to.txt": "Giấy tờ".encode()})


def zip_bomb(megabytes: int = 20) -> bytes:
    """One entry of zeros: ~1000 times smaller compressed than uncompressed."""
    return _zip({"zeros.bin": bytes(megabytes * 1024 * 1024)})


def _patch_central_directory(data: bytes, index: int, offset: int, value: bytes) -> bytes:
    position = -1
    for _ in range(index + 1):
        position = data.index(b"PK\x01\x02", position + 1)
    return data[: position + offset] + value + data[position + offset + len(value):]


def overlapping_zip() -> bytes:
    """Two entries whose central-directory records point at the same compressed data (the
    "non-recursive zip bomb" construction)."""
    data = plain_zip({"a.txt": b"a" * 100, "b.txt": b"b" * 100})
    return _patch_central_directory(data, 1, 42, struct.pack("<I", 0))


def encrypted_zip() -> bytes:
    """A ZIP whose entry is flagged as encrypted (general purpose bit 0)."""
    return _patch_central_directory(plain_zip(), 0, 8, struct.pack("<H", 1))


def windows_program() -> bytes:
    header = bytearray(b"MZ" + bytes(126))
    header[0x3C:0x40] = struct.pack("<I", 0x80)
    return bytes(header) + b"PE\x00\x00" + struct.pack("<HH", 0x14C, 1) + bytes(200)


# Headers that libmagic recognises, for the formats the field families accept.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(64) + b"\xff\xd9"
WEBP = b"RIFF" + struct.pack("<I", 30) + b"WEBPVP8 " + struct.pack("<I", 18) + b"\x30\x01\x00\x9d\x01\x2a\x01\x00\x01\x00" + bytes(8)
HEIC = struct.pack(">I", 24) + b"ftypheic" + bytes(4) + b"mif1heic" + bytes(50)
TIFF = b"II*\x00\x08\x00\x00\x00" + bytes(64)
SEVEN_ZIP = b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(32)
DWG = b"AC1032" + bytes(100)
DXF = b"  0\r\nSECTION\r\n  2\r\nHEADER\r\n  9\r\n$ACADVER\r\n  1\r\nAC1015\r\n  0\r\nENDSEC\r\n  0\r\nEOF\r\n"
XML = '<?xml version="1.0" encoding="UTF-8"?><HDon><Ten>Hóa đơn điện tử</Ten></HDon>'.encode()
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)  # the container of .doc and .xls files
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
SHELL_SCRIPT = b"#!/bin/sh\necho hello\n"


def p7s(*, pem: bool = False) -> bytes:
    """A detached CMS signature of a small document, DER or PEM."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs7
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Nguyễn Văn An")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key()).serial_number(1)
                   .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    builder = pkcs7.PKCS7SignatureBuilder().set_data(b"document").add_signer(certificate, key, hashes.SHA256())
    encoding = serialization.Encoding.PEM if pem else serialization.Encoding.DER
    return builder.sign(encoding, [pkcs7.PKCS7Options.DetachedSignature])
