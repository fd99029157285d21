"""Evidence uploads: what is accepted, checked before anything is saved.

A file must be of a kind people actually attach to a case (a screenshot, a
scanned form, an Office document, a call recording), within the size limit,
and its first bytes must match its extension, so a renamed program is refused.
"""
import os
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from stardesk.core.errors import DomainError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_FILES_PER_UPLOAD = 10


def _zip(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04")


def _ole(head: bytes) -> bool:  # legacy .doc/.xls
    return head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def _mp3(head: bytes) -> bool:
    return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


def _text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is still text.
            if exc.start >= len(head) - 3:
                return True
    return False


@dataclass(frozen=True)
class Kind:
    content_type: str
    matches: object  # callable(head: bytes) -> bool


KINDS: dict[str, Kind] = {
    ".jpg": Kind("image/jpeg", lambda h: h.startswith(b"\xff\xd8\xff")),
    ".jpeg": Kind("image/jpeg", lambda h: h.startswith(b"\xff\xd8\xff")),
    ".png": Kind("image/png", lambda h: h.startswith(b"\x89PNG\r\n\x1a\n")),
    ".gif": Kind("image/gif", lambda h: h[:6] in (b"GIF87a", b"GIF89a")),
    ".webp": Kind("image/webp", lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP"),
    ".pdf": Kind("application/pdf", lambda h: h.startswith(b"%PDF-")),
    ".docx": Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _zip),
    ".xlsx": Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _zip),
    ".doc": Kind("application/msword", _ole),
    ".xls": Kind("application/vnd.ms-excel", _ole),
    ".txt": Kind("text/plain", _text),
    ".mp3": Kind("audio/mpeg", _mp3),
    ".wav": Kind("audio/wav", lambda h: h[:4] == b"RIFF" and h[8:12] == b"WAVE"),
    ".m4a": Kind("audio/mp4", lambda h: h[4:8] == b"ftyp"),
    ".amr": Kind("audio/amr", lambda h: h.startswith(b"#!AMR")),
}


def max_bytes() -> int:
    return int(getattr(settings, "STARDESK_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def problems_of(files: list[UploadedFile]) -> list[str]:
    """Every reason the files cannot be accepted, in Chinese; empty when all are fine."""
    problems = []
    if len(files) > MAX_FILES_PER_UPLOAD:
        problems.append(_("一次最多上传 %(n)s 个文件。") % {"n": MAX_FILES_PER_UPLOAD})
    limit = max_bytes()
    for upload in files:
        name = os.path.basename(upload.name or "")
        extension = os.path.splitext(name)[1].lower()
        kind = KINDS.get(extension)
        if kind is None:
            problems.append(
                _("文件“%(name)s”的类型不支持，只能上传图片（jpg、png、gif、webp）、PDF、Word、Excel、文本或录音（mp3、wav、m4a、amr）。")
                % {"name": name}
            )
            continue
        if not upload.size:
            problems.append(_("文件“%(name)s”是空文件。") % {"name": name})
            continue
        if upload.size > limit:
            problems.append(
                _("文件“%(name)s”大小为 %(size)s，超过 %(limit)s 的上限。")
                % {"name": name, "size": _megabytes(upload.size), "limit": _megabytes(limit)}
            )
            continue
        upload.seek(0)
        head = upload.read(512)
        upload.seek(0)
        if not kind.matches(head):
            problems.append(_("文件“%(name)s”的内容与扩展名不符，请上传原始文件。") % {"name": name})
    return problems


def check(files: list[UploadedFile]) -> None:
    problems = problems_of(files)
    if problems:
        raise DomainError("evidence_invalid", details=problems)


def content_type_of(name: str) -> str:
    return KINDS[os.path.splitext(name)[1].lower()].content_type


def stored_name(original: str) -> str:
    """A random file name: the uploader's name is kept in the record, never used as a path."""
    return f"{uuid.uuid4().hex}{os.path.splitext(original)[1].lower()}"


def display_name(original: str) -> str:
    return os.path.basename(original or "")[:200] or "file"
