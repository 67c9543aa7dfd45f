"""The area dashboard's figures as its page shows them, for tests that read the page (a Jinja2
page leaves no response.context to read them from: docs/adr/024-one-template-language.md)."""

import html
import re
from html.parser import HTMLParser


class _Tables(HTMLParser):
    """Every table's caption and rows, each cell's text without the heading a phone shows in it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._caption: list | None = None
        self._cell: list | None = None
        self._heading = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append(("", []))
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "span" and "nhsuk-table__heading" in (dict(attrs).get("class") or ""):
            self._heading = True

    def handle_endtag(self, tag):
        if tag == "caption" and self._caption is not None:
            self.tables[-1] = (" ".join("".join(self._caption).split()), self.tables[-1][1])
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "span":
            self._heading = False

    def handle_data(self, data):
        if self._caption is not None:
            self._caption.append(data)
        elif self._cell is not None and not self._heading:
            self._cell.append(data)


def tables(page: str) -> list[tuple[str, list[list[str]]]]:
    """Each table of the page: its caption and its rows (its head first)."""
    reader = _Tables()
    reader.feed(page)
    return reader.tables


def table(page: str, caption: str) -> list[list[str]]:
    """The rows (its head first) of the page's table whose caption starts with ``caption``."""
    return next(rows for found, rows in tables(page) if found.startswith(caption))


def beds_now(page: str) -> dict[str, dict[str, str]]:
    """'Beds now': each care category's figures by column, as shown."""
    head, *rows = table(page, "Beds by care category in")
    return {row[0]: dict(zip(head[1:], row[1:], strict=True)) for row in rows}


SUMMARY_ROW = r'<dt class="nhsuk-summary-list__key">(.*?)</dt><dd class="nhsuk-summary-list__value">(.*?)</dd>'


def freshness(page: str) -> dict[str, str]:
    """'How fresh the figures are': each line's words and figure."""
    pairs = re.findall(SUMMARY_ROW, page, re.S)
    return {html.unescape(key): " ".join(html.unescape(re.sub("<[^>]+>", "", value)).split()) for key, value in pairs}


def reported(page: str) -> list[list[str]]:
    """'Figures reported wrong': each home and its reports, most first."""
    return table(page, "Reports per home")[1:]
