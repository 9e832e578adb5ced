"""Small-count suppression for published tables and series (requirement J3).

Outside administrators and analysts, a count from 1 to ``threshold`` must not be
published, and neither may anything that lets a reader work it out from the
totals. The rule implemented here:

1. Primary suppression: every cell *and every total* whose count is
   1..threshold is suppressed. Zero and counts above the threshold are shown.
2. Complementary suppression: the table is treated with its totals as an
   augmented grid in which every line (a row with its row total, a column with
   its column total, the column-totals line with the grand total, the
   row-totals column with the grand total) obeys "cells add up to the total".
   While a line holds exactly one suppressed cell, another cell of that line is
   suppressed: preferably one that also completes a line elsewhere, then the
   smallest count, then interior cells before totals, then key order.
3. Audit: a suppressed cell is *pinned* when every assignment consistent with
   the published numbers gives it the same value. Because zeros are always
   shown, a reader knows every suppressed cell is at least 1, so "two
   suppressed cells summing to 2" pins both. Pinned cells get one more
   complement (preferably one that unpins them) until none is pinned.

Zeros are never suppressed, as the requirement says "zero is shown". This costs
nothing: a line with one suppressed count always has another non-zero member
(its total or a cell), and suppressing every non-zero cell leaves each one free
to grow, so step 3 always terminates with an unpinned pattern.

What the audit does not model: a reader who knows this algorithm and reasons
about which complement it would have picked, and the same counts published in
two tables suppressed independently. Publish the months of a series as the row
totals of the suppressed table rather than suppressing the series again, and
derive quarters from a table that has quarters as its rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 10

# The same marker for primary and complementary cells: a distinct marker (or a
# "1-10" range) would tell readers which suppressed cells are the small ones.
SUPPRESSED_MARKER = "*"


@dataclass(frozen=True, slots=True)
class Cell:
    """A published count, or ``value=None`` when it is suppressed."""

    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return SUPPRESSED_MARKER if self.value is None else str(self.value)


@dataclass(frozen=True, slots=True)
class TableRow:
    key: str
    cells: tuple[Cell, ...]
    total: Cell | None


@dataclass(frozen=True, slots=True)
class SuppressedTable:
    row_keys: tuple[str, ...]
    column_keys: tuple[str, ...]
    rows: tuple[TableRow, ...]
    column_totals: tuple[Cell, ...] | None
    grand_total: Cell | None

    def cell(self, row_key: str, column_key: str) -> Cell:
        return self.rows[self.row_keys.index(row_key)].cells[self.column_keys.index(column_key)]

    def row_total(self, row_key: str) -> Cell:
        total = self.rows[self.row_keys.index(row_key)].total
        if total is None:
            raise LookupError("table was suppressed without totals")
        return total

    def column_total(self, column_key: str) -> Cell:
        if self.column_totals is None:
            raise LookupError("table was suppressed without totals")
        return self.column_totals[self.column_keys.index(column_key)]

    def column_series(self, column_key: str) -> list[tuple[str, int | None]]:
        """One column down the rows, in the shape the charts take."""
        index = self.column_keys.index(column_key)
        return [(row.key, row.cells[index].value) for row in self.rows]

    def row_total_series(self) -> list[tuple[str, int | None]]:
        """The row totals, so a chart of them stays consistent with this table."""
        return [(row.key, self.row_total(row.key).value) for row in self.rows]


@dataclass(frozen=True, slots=True)
class SuppressedSeries:
    items: tuple[tuple[str, Cell], ...]
    total: Cell

    def chart_series(self) -> list[tuple[str, int | None]]:
        return [(key, cell.value) for key, cell in self.items]


Position = tuple[int, int]


class _Grid:
    """The table with its totals as an (R+1)x(C+1) grid; index R / C is the total line."""

    def __init__(self, values: list[list[int]], threshold: int) -> None:
        self.values = values
        self.n_rows = len(values) - 1
        self.n_cols = len(values[0]) - 1
        self.threshold = threshold
        self.suppressed: set[Position] = set()

    def is_total(self, pos: Position) -> bool:
        return pos[0] == self.n_rows or pos[1] == self.n_cols

    def lines(self) -> Iterable[list[Position]]:
        for i in range(self.n_rows + 1):
            yield [(i, j) for j in range(self.n_cols + 1)]
        for j in range(self.n_cols + 1):
            yield [(i, j) for i in range(self.n_rows + 1)]

    def lines_through(self, pos: Position) -> list[list[Position]]:
        i, j = pos
        return [[(i, jj) for jj in range(self.n_cols + 1)], [(ii, j) for ii in range(self.n_rows + 1)]]

    def suppressed_in(self, line: Sequence[Position]) -> int:
        return sum(1 for pos in line if pos in self.suppressed)

    def candidates(self, line: Iterable[Position]) -> list[Position]:
        # Zeros are never complements: see the module docstring for why one is never needed.
        return [pos for pos in line if pos not in self.suppressed and self.values[pos[0]][pos[1]] > 0]

    def size_key(self, pos: Position) -> tuple[int, bool, int, int]:
        return (self.values[pos[0]][pos[1]], self.is_total(pos), pos[0], pos[1])

    def primary(self) -> None:
        for i, row in enumerate(self.values):
            for j, value in enumerate(row):
                if 1 <= value <= self.threshold:
                    self.suppressed.add((i, j))

    def close_single_lines(self) -> None:
        while True:
            line = next((line for line in self.lines() if self.suppressed_in(line) == 1), None)
            if line is None:
                return
            along_row = line[0][0] == line[-1][0]
            self.suppressed.add(
                min(
                    self.candidates(line),
                    key=lambda pos: (self._crossing_rank(pos, along_row=along_row), *self.size_key(pos)),
                )
            )

    def _crossing_rank(self, pos: Position, *, along_row: bool) -> int:
        """Rank by the candidate's crossing line: completing a lone cell there is best, starting one is worst."""
        i, j = pos
        crossing = (
            [(ii, j) for ii in range(self.n_rows + 1)] if along_row else [(i, jj) for jj in range(self.n_cols + 1)]
        )
        return {1: 0, 0: 2}.get(self.suppressed_in(crossing), 1)

    def _sign(self, pos: Position) -> int:
        # Totals enter their lines with the opposite sign, so that every line of the grid sums to zero.
        return -1 if self.is_total(pos) and pos != (self.n_rows, self.n_cols) else 1

    def _can_move(self, pos: Position, direction: int) -> bool:
        """Whether the signed value can move by ``direction``; suppressed counts are >= 1 and unbounded above."""
        if self._sign(pos) * direction > 0:
            return True
        return self.values[pos[0]][pos[1]] > 1

    def _path_exists(self, start: tuple[str, int], goal: tuple[str, int], skip: Position) -> bool:
        """Residual path between grid lines ('r', i) / ('c', j) through suppressed cells other than ``skip``."""
        seen = {start}
        frontier = [start]
        while frontier:
            kind, index = frontier.pop()
            if (kind, index) == goal:
                return True
            for pos in self.suppressed:
                if pos == skip:
                    continue
                i, j = pos
                # Row -> column raises the signed value of the cell; column -> row lowers it.
                if kind == "r" and i == index and self._can_move(pos, +1):
                    nxt = ("c", j)
                elif kind == "c" and j == index and self._can_move(pos, -1):
                    nxt = ("r", i)
                else:
                    continue
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        return False

    def is_pinned(self, pos: Position) -> bool:
        """Whether the published numbers fix this suppressed cell.

        The line equations form a network matrix, so another integer value exists
        exactly when a unit change can circulate around a cycle of suppressed cells
        through ``pos`` without pushing any of them below 1.
        """
        i, j = pos
        up = self._can_move(pos, +1) and self._path_exists(("c", j), ("r", i), pos)
        down = self._can_move(pos, -1) and self._path_exists(("r", i), ("c", j), pos)
        return not (up or down)

    def first_pinned(self) -> Position | None:
        return next((pos for pos in sorted(self.suppressed) if self.is_pinned(pos)), None)

    def unpin(self, pinned: Position) -> None:
        pool = self.candidates(pos for line in self.lines_through(pinned) for pos in line)
        if not pool:
            pool = self.candidates(
                (i, j) for i in range(self.n_rows + 1) for j in range(self.n_cols + 1) if (i, j) not in self.suppressed
            )
        pool.sort(key=self.size_key)
        for candidate in pool:
            self.suppressed.add(candidate)
            if not self.is_pinned(pinned):
                return
            self.suppressed.discard(candidate)
        self.suppressed.add(pool[0])

    def complementary(self) -> None:
        while True:
            self.close_single_lines()
            pinned = self.first_pinned()
            if pinned is None:
                return
            self.unpin(pinned)

    def cell(self, pos: Position) -> Cell:
        return Cell(None if pos in self.suppressed else self.values[pos[0]][pos[1]])


