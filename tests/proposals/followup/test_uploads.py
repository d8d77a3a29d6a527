"""decide.uploads: a file is judged by its bytes, images leave their metadata behind, scripted PDFs are defused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from decide.refusals import Invalid, TooLarge
from decide.uploads import (
    JPEG,
    MAX_DOCUMENT_BYTES,
    MAX_IMAGE_BYTES,
    PDF,
    PNG,
    download_name,
    file_check,
    pdf_is_active,
)
from tests.proposals.followup import files


def test_a_renamed_executable_is_refused_whatever_its_name() -> None:
    with pytest.raises(Invalid) as refused:
        file_check(io.BytesIO(files.WINDOWS_EXECUTABLE))
    assert refused.value.status == 400


def test_an_html_page_is_refused() -> None:
    with pytest.raises(Invalid):
        file_check(io.BytesIO(files.HTML_PAGE))


def test_an_oversized_pdf_is_refused_with_413() -> None:
    big = files.pdf() + b"%" + b"x" * MAX_DOCUMENT_BYTES
    with pytest.raises(TooLarge) as refused:
        file_check(io.BytesIO(big))
    assert refused.value.status == 413


def test_an_oversized_image_is_refused_with_413() -> None:
    with pytest.raises(TooLarge):
        file_check(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_IMAGE_BYTES))


def test_a_decompression_bomb_is_refused() -> None:
    with pytest.raises(TooLarge):
        file_check(io.BytesIO(files.png_bomb()))


def test_a_truncated_image_is_refused() -> None:
    with pytest.raises(Invalid):
        file_check(io.BytesIO(files.png()[:40]))


def test_jpeg_loses_exif_gps_and_comment() -> None:
    original = files.jpeg_with_gps()
    assert b"Canon" in original and b"secret-comment" in original
    checked = file_check(io.BytesIO(original))
    assert checked.content_type == JPEG
    assert b"Canon" not in checked.content and b"Exif" not in checked.content
    assert b"secret-comment" not in checked.content
    with Image.open(io.BytesIO(checked.content)) as image:
        assert not image.getexif()
        assert not image.getexif().get_ifd(files.GPS_IFD)
        assert image.size == (64, 48)


def test_png_loses_its_text_chunks_and_anything_glued_after_it() -> None:
    original = files.png_with_text() + b"<script>alert(1)</script>"
    checked = file_check(io.BytesIO(original))
    assert checked.content_type == PNG
    assert b"Secret Author" not in checked.content
    assert b"<script>" not in checked.content
    with Image.open(io.BytesIO(checked.content)) as image:
        assert not image.info.get("Author")


def test_a_plain_pdf_is_kept_byte_for_byte_and_opens_inline() -> None:
    document = files.pdf()
    checked = file_check(io.BytesIO(document))
    assert checked.content == document and checked.content_type == PDF
    assert checked.download_only is False


@pytest.mark.parametrize(
    "document",
    [files.pdf_with_javascript(), files.pdf_with_escaped_javascript(), files.pdf_with_script_in_object_stream()],
    ids=["open-action", "hex-escaped-name", "inside-object-stream"],
)
def test_a_pdf_with_scripts_is_download_only(document: bytes) -> None:
    assert pdf_is_active(document)
    assert file_check(io.BytesIO(document)).download_only is True


def test_an_incomplete_pdf_is_refused() -> None:
    with pytest.raises(Invalid):
        file_check(io.BytesIO(files.pdf()[:-10]))


def test_the_download_name_carries_the_proven_extension_not_the_given_one() -> None:
    assert download_name("informe final.exe", PDF) == "informe-final.pdf"
    assert download_name("../../etc/passwd", PNG).endswith(".png")
    assert "/" not in download_name("../../etc/passwd", PNG)
