"""Turn a bill's text (pasted, Markdown, or .docx) into ordered sections, for an administrator to check.

A pure module: bytes or text in, a list of `ParsedSection` and warnings out; nothing is
saved here. Articles are found by their headings as Spanish-language legislation writes
them ("Artículo 1.", "Art. 2", "Artículo 3°.-", "Artículo único", "Capítulo I",
"TÍTULO PRELIMINAR"); everything between two headings belongs to the one above. Lists
and tables stay inside their article as lines ("- item", "a) item", "cell | cell").

.docx files are read with python-docx rather than mammoth: we need paragraphs in order
with their list level and the tables between them, which python-docx gives directly,
while mammoth's HTML would have to be parsed again to get the same thing.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from docx import Document
from docx.table import Table

from decide.refusals import Invalid, TooLarge

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_SECTIONS = 1000
HEADING_MAX_CHARS = 80

_SEP = r"\s*(?:[.:\-\u2013\u2014]+\s*)*"  # dots, colons, hyphens, en and em dashes
_TITLE = re.compile(
    rf"^T[IÍ]TULO\s+(PRELIMINAR|[IVXLC]+|\d+|[ÚU]NICO)\b{_SEP}(.*)$",
    re.IGNORECASE,
)
_CHAPTER = re.compile(rf"^CAP[IÍ]TULO\s+(PRELIMINAR|[IVXLC]+|\d+|[ÚU]NICO)\b{_SEP}(.*)$", re.IGNORECASE)
_ARTICLE = re.compile(
    rf"^(?:ART[IÍ]CULO|ART\.)\s*(\d+(?:\s*-?\s*(?:BIS|TER|QUATER)\b)?|[ÚU]NICO\b)\s*[º°ºo]?(?![\w]){_SEP}(.*)$",
    re.IGNORECASE,
)
# "DISPOSICIONES COMPLEMENTARIAS FINALES", "Disposición transitoria": a heading of its own, like a chapter.
_PROVISIONS = re.compile(
    r"^DISPOSICI[OÓ]N(?:ES)?(?:\s+(?:COMPLEMENTARIAS?|TRANSITORIAS?|FINAL(?:ES)?|DEROGATORIAS?|MODIFICATORIAS?|"
    r"ADICIONAL(?:ES)?))+\.?$",
    re.IGNORECASE,
)
# Markdown decoration a pasted heading may carry: "## ", "**Artículo 1.**", "> ".
_MARKDOWN_PREFIX = re.compile(r"^(?:#{1,6}\s+|>\s*)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_LIST_ITEM = re.compile(r"^(\s*)(?:[-*+•]|\d+[.)]|[a-zA-Z][.)]|[ivxIVX]+[.)])\s+")


@dataclass
class ParsedSection:
    kind: str
    number: str = ""
    heading: str = ""
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()


@dataclass
class ParseResult:
    sections: list[ParsedSection]
    warnings: list[str]

    @property
    def article_count(self) -> int:
        return sum(1 for s in self.sections if s.kind == "article")


def _split_heading(rest: str) -> tuple[str, str]:
    """'Objeto. La presente…' → ('Objeto', 'La presente…'); a long first sentence is text, not a heading."""
    rest = rest.strip()
    if not rest:
        return "", ""
    match = re.match(r"^(.+?)[.:][-\u2013\u2014]?\s+(\S.*)$", rest)
    if match and len(match.group(1)) <= HEADING_MAX_CHARS:
        return match.group(1).strip(), match.group(2).strip()
    if len(rest) <= HEADING_MAX_CHARS:
        return rest.rstrip(".:").strip(), ""
    return "", rest


def _article_number(raw: str) -> str:
    """'5-bis' → '5 bis', 'ÚNICO' → 'único': the number as readers will see it."""
    return " ".join(raw.replace("-", " ").split()).lower()


def _clean(line: str) -> str:
    line = _MARKDOWN_PREFIX.sub("", line.rstrip())
    return _EMPHASIS.sub(r"\2", line).strip()


def parse_lines(raw_lines: list[str]) -> ParseResult:
    """Group lines under the headings they follow; text before the first heading is a preamble paragraph."""
    sections: list[ParsedSection] = []
    current: ParsedSection | None = None
    for raw in raw_lines:
        line = _clean(raw)
        if not line:
            if current is not None and current.lines and current.lines[-1] != "":
                current.lines.append("")
            continue
        if match := _TITLE.match(line):
            heading, text = _split_heading(match.group(2))
            current = ParsedSection("title", match.group(1).upper(), heading or text)
            sections.append(current)
        elif match := _CHAPTER.match(line):
            heading, text = _split_heading(match.group(2))
            current = ParsedSection("chapter", match.group(1).upper(), heading or text)
            sections.append(current)
        elif _PROVISIONS.match(line):
            current = ParsedSection("chapter", "", line.rstrip("."))
            sections.append(current)
        elif match := _ARTICLE.match(line):
            heading, text = _split_heading(match.group(2))
            current = ParsedSection("article", _article_number(match.group(1)), heading, [text] if text else [])
            sections.append(current)
        else:
            if current is None:
                current = ParsedSection("paragraph")  # a preamble before the first heading
                sections.append(current)
            elif current.kind in ("title", "chapter"):
                if not current.heading:  # "CAPÍTULO I" on one line, its name on the next
                    current.heading = line
                    continue
                current = ParsedSection("paragraph")
                sections.append(current)
            item = _LIST_ITEM.match(raw.rstrip())
            current.lines.append(("  " * (len(item.group(1)) // 2)) + line if item else line)
    for section in sections:
        while section.lines and section.lines[-1] == "":
            section.lines.pop()
        if section.kind == "article" and not section.lines and section.heading:
            # "Artículo único. Derógase la ordenanza anterior." is one sentence of text, not a heading.
            section.lines, section.heading = [section.heading + "."], ""
    return ParseResult(sections=sections, warnings=_warnings(sections))


def _warnings(sections: list[ParsedSection]) -> list[str]:
    warnings: list[str] = []
    previous: int | None = None
    for section in sections:
        if section.kind != "article":
            continue
        if not section.text:
            warnings.append(_("Article %(n)s has no text.") % {"n": section.number})
        digits = re.match(r"\d+", section.number)
        if digits is None:
            continue
        number = int(digits.group())
        if previous is not None and number > previous + 1:
            warnings.append(
                _("The numbering jumps from article %(a)d to article %(b)d: check that nothing is missing.")
                % {"a": previous, "b": number}
            )
        elif previous is not None and number <= previous and section.number == str(number):
            warnings.append(_("Article %(n)d appears after article %(p)d.") % {"n": number, "p": previous})
        previous = number
    return warnings


def parse_text(text: str) -> ParseResult:
    """Plain text or Markdown (pasted or uploaded)."""
    result = parse_lines(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    _require_articles(result)
    return result


def _docx_lines(data: bytes) -> list[str]:
    document = Document(io.BytesIO(data))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):  # one line per row, cells joined, inside the current article
            for row in block.rows:
                cells = [" ".join(cell.text.split()) for cell in row.cells]
                lines.append(" | ".join(cells))
            lines.append("")
            continue
        text = block.text.strip()
        if not text:
            lines.append("")
            continue
        style = (block.style.name if block.style is not None else "") or ""
        levels = block._p.xpath("./w:pPr/w:numPr/w:ilvl/@w:val")
        if levels or style.lower().startswith("list"):
            level = int(levels[0]) if levels else 0
            lines.append("  " * level + "- " + text)
        else:
            lines.append(text)
    return lines


def parse_upload(*, name: str, data: bytes) -> ParseResult:
    """An uploaded file: .docx, .md, .markdown or .txt. Anything else, or a broken file, is refused with why."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise TooLarge(_("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
    if not data:
        raise Invalid(_("The file is empty."))
    lower = name.lower()
    if lower.endswith(".docx"):
        try:
            lines = _docx_lines(data)
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise Invalid(_("This file cannot be read as a Word (.docx) document.")) from exc
        except Exception as exc:  # python-docx raises its own PackageNotFoundError and lxml errors
            raise Invalid(_("This file cannot be read as a Word (.docx) document.")) from exc
        result = parse_lines(lines)
        _require_articles(result)
        return result
    if lower.endswith((".txt", ".md", ".markdown", ".text")):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise Invalid(_("The text file is not in UTF-8: save it as UTF-8 and upload it again.")) from exc
        if "\x00" in text:
            raise Invalid(_("This is not a text file."))
        return parse_text(text)
    raise Invalid(_("Upload a .docx, .md or .txt file."))


def _require_articles(result: ParseResult) -> None:
    if result.article_count == 0:
        raise Invalid(
            _(
                "No article was found. Each article must start on its own line with "
                "“Artículo 1.”, “Art. 1” or “Artículo único”."
            )
        )
    if len(result.sections) > MAX_SECTIONS:
        raise TooLarge(_("A bill can have at most %(n)d sections.") % {"n": MAX_SECTIONS})
