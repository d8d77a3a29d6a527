"""Word-level diffs: exact, by stable key, with added, removed and renumbered sections."""

from __future__ import annotations

from legislation.diff import Piece, diff_versions, diff_words


def _apply(pieces: list[Piece], side: str) -> str:
    skip = "added" if side == "old" else "removed"
    return "".join(p.text for p in pieces if p.op != skip)


def test_word_diff_rebuilds_both_texts_exactly() -> None:
    old = "El agua de riego se distribuye por turnos.\n- a la costa;\n- a la sierra."
    new = "El agua de riego y de consumo se distribuye por turnos semanales.\n- a la costa;\n- a la selva."
    pieces = diff_words(old, new)
    assert _apply(pieces, "old") == old and _apply(pieces, "new") == new
    assert Piece("added", "y de consumo ") in pieces
    assert [p.text.strip() for p in pieces if p.op == "removed"] == ["turnos.", "sierra."]
    assert [p.text.strip() for p in pieces if p.op == "added"] == ["y de consumo", "turnos semanales.", "selva."]


def test_identical_texts_have_no_change() -> None:
    assert all(p.op == "same" for p in diff_words("uno dos tres", "uno dos tres"))


def _s(key: str, number: str, text: str, heading: str = "") -> dict[str, str]:
    return {"key": key, "kind": "article", "number": number, "heading": heading, "text": text}


def test_sections_match_by_key_so_renumbering_is_not_a_rewrite() -> None:
    old = [_s("a", "1", "Primero."), _s("b", "2", "Segundo."), _s("c", "3", "Tercero.")]
    new = [
        _s("a", "1", "Primero."),
        _s("n", "2", "Nuevo."),
        _s("b", "3", "Segundo."),
        _s("c", "4", "Tercero cambiado."),
    ]
    result = {d.key: d for d in diff_versions(old, new)}
    assert [d.key for d in diff_versions(old, new)] == ["a", "n", "b", "c"]
    assert result["a"].status == "same"
    assert result["n"].status == "added"
    assert result["b"].status == "changed"  # renumbered, words the same
    assert all(p.op == "same" for p in result["b"].pieces)
    assert [(p.op, p.text) for p in result["c"].pieces] == [("removed", "Tercero."), ("added", "Tercero cambiado.")]


def test_removed_sections_stay_where_they_were() -> None:
    old = [_s("a", "1", "Uno."), _s("b", "2", "Dos."), _s("c", "3", "Tres.")]
    new = [_s("a", "1", "Uno."), _s("c", "2", "Tres.")]
    diffs = diff_versions(old, new)
    assert [(d.key, d.status) for d in diffs] == [("a", "same"), ("b", "removed"), ("c", "changed")]
    assert diffs[1].pieces == [Piece("removed", "Dos.")]
