"""How a listing's renderer links its cards: the link template, read from the scripts it runs.

A MiniConf-style listing (``papers.html``) is drawn by a script from a JSON file: each card links
``poster_${paper.content.iclr_id}.html``. Real renderers write that link in many ways: inside one
long multi-line template literal of the whole card (ICLR, ACL and EMNLP 2020), as a short literal
returned by a helper (Mini-Conf's ``API.posterLink``), as a string concatenation
(``'paper_' + d.id + '.html'``), or as a Handlebars/mustache template in the page
(``<a href="demo_{{UID}}.html">``). So nothing here looks for a fixed shape or a fixed prefix:

1. the scripts are parsed with tree-sitter's JavaScript grammar (comments are never read, template
   literals of any length and nesting, escapes decoded), and every string expression (a literal, a
   template literal, a ``+`` chain of them) is rendered with a placeholder for each expression in it;
2. a rendered string that is markup is parsed with BeautifulSoup and its ``<a href>`` values read; a
   rendered string that is a page URL by itself is a (weaker) candidate too;
3. a candidate is a link with exactly one placeholder that names a field (``paper.content.iclr_id``,
   ``{{UID}}``), a literal prefix and a literal suffix.

Which candidate is the card link, and which JSON file it is applied to, is decided by the data (see
``miniconf.py``): the candidate whose field is present in the entries of a JSON file the scripts name.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from bs4 import BeautifulSoup

_PLACEHOLDER = "cfaslot{}x"
_SLOT = re.compile(r"cfaslot(\d+)x")
_MUSTACHE = re.compile(r"\{\{\{?\s*([^{}]+?)\s*\}?\}\}")  # {{UID}}, {{{ paper.UID }}}
_FIELD = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")
_URL_TEXT = re.compile(r"[^\s\"'<>{}`\\]*")  # what a literal part of a link may hold
_PAGE_SUFFIX = re.compile(r"(?:\.(?:s?html?|php|aspx?))?/?")
_OTHER_SCHEMES = re.compile(r"^(?!https?:)[a-z][a-z0-9+.-]*:", re.IGNORECASE)  # webcal:, mailto:, javascript:
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass(frozen=True)
class LinkTemplate:
    """``prefix`` + one field of a data entry + ``suffix``: how a renderer links a card to its page.

    ``path`` is the field as the renderer names it, loop variable included (``paper.content.iclr_id``
    gives ``("paper", "content", "iclr_id")``; a mustache ``{{UID}}`` gives ``("UID",)``): which of its
    leading names is the loop variable is learnt from the data (``bind``).
    """

    prefix: str
    path: tuple[str, ...]
    suffix: str
    rank: int  # 0: the link of a card's title; 1: another link in markup; 2: a URL string by itself
    source: int  # which of the page's scripts it came from (its data file is looked for there first)

    def bind(self, entries: Sequence[Any]) -> BoundTemplate | None:
        """The template with its loop variable dropped if the entries require; None if no entry has it."""
        best: BoundTemplate | None = None
        for start in range(min(2, len(self.path))):  # a loop variable is one name, at the start
            bound = BoundTemplate(self, self.path[start:])
            hits = sum(1 for entry in entries if bound.value(entry) is not None)
            if hits and (best is None or hits > best.hits(entries)):
                best = bound
        return best


@dataclass(frozen=True)
class BoundTemplate:
    template: LinkTemplate
    fields: tuple[str, ...]  # the path inside one data entry

    def value(self, entry: Any) -> str | None:
        value = entry
        for name in self.fields:
            value = value.get(name) if isinstance(value, dict) else None
        if isinstance(value, bool) or not isinstance(value, str | int):
            return None
        text = str(value).strip()
        return text or None

    def href(self, entry: Any) -> str | None:
        value = self.value(entry)
        return None if value is None else f"{self.template.prefix}{value}{self.template.suffix}"

    def hits(self, entries: Sequence[Any]) -> int:
        return sum(1 for entry in entries if self.value(entry) is not None)


# -- JavaScript --------------------------------------------------------------------------------------------
@cache
def _parser() -> Any:
    """tree-sitter's JavaScript parser, built once per process (imported here: only listings need it)."""
    import tree_sitter_javascript
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_javascript.language()))


_STRINGY = frozenset({"string", "template_string"})


def _is_concatenation(node: Any) -> bool:
    op = node.child_by_field_name("operator")
    return node.type == "binary_expression" and op is not None and op.type == "+"


def _parts(node: Any) -> list[str | Any] | None:
    """A string expression as literal text and expression nodes, in order; None if it is not one."""
    if node.type == "string":
        return ["".join(_literal(child) for child in node.children[1:-1])]
    if node.type == "template_string":
        parts: list[str | Any] = []
        for child in node.children[1:-1]:
            if child.type == "template_substitution":
                inner = [c for c in child.children if c.type not in ("${", "}")]
                parts.append(inner[0] if inner else "")
            else:
                parts.append(_literal(child))
        return parts
    if node.type == "parenthesized_expression" and node.named_child_count == 1:
        return _parts(node.named_children[0])
    if _is_concatenation(node):
        left = _parts(node.child_by_field_name("left"))
        right = _parts(node.child_by_field_name("right"))
        if left is None and right is None:
            return None  # arithmetic, not a string
        return [*(left if left is not None else [node.child_by_field_name("left")]),
                *(right if right is not None else [node.child_by_field_name("right")])]  # fmt: skip
    return None


