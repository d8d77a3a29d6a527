"""User rich text both ways: what an author typed → the clean HTML stored, and stored HTML → the text to edit.

Authors type plain text (a blank line between paragraphs) or simple HTML; `rich_text` cleans it with
`decide.sanitize.clean_html` (the one place user HTML is cleaned) and turns the paragraphs into `<p>`.
An edit form shows `editable_text(stored)`: the paragraphs, line breaks, bare links and characters as
they were typed, not the markup the cleaner wrote (`<p>`, `<br>`, `rel=...`, `&amp;`). Saving that text
unchanged stores the same HTML again: `rich_text(editable_text(s)) == rich_text(s)`, checked on every
call; when some unusual markup would not come back the same, the form shows the stored HTML itself,
which always does.
"""

from __future__ import annotations

import html
import re
from html.entities import html5

from decide.sanitize import clean_html

# The cleaner's output: a tag is `<name attr="value" ...>` (values double-quoted, `"` escaped), and every
# `<` in text is `&lt;`. Tokenising it needs no HTML parser.
_TAG = re.compile(r'<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s"\'>/=]+(?:="[^"]*")?)*)\s*/?>')
_ATTRIBUTE = re.compile(r'([^\s"\'>/=]+)="([^"]*)"')
_BLOCKS = frozenset({"p", "ul", "ol", "blockquote", "h3", "h4", "pre"})
_VOID = frozenset({"br"})
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")
# What follows an `&` that the HTML tokenizer reads as a character reference (`&copy`, `&#169;`, ...).
_REFERENCE = "|".join(re.escape(name) for name in sorted(html5, key=len, reverse=True))
_AMP_KEPT = re.compile(rf"&amp;(?=(?:{_REFERENCE})|#[0-9]|#[xX][0-9a-fA-F])")
# What follows a `<` that the HTML tokenizer reads as the start of a tag, a comment or a declaration.
_LT_KEPT = re.compile(r"&lt;(?=[a-zA-Z/!?])")
_KEPT = "\x00"  # stands for a kept `&` while the other escapes are undone (the cleaner never outputs it)


Token = tuple[str, str, str, str]  # (source, closing "/" or "", tag name or "" for text, attributes)


def _tokens(markup: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    for match in _TAG.finditer(markup):
        if match.start() > position:
            tokens.append((markup[position : match.start()], "", "", ""))
        tokens.append((match.group(0), match.group(1), match.group(2).lower(), match.group(3)))
        position = match.end()
    if position < len(markup):
        tokens.append((markup[position:], "", "", ""))
    return tokens


def _paragraph(pieces: list[tuple[str, bool]]) -> str:
    """Inline pieces (source, is_text) as one `<p>`, its line breaks as `<br>`; "" when nothing shows."""
    parts: list[str] = []
    for piece, is_text in pieces:
        if is_text and parts and parts[-1] == "<br>":
            piece = piece.removeprefix("\n")  # a <br> typed at the end of a line is that line's break
        parts.append(piece.replace("\n", "<br>") if is_text else piece)
    source = re.sub(r"^(?:\s|<br>)+|(?:\s|<br>)+$", "", "".join(parts))
    return f"<p>{source}</p>" if source else ""


def _with_paragraphs(cleaned: str) -> str:
    """Text and inline markup outside block elements, split at blank lines, become paragraphs.

    A `<p>` the author typed is read the same way (its line breaks become `<br>`); lists, quotes,
    headings and preformatted text are kept as they are.
    """
    out: list[str] = []
    run: list[tuple[str, bool]] = []
    block: list[str] = []
    open_tags: list[str] = []

    def flush() -> None:
        if paragraph := _paragraph(run):
            out.append(paragraph)
        run.clear()

    for source, closing, name, _attrs in _tokens(cleaned):
        paragraph_level = open_tags in ([], ["p"])
        if paragraph_level and name == "p":
            flush()
            open_tags[:] = [] if closing else ["p"]
            continue
        if not open_tags and name in _BLOCKS and not closing:
            flush()
        if block or (not open_tags and name in _BLOCKS):
            if not name and block and block[-1].lower().startswith("<pre"):
                source = source.lstrip("\n")  # each parse drops a newline right after <pre>: none is stable
            block.append(source)
        elif name in _BLOCKS or name == "li":
            # A block inside bold or a link (`<em><p>a</p><p>b</p></em>`) cannot sit in a paragraph:
            # its tags go, and where one ended the line breaks.
            if closing:
                run.append(("\n", True))
            continue
        elif not name and paragraph_level:
            first, *rest = _BLANK_LINE.split(source)
            run.append((first, True))
            for piece in rest:
                flush()
                run.append((piece, True))
        else:
            run.append((source, not name))
        if name and name not in _VOID:
            if not closing:
                open_tags.append(name)
            elif name in open_tags:
                del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name) :]
        if block and not open_tags:
            out.append("".join(block))
            block.clear()
    if block:
        out.append("".join(block))
    flush()
    return "".join(out)


