"""Rich-text notes made safe for an HTML export: an allow-list of tags, no scripts, styles
or event attributes, every tag closed.

The notes editor saves Qt rich text (a full HTML document with a ``<style>`` block and
``style`` attributes). The export keeps the structure (paragraphs, lists, tables) and the
emphasis Qt writes as inline styles (bold, italic, underline become ``strong``/``em``/``u``);
everything else is dropped, so an exported file opened in a browser runs nothing.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

_ALLOWED = frozenset({"p", "br", "hr", "b", "strong", "i", "em", "u", "s", "sub", "sup", "ul", "ol", "li",
                      "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "table", "thead",
                      "tbody", "tr", "td", "th", "div", "span", "a"})
_VOID = frozenset({"br", "hr"})
_DROP_CONTENT = frozenset({"script", "style", "head", "title", "noscript", "iframe", "object", "embed",
                           "template", "svg", "math"})
_SAFE_SCHEMES = ("http:", "https:", "mailto:")
_CELL_ATTRS = frozenset({"colspan", "rowspan"})
_LOOKS_LIKE_HTML = re.compile(r"<[A-Za-z!/]")


def _emphasis(style: str) -> list[str]:
    """Tags that carry the emphasis of a Qt inline style (bold, italic, underline)."""
    css = style.replace(" ", "").lower()
    tags = []
    weight = re.search(r"font-weight:(\d+|bold)", css)
    if weight and (weight.group(1) == "bold" or int(weight.group(1)) >= 600):
        tags.append("strong")
    if "font-style:italic" in css:
        tags.append("em")
    if re.search(r"text-decoration:[^;]*underline", css):
        tags.append("u")
    return tags


def _safe_attrs(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    """The few attributes kept: a link's target when its scheme is safe, table cell spans."""
    kept = []
    for name, value in attrs:
        if value is None:
            continue
        if tag == "a" and name == "href" and value.strip().lower().startswith(_SAFE_SCHEMES):
            kept.append(f' href="{html.escape(value.strip(), quote=True)}"')
        elif tag in ("td", "th") and name in _CELL_ATTRS and value.strip().isdigit():
            kept.append(f' {name}="{int(value.strip())}"')
    return "".join(kept)


class _Sanitiser(HTMLParser):
    """Re-emits allowed elements only; text is escaped; unclosed elements are closed at the end."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[tuple[str, list[str]]] = []   # open tag -> emphasis tags it opened
        self.skip: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip or tag in _DROP_CONTENT:
            if tag in _DROP_CONTENT and tag not in _VOID:
                self.skip.append(tag)
            return
        if tag not in _ALLOWED:
            return
        extra = _emphasis(dict(attrs).get("style") or "")
        if tag == "span":   # spans carry nothing but the emphasis they are translated to
            if not extra:
                return
            self.out.append("".join(f"<{t}>" for t in extra))
            self.stack.append((tag, extra))
            return
        self.out.append(f"<{tag}{_safe_attrs(tag, attrs)}>" + "".join(f"<{t}>" for t in extra))
        if tag not in _VOID:
            self.stack.append((tag, extra))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID and not self.skip:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag == self.skip[-1]:
                self.skip.pop()
            return
        if not any(open_tag == tag for open_tag, _ in self.stack):
            return
        while self.stack:
            open_tag, extra = self.stack.pop()
            self._close(open_tag, extra)
            if open_tag == tag:
                break

    def _close(self, tag: str, extra: list[str]) -> None:
        self.out.append("".join(f"</{t}>" for t in reversed(extra)) + ("" if tag == "span" else f"</{tag}>"))

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(html.escape(data, quote=False))

    def handle_comment(self, data: str) -> None:   # comments (and IE conditionals) are dropped
        pass

    def handle_decl(self, decl: str) -> None:      # <!DOCTYPE ...> of Qt's documents
        pass

    def unknown_decl(self, data: str) -> None:      # CDATA and the like
        pass

    def handle_pi(self, data: Any) -> None:
        pass

    def result(self) -> str:
        self.close()
        while self.stack:
            self._close(*self.stack.pop())
        return "".join(self.out).strip()


def sanitise_note_html(text: str) -> str:
    """A note as safe HTML: rich text through the allow-list, plain text escaped with line breaks."""
    if not _LOOKS_LIKE_HTML.search(text):
        paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
        return "".join("<p>" + html.escape(p.strip(), quote=False).replace("\n", "<br>") + "</p>"
                       for p in paragraphs)
    parser = _Sanitiser()
    parser.feed(text)
    return parser.result()
