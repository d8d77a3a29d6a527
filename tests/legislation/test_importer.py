"""The importer on messy real-world bills: headings as councils write them, lists, tables, gaps, bad files."""

from __future__ import annotations

import io

import pytest
from docx import Document

from decide.refusals import Invalid, TooLarge
from legislation.importer import MAX_UPLOAD_BYTES, parse_text, parse_upload

pytestmark = pytest.mark.usefixtures("english")

MESSY = """ORDENANZA REGIONAL N.º 012-2026-GRLL/CR
Exposición de motivos: el agua es un bien común.

TÍTULO PRELIMINAR
## Capítulo I
DISPOSICIONES GENERALES
**Artículo 1.** Objeto. La presente ordenanza regula el uso del agua.
ARTÍCULO 2°.- Ámbito
Se aplica en toda la región:
- a la costa;
  - incluidos los valles;
- a la sierra.
Art. 4 Definiciones. Para efectos de esta ordenanza:
a) Usuario: quien usa el agua.
b) Junta: la junta de usuarios.
| Tarifa | Monto |
| Doméstica | 1.20 |
Artículo 4-bis. Se añade por la Ordenanza 3-2027 una definición que no tiene título propio y es larga, muy larga.
CAPÍTULO II. De las sanciones
Artículo único. Derógase la ordenanza anterior.
"""


def test_messy_headings_lists_tables_and_gaps() -> None:
    result = parse_text(MESSY)
    kinds = [(s.kind, s.number, s.heading) for s in result.sections]
    assert kinds == [
        ("paragraph", "", ""),
        ("title", "PRELIMINAR", ""),
        ("chapter", "I", "DISPOSICIONES GENERALES"),
        ("article", "1", "Objeto"),
        ("article", "2", "Ámbito"),
        ("article", "4", "Definiciones"),
        ("article", "4 bis", ""),
        ("chapter", "II", "De las sanciones"),
        ("article", "único", ""),
    ]
    articles = {s.number: s.text for s in result.sections if s.kind == "article"}
    assert articles["1"] == "La presente ordenanza regula el uso del agua."
    # Nested list items keep their level; table rows stay inside their article.
    assert articles["2"].splitlines() == [
        "Se aplica en toda la región:",
        "- a la costa;",
        "  - incluidos los valles;",
        "- a la sierra.",
    ]
    assert "| Doméstica | 1.20 |" in articles["4"]
    assert articles["4 bis"].startswith("Se añade por la Ordenanza 3-2027")
    assert articles["único"] == "Derógase la ordenanza anterior."
    assert result.sections[0].text.startswith("ORDENANZA REGIONAL")
    assert any("from article 2 to article 4" in w for w in result.warnings)


def _docx(build: object) -> bytes:
    document = Document()
    build(document)  # type: ignore[operator]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_with_heading_styles_nested_lists_and_a_table() -> None:
    def build(doc: Document) -> None:
        doc.add_heading("CAPÍTULO I", level=1)
        doc.add_paragraph("Disposiciones generales")
        doc.add_heading("Artículo 1. Objeto", level=2)
        doc.add_paragraph("La ordenanza regula el agua de riego.")
        doc.add_paragraph("Los usuarios:", style=None)
        doc.add_paragraph("pagan su tarifa;", style="List Bullet")
        doc.add_paragraph("cumplen los turnos.", style="List Bullet 2")
        doc.add_heading("Artículo 3. Tarifas", level=2)
        table = doc.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "Uso", "Soles por m³"
        table.cell(1, 0).text, table.cell(1, 1).text = "Riego", "0.05"
        doc.add_paragraph("Se revisan cada año.")

    result = parse_upload(name="Ordenanza.DOCX", data=_docx(build))
    articles = [s for s in result.sections if s.kind == "article"]
    assert [(a.number, a.heading) for a in articles] == [("1", "Objeto"), ("3", "Tarifas")]
    assert "- pagan su tarifa;" in articles[0].text
    assert "cumplen los turnos." in articles[0].text
    assert articles[1].text.splitlines()[:2] == ["Uso | Soles por m³", "Riego | 0.05"]
    assert articles[1].text.endswith("Se revisan cada año.")
    assert result.sections[0].kind == "chapter" and result.sections[0].heading == "Disposiciones generales"
    assert any("from article 1 to article 3" in w for w in result.warnings)


def test_markdown_upload() -> None:
    data = "# Ley\n\n## Artículo 1.- Fines\nEl agua es de todos.\n\n## Artículo 2.- Usos\nRiego y consumo.\n".encode()
    result = parse_upload(name="ley.md", data=data)
    assert [(s.number, s.heading, s.text) for s in result.sections if s.kind == "article"] == [
        ("1", "Fines", "El agua es de todos."),
        ("2", "Usos", "Riego y consumo."),
    ]


@pytest.mark.parametrize(
    ("name", "data", "refusal", "words"),
    [
        ("ley.docx", b"PK\x03\x04 not really a zip", Invalid, "cannot be read as a Word"),
        ("ley.docx", b"just text pretending", Invalid, "cannot be read as a Word"),
        ("ley.pdf", b"%PDF-1.4", Invalid, "Upload a .docx, .md or .txt file"),
        ("ley.txt", "Artículo 1. Agua".encode("latin-1"), Invalid, "not in UTF-8"),
        ("ley.txt", b"", Invalid, "empty"),
        ("ley.txt", b"Un texto sin articulos.", Invalid, "No article was found"),
        ("ley.txt", b"\x00\x01Art\xc3\xadculo 1. x", Invalid, "not a text file"),
        ("ley.txt", b"a" * (MAX_UPLOAD_BYTES + 1), TooLarge, "larger than"),
    ],
)
def test_rejected_files_say_why(name: str, data: bytes, refusal: type, words: str) -> None:
    with pytest.raises(refusal) as raised:
        parse_upload(name=name, data=data)
    assert words in raised.value.message