def _literal(node: Any) -> str:
    text = node.text.decode("utf-8", "replace")
    if node.type == "escape_sequence":
        try:
            return codecs.decode(text, "unicode_escape")
        except UnicodeDecodeError:
            return text[1:]
    return text


def _field(node: Any) -> tuple[str, ...] | None:
    """``a.b.c`` or ``a["b"].c`` as names; None for anything computed (a call, an operator)."""
    if node.type == "identifier":
        return (node.text.decode(),)
    if node.type == "member_expression":
        head = _field(node.child_by_field_name("object"))
        prop = node.child_by_field_name("property")
        return None if head is None or prop is None else (*head, prop.text.decode())
    if node.type == "subscript_expression":
        head = _field(node.child_by_field_name("object"))
        index = node.child_by_field_name("index")
        if head is None or index is None or index.type != "string":
            return None
        return (*head, "".join(_literal(c) for c in index.children[1:-1]))
    return None


def _string_expressions(source: str) -> Iterator[list[str | Any]]:
    """Every maximal string expression of a script, comments skipped, in source order."""
    tree = _parser().parse(source.encode("utf-8", "replace"))
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        parent = node.parent
        inside_chain = parent is not None and _is_concatenation(parent)
        if (node.type in _STRINGY or _is_concatenation(node)) and not inside_chain:
            parts = _parts(node)
            if parts is not None:
                yield parts
        stack.extend(reversed(node.children))


@dataclass(frozen=True)
class _Rendered:
    text: str
    slots: tuple[tuple[str, ...] | None, ...]  # the field each placeholder stands for, None if computed


def _render(parts: Sequence[str | Any]) -> _Rendered:
    text: list[str] = []
    slots: list[tuple[str, ...] | None] = []
    for part in parts:
        if isinstance(part, str):
            text.append(_mustache(part, slots))
        else:
            text.append(_PLACEHOLDER.format(len(slots)))
            slots.append(_field(part))
    return _Rendered("".join(text), tuple(slots))


def _mustache(text: str, slots: list[tuple[str, ...] | None]) -> str:
    def slot(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        names = tuple(n for n in expression.split(".") if n != "this") if _FIELD.fullmatch(expression) else None
        slots.append(names or None)
        return _PLACEHOLDER.format(len(slots) - 1)

    return _MUSTACHE.sub(slot, text)


def _link(value: str, rendered: _Rendered) -> tuple[str, tuple[str, ...], str] | None:
    """(prefix, field, suffix) when ``value`` is literal text around exactly one field placeholder."""
    found = list(_SLOT.finditer(value))
    if len(found) != 1:
        return None
    slot = found[0]
    field = rendered.slots[int(slot.group(1))]
    prefix, suffix = value[: slot.start()].strip(), value[slot.end() :].strip()
    if field is None or _OTHER_SCHEMES.match(prefix) or not (prefix or suffix):
        return None
    if not (_URL_TEXT.fullmatch(prefix) and _URL_TEXT.fullmatch(suffix)):
        return None
    return prefix, field, suffix


def _candidates(rendered: _Rendered, source: int) -> Iterator[LinkTemplate]:
    if "<" in rendered.text:
        soup = BeautifulSoup(rendered.text, "html.parser")
        for tag in soup.find_all("a", href=True):
            link = _link(str(tag["href"]), rendered)
            if link is not None:
                rank = 0 if tag.find(_HEADINGS) is not None or tag.find_parent(_HEADINGS) is not None else 1
                yield LinkTemplate(link[0], link[1], link[2], rank, source)
        return
    link = _link(rendered.text, rendered)
    if link is not None and link[0] and _PAGE_SUFFIX.fullmatch(link[2]):
        yield LinkTemplate(link[0], link[1], link[2], 2, source)


def script_templates(source: str, index: int) -> list[LinkTemplate]:
    """The link templates of one script (``index``: its place among the page's scripts)."""
    found: list[LinkTemplate] = []
    for parts in _string_expressions(source):
        found.extend(_candidates(_render(parts), index))
    return found


def markup_templates(markup: str, index: int) -> list[LinkTemplate]:
    """The link templates of a Handlebars/mustache template kept in the page (``<script type="text/x-...">``)."""
    return list(_candidates(_render([markup]), index))


def json_names(source: str) -> list[str]:
    """The JSON files a script names as whole literals (``"papers.json"``, `` `papers.json` ``), in order."""
    names: list[str] = []
    for parts in _string_expressions(source):
        if len(parts) == 1 and isinstance(parts[0], str):
            text = parts[0].strip()
            if _URL_TEXT.fullmatch(text) and text.split("?", 1)[0].lower().endswith(".json"):
                names.append(text)
    return list(dict.fromkeys(names))
