"""The one door for user files (proposals, bills, answers, milestones): checked by content, stored, served safely.

A file is judged by its first bytes, never by its name or the browser's claimed type: a
renamed executable is refused. Images are decoded and re-encoded with Pillow, so what is
stored is pixels only (no EXIF, GPS, XMP, comments, or a payload glued after the image). A PDF
is kept as sent, but one that carries JavaScript, an OpenAction, a Launch action or embedded
files is served as a download only. Everything is served with `nosniff`, a sandboxing CSP and
a type from the short list below, never HTML or an executable type. Files go through Django's
storage API (`default_storage`), so production can point STORAGES at S3-compatible storage.
"""

from __future__ import annotations

import io
import re
import uuid
import warnings
import zlib
from dataclasses import dataclass
from typing import IO, Final

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from decide.refusals import Invalid, TooLarge

PDF: Final = "application/pdf"
PNG: Final = "image/png"
JPEG: Final = "image/jpeg"
WEBP: Final = "image/webp"
# The only types Decide ever serves a user's file with.
SERVED_TYPES: Final = frozenset({PDF, PNG, JPEG, WEBP})
EXTENSIONS: Final = {PDF: "pdf", PNG: "png", JPEG: "jpg", WEBP: "webp"}

MAX_DOCUMENT_BYTES: Final = 10 * 1024 * 1024
MAX_IMAGE_BYTES: Final = 5 * 1024 * 1024
# A 16-megapixel photo fits; a decompression bomb (a small file that decodes to gigabytes) does not.
MAX_IMAGE_PIXELS: Final = 40_000_000
# Images wider or taller than this are scaled down: a phone reads them, and the page stays light.
MAX_IMAGE_SIDE: Final = 2400
ALT_TEXT_MAX: Final = 250
# Inflating every compressed stream of a PDF to look for scripts stops after this many bytes in all.
_PDF_INFLATE_BUDGET = 64 * 1024 * 1024

# PDF names that make a reader run something, open something or act on opening.
_ACTIVE_PDF_NAMES = frozenset(
    {b"javascript", b"js", b"openaction", b"aa", b"launch", b"embeddedfile", b"embeddedfiles", b"richmedia", b"xfa"}
)
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
_HEX_ESCAPE = re.compile(rb"#([0-9a-fA-F]{2})")


@dataclass(frozen=True)
class CheckedFile:
    """A user file that passed the checks: the bytes to store (re-encoded for images) and how to serve them."""

    content: bytes
    content_type: str
    download_only: bool
    width: int | None = None
    height: int | None = None

    @property
    def is_image(self) -> bool:
        return self.content_type != PDF

    @property
    def size(self) -> int:
        return len(self.content)


def sniff_type(head: bytes) -> str | None:
    """The type the first bytes prove, or None: only PDF, PNG, JPEG and WebP are recognised."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def _read_bounded(upload: IO[bytes], limit: int) -> bytes:
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(_("The file is too large: %(limit)s MB at most.") % {"limit": f"{limit / (1024 * 1024):g}"})
    return data


def _pdf_names(data: bytes) -> set[bytes]:
    # "#4A" in a name is the letter J: /#4Aava#53cript is /JavaScript to a reader.
    return {_HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name).lower() for name in _PDF_NAME.findall(data)}


def pdf_is_active(data: bytes) -> bool:
    """True when the PDF names JavaScript, an action run on opening, a launch, or embedded files.

    Looks at the file's own bytes and inside every stream zlib can inflate (object streams hide
    dictionaries there), within a budget: a PDF that exhausts it is treated as active.
    """
    if _pdf_names(data) & _ACTIVE_PDF_NAMES:
        return True
    budget = _PDF_INFLATE_BUDGET
    for match in _PDF_STREAM.finditer(data):
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(match.group(1), budget)
        except zlib.error:
            continue  # not Flate (an image's DCT data, say): nothing a reader would parse as objects
        budget -= len(inflated)
        if inflater.unconsumed_tail or budget <= 0:
            return True
        if _pdf_names(inflated) & _ACTIVE_PDF_NAMES:
            return True
    return False


def _image_reencoded(data: bytes, content_type: str) -> tuple[bytes, int, int]:
    """Decode and encode again: pixels only, orientation applied, every metadata block left behind."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own limit; any image over ours is refused before decoding.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > MAX_IMAGE_PIXELS:
                    raise TooLarge(_("The image has too many pixels: 40 megapixels at most."))
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image) or image
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise TooLarge(_("The image has too many pixels: 40 megapixels at most.")) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise Invalid(_("The image cannot be read. Send a PNG, JPEG or WebP picture.")) from error
    upright.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    keeps_alpha = content_type != JPEG and upright.mode in ("RGBA", "LA", "P", "PA")
    mode = "RGBA" if keeps_alpha else "RGB"
    converted = upright.convert(mode)
    # A new image from the raw pixels: nothing of the original's `info` (EXIF, comment, ICC, XMP) can follow it.
    pixels = Image.frombytes(mode, converted.size, converted.tobytes())
    out = io.BytesIO()
    if content_type == JPEG:
        pixels.save(out, format="JPEG", quality=85, optimize=True)
    elif content_type == PNG:
        pixels.save(out, format="PNG", optimize=True)
    else:
        pixels.save(out, format="WEBP", quality=85)
    return out.getvalue(), pixels.width, pixels.height