def _check_threshold(threshold: int) -> None:
    if threshold < 0:
        raise ValueError("threshold must not be negative")


def _check_count(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"counts must be non-negative integers, got {value!r}")
    return value


def suppress_table(
    rows: Mapping[str, Mapping[str, int]],
    *,
    columns: Sequence[str] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    with_totals: bool = True,
) -> SuppressedTable:
    """Suppress a two-way table of counts (e.g. months x categories) and its totals.

    Rows keep the mapping's order. Columns are ``columns`` if given, else every
    key seen, in order of first appearance; a missing cell counts as zero. With
    ``with_totals=False`` no totals are computed or published, so primary
    suppression is enough; only use it when no total of these counts is shown
    anywhere else.
    """
    _check_threshold(threshold)
    row_keys = tuple(rows)
    if columns is None:
        column_keys = tuple(dict.fromkeys(key for row in rows.values() for key in row))
    else:
        column_keys = tuple(columns)
        unknown = {key for row in rows.values() for key in row} - set(column_keys)
        if unknown:
            raise ValueError(f"cells outside the given columns: {sorted(unknown)}")
    body = [[_check_count(rows[r].get(c, 0)) for c in column_keys] for r in row_keys]

    if not with_totals:
        return SuppressedTable(
            row_keys=row_keys,
            column_keys=column_keys,
            rows=tuple(
                TableRow(key, tuple(Cell(None if 1 <= v <= threshold else v) for v in values), None)
                for key, values in zip(row_keys, body, strict=True)
            ),
            column_totals=None,
            grand_total=None,
        )

    grid_values = [[*values, sum(values)] for values in body]
    column_sums = [sum(values[j] for values in body) for j in range(len(column_keys))]
    grid_values.append([*column_sums, sum(column_sums)])
    grid = _Grid(grid_values, threshold)
    grid.primary()
    grid.complementary()

    n_rows, n_cols = len(row_keys), len(column_keys)
    return SuppressedTable(
        row_keys=row_keys,
        column_keys=column_keys,
        rows=tuple(
            TableRow(key, tuple(grid.cell((i, j)) for j in range(n_cols)), grid.cell((i, n_cols)))
            for i, key in enumerate(row_keys)
        ),
        column_totals=tuple(grid.cell((n_rows, j)) for j in range(n_cols)),
        grand_total=grid.cell((n_rows, n_cols)),
    )


def suppress_series(values: Mapping[str, int], *, threshold: int = DEFAULT_THRESHOLD) -> SuppressedSeries:
    """Suppress a one-way series (e.g. counts by month) published with its total."""
    # One row of a two-way table: its column totals repeat the cells, which
    # adds no information, so the table rule is exactly the series rule.
    table = suppress_table({"": values}, columns=list(values), threshold=threshold)
    return SuppressedSeries(
        items=tuple(zip(table.column_keys, table.rows[0].cells, strict=True)), total=table.row_total("")
    )