def rich_text(typed: str) -> str:
    """The clean HTML to store for `typed`: cleaned, with paragraphs and line breaks of plain text kept."""
    return _with_paragraphs(clean_html(typed.replace("\r\n", "\n").replace("\r", "\n")))


def _typed_characters(escaped: str) -> str:
    """Text as stored (`&amp;`, `&lt;`) back to what was typed, escaping only what would otherwise be markup."""
    text = _AMP_KEPT.sub(_KEPT + "amp;", escaped)
    text = _LT_KEPT.sub(_KEPT + "lt;", text)
    text = text.replace("&gt;", ">").replace("&quot;", '"').replace("&#39;", "'").replace("&lt;", "<")
    return text.replace("&amp;", "&").replace(_KEPT, "&")


def _bare_link(attrs: str, inner: str) -> str | None:
    """The URL an author typed, when the link is one the cleaner made of it (its text is its address)."""
    values = dict(_ATTRIBUTE.findall(attrs))
    if set(values) - {"href", "rel"} or "<" in inner:
        return None
    href, text = html.unescape(values.get("href", "")), html.unescape(inner)
    return _typed_characters(inner) if href in (text, f"http://{text}") else None


def _link_tag(attrs: str) -> str:
    kept = [f'{name}="{value}"' for name, value in _ATTRIBUTE.findall(attrs) if name != "rel"]
    return "<a" + "".join(f" {attribute}" for attribute in kept) + ">"


def _as_typed(stored: str) -> str:
    blocks: list[str] = []
    current: list[str] = []
    open_tags: list[str] = []
    in_paragraph = False  # inside a top-level <p>: its <br> are the line breaks typed

    def end_block() -> None:
        if current:
            blocks.append("".join(current))
            current.clear()

    tokens = _tokens(stored)
    index = 0
    while index < len(tokens):
        source, closing, name, attrs = tokens[index]
        index += 1
        if not open_tags and name in _BLOCKS and not closing:
            end_block()
            if name == "p" and not attrs.strip():
                in_paragraph = True
                open_tags.append(name)
                continue
        if in_paragraph and closing and name == "p" and open_tags == ["p"]:
            open_tags.clear()
            in_paragraph = False
            end_block()
            continue
        if name == "a" and not closing and _link_text_follows(tokens, index):
            bare = _bare_link(attrs, tokens[index][0])
            if bare is not None:
                current.append(bare)
                index += 2
                continue
        if name == "a" and not closing:
            current.append(_link_tag(attrs))
        elif not name:
            current.append(_typed_characters(source))
        elif name == "br" and in_paragraph:
            current.append("\n")
        else:
            current.append(source)
        if name and name not in _VOID:
            if not closing:
                open_tags.append(name)
            elif name in open_tags:
                del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name) :]
                if not open_tags and name in _BLOCKS:
                    end_block()
    end_block()
    return "\n\n".join(block for block in blocks if block.strip())


def _link_text_follows(tokens: list[Token], index: int) -> bool:
    """A link's next tokens are one text and its end tag."""
    return index + 1 < len(tokens) and not tokens[index][2] and tokens[index + 1][1:3] == ("/", "a")


def editable_text(stored: str) -> str:
    """What the edit form shows for `stored` HTML: the text as its author typed it (see the module's docstring)."""
    typed = _as_typed(stored)
    return typed if rich_text(typed) == rich_text(stored) else stored
