"""Small tables of results: an HTML table in a notebook and in the book, aligned text elsewhere."""

from __future__ import annotations

import html
import numbers
from collections.abc import Mapping, Sequence


class Table:
    """Rows of named values, shown as an HTML table by a notebook and as text by ``print``;
    ``formats`` maps a column to a format spec such as ``".1%"`` (text is shown as it is)."""

    def __init__(self, rows: Sequence[Mapping[str, object]], formats: Mapping[str, str] | None = None,
                 caption: str = ""):
        if not rows:
            raise ValueError("A table needs at least one row.")
        self.columns = list(rows[0])
        if any(list(row) != self.columns for row in rows):
            raise ValueError(f"Every row must have the columns {self.columns}, in that order.")
        if unknown := set(formats or {}) - set(self.columns):
            raise ValueError(f"formats names columns the rows do not have: {sorted(unknown)}.")
        self.rows, self.formats, self.caption = [dict(row) for row in rows], dict(formats or {}), caption

    def cells(self) -> list[list[str]]:
        """Every value as the text shown, row by row."""
        return [[row[c] if isinstance(row[c], str) else format(row[c], self.formats.get(c, ""))
                 for c in self.columns] for row in self.rows]

    def _numeric(self, column: str) -> bool:
        return all(isinstance(row[column], numbers.Number) for row in self.rows)

    def __str__(self) -> str:
        cells = self.cells()
        widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(self.columns)]

        def line(values):
            return "  ".join(v.rjust(w) if self._numeric(c) else v.ljust(w)
                             for v, w, c in zip(values, widths, self.columns, strict=True)).rstrip()

        lines = [line(self.columns), *(line(row) for row in cells)]
        return "\n".join([self.caption, *lines] if self.caption else lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        def cell(tag, value, column, scope=""):
            align = ' style="text-align: right"' if self._numeric(column) else ""
            return f"<{tag}{scope}{align}>{html.escape(value)}</{tag}>"

        head = "".join(cell("th", c, c, ' scope="col"') for c in self.columns)
        body = "".join("<tr>" + "".join(cell("td", v, c) for v, c in zip(row, self.columns, strict=True))
                       + "</tr>" for row in self.cells())
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        return f'<table class="table">{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
