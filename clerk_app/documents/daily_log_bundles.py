"""Bundles in the printed daily log: a bundle line with its members indented under it, and
the 一件事 totals under the log's own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from reportlab.platypus import Flowable, Paragraph, Spacer

from clerk_app.documents.fonts import to_markup
from clerk_app.domain.daily_log import DailyLog, LogRow
from clerk_app.i18n import _

INDENT = "　└ "


def bundle_grouped(log: DailyLog, centre: bool,
                   row_texts: Callable[[int, LogRow, bool], list[str]]
                   ) -> Iterator[tuple[list[str], str]]:
    """(cells, light label) of each printed row: applications in the log's order, except that
    a bundle's members follow a line for the bundle, indented; the numbering stays the log's."""
    lines = {line.number: line for line in getattr(log, "bundles", ())}
    members: dict[str, list[tuple[int, LogRow]]] = {}
    for index, row in enumerate(log.rows, start=1):
        bundle = getattr(row, "bundle", "")
        if bundle in lines:
            members.setdefault(bundle, []).append((index, row))
    printed: set[str] = set()
    for index, row in enumerate(log.rows, start=1):
        bundle = getattr(row, "bundle", "")
        if bundle not in lines:
            yield row_texts(index, row, centre), row.light_label
            continue
        if bundle in printed:
            continue
        printed.add(bundle)
        yield _bundle_cells(lines[bundle], row, centre, row_texts), ""
        for member_index, member in members[bundle]:
            cells = row_texts(member_index, member, centre)
            cells[_matter_column(centre)] = INDENT + cells[_matter_column(centre)]
            yield cells, member.light_label


def _matter_column(centre: bool) -> int:
    return 4 if centre else 3


def _bundle_cells(line: Any, first: LogRow, centre: bool,
                  row_texts: Callable[[int, LogRow, bool], list[str]]) -> list[str]:
    cells = ["" for _cell in row_texts(0, first, centre)]
    cells[1] = line.number
    column = _matter_column(centre)
    cells[column - 1] = f"{line.received_at:%m-%d %H:%M}"
    cells[column] = _("一件事：{name}（{n}项）").format(name=line.name, n=line.members)
    cells[column + 1] = line.applicant
    cells[column + 3] = line.status_label
    cells[column + 7] = str(line.trips)
    return cells


def bundle_totals(log: DailyLog, style: Any) -> list[Flowable]:
    """The 一件事 line under the totals (nothing when the log has no bundle)."""
    lines = getattr(log, "bundles", ())
    if not lines:
        return []
    finished = [line for line in lines if line.finished]
    text = _("一件事 {b} 件（成员事项 {m} 项，已计入上表）；全部办结 {f} 件，其中最多跑一次 {o} 件").format(
        b=len(lines), m=sum(line.members for line in lines), f=len(finished),
        o=sum(line.trips <= 1 for line in finished))
    return [Spacer(1, 2 * 2.83), Paragraph(to_markup(text), style)]