def file_check(upload: IO[bytes]) -> CheckedFile:
    """Read `upload` (an UploadedFile or any binary file), prove its type and make it safe to store.

    Raises Invalid (400) for a type that is not PDF/PNG/JPEG/WebP by content or an unreadable
    image, TooLarge (413) over the size limits.
    """
    upload.seek(0)
    data = _read_bounded(upload, MAX_DOCUMENT_BYTES)
    content_type = sniff_type(data[:16])
    if content_type is None:
        raise Invalid(_("Only PDF documents and PNG, JPEG or WebP images are accepted (checked by their content)."))
    if content_type == PDF:
        if b"%%EOF" not in data[-2048:]:
            raise Invalid(_("The PDF is incomplete or damaged."))
        return CheckedFile(content=data, content_type=PDF, download_only=pdf_is_active(data))
    if len(data) > MAX_IMAGE_BYTES:
        raise TooLarge(
            _("The file is too large: %(limit)s MB at most.") % {"limit": f"{MAX_IMAGE_BYTES / (1024 * 1024):g}"}
        )
    content, width, height = _image_reencoded(data, content_type)
    return CheckedFile(content=content, content_type=content_type, download_only=False, width=width, height=height)


def file_store(checked: CheckedFile, *, folder: str) -> str:
    """Save through the storage API under a random name without extension; returns the storage name.

    No extension: a web server that serves the media folder directly (nginx's /media/) sends it as
    application/octet-stream with nosniff, never as a type a browser would run.
    """
    return str(default_storage.save(f"{folder}/{uuid.uuid4().hex}", ContentFile(checked.content)))


def file_delete(name: str) -> None:
    default_storage.delete(name)


def download_name(original: str, content_type: str) -> str:
    """A safe file name for Content-Disposition: letters, digits, dashes; the extension of the proven type."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", original.rsplit(".", 1)[0]).strip("-")[:60] or "document"
    return f"{stem}.{EXTENSIONS[content_type]}"


def file_response(*, name: str, content_type: str, download_only: bool, filename: str) -> FileResponse:
    """Serve a stored user file: its proven type only, nosniff, sandboxed, and as a download when it must be."""
    if content_type not in SERVED_TYPES:
        raise ValueError(f"refusing to serve a user file as {content_type}")
    response = FileResponse(
        default_storage.open(name, "rb"),
        content_type=content_type,
        as_attachment=download_only,
        filename=filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Opened on its own, a file loads nothing and reaches nothing of this site. An image is also sandboxed;
    # a PDF is not, since browsers' PDF viewers refuse to render in a sandbox (one with scripts or actions
    # is never opened inline: download_only).
    policy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    viewed_pdf = content_type == PDF and not download_only
    response["Content-Security-Policy"] = policy if viewed_pdf else f"sandbox; {policy}"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=3600"
    return response
