"""Files made in the test, byte by byte: honest ones, and the tricks an upload must refuse or defuse."""

from __future__ import annotations

import io
import zlib

from PIL import Image
from PIL.PngImagePlugin import PngInfo

GPS_IFD = 0x8825


def pdf(extra_catalog: bytes = b"", *, objects: bytes = b"") -> bytes:
    """A small, valid one-page PDF; `extra_catalog` goes into the catalog dictionary."""
    return (
        b"%PDF-1.4\n"
        b"1 0 obj<</Type/Catalog/Pages 2 0 R" + extra_catalog + b">>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
        + objects
        + b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def pdf_with_javascript() -> bytes:
    return pdf(b"/OpenAction<</S/JavaScript/JS(app.alert('hola'))>>")


def pdf_with_escaped_javascript() -> bytes:
    # /J#61vaScript is /JavaScript to a PDF reader.
    return pdf(b"/Names<</J#61vaScript 4 0 R>>")


def pdf_with_script_in_object_stream() -> bytes:
    hidden = zlib.compress(b"4 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj")
    head = b"5 0 obj<</Type/ObjStm/Filter/FlateDecode/Length %d>>stream\n" % len(hidden)
    return pdf(objects=head + hidden + b"\nendstream endobj\n")


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # Make
    exif[0x0131] = "Decide-test-camera"  # Software
    exif.get_ifd(GPS_IFD).update({1: "S", 2: (8.0, 6.0, 30.0), 3: "W", 4: (79.0, 1.0, 45.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"secret-comment")
    return out.getvalue()


def png_with_text() -> bytes:
    info = PngInfo()
    info.add_text("Author", "Secret Author")
    info.add_text("Comment", "<script>alert(1)</script>")
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (0, 120, 0, 255)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 80, 160)).save(out, format="PNG")
    return out.getvalue()


def png_bomb() -> bytes:
    """A small file that decodes to 100 megapixels."""
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")
    return out.getvalue()


WINDOWS_EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"PE\x00\x00"
HTML_PAGE = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
