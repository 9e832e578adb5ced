"""Small-count suppression: nothing 1..10 is published, and nothing suppressed can be worked out."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting.suppression import SUPPRESSED_MARKER, Cell, SuppressedTable, suppress_series, suppress_table

THRESHOLD = 10

# Equation over the unknown (suppressed) cells: sum(coef * x) == constant.
Equation = tuple[list[tuple[int, int]], int]


def _augmented(rows: dict[str, dict[str, int]], columns: list[str]) -> list[list[int]]:
    body = [[row.get(c, 0) for c in columns] for row in rows.values()]
    grid = [[*values, sum(values)] for values in body]
    sums = [sum(values[j] for values in body) for j in range(len(columns))]
    grid.append([*sums, sum(sums)])
    return grid


def _published(table: SuppressedTable) -> list[list[Cell]]:
    grid: list[list[Cell]] = []
    for row in table.rows:
        assert row.total is not None
        grid.append([*row.cells, row.total])
    assert table.column_totals is not None
    assert table.grand_total is not None
    grid.append([*table.column_totals, table.grand_total])
    return grid


def _equations(published: list[list[Cell]], unknowns: dict[tuple[int, int], int]) -> list[Equation]:
    """What a reader knows: in every row and column of the grid, the cells add up to the last one."""
    n_rows, n_cols = len(published) - 1, len(published[0]) - 1
    lines = [[(i, j) for j in range(n_cols + 1)] for i in range(n_rows + 1)]
    lines += [[(i, j) for i in range(n_rows + 1)] for j in range(n_cols + 1)]
    equations: list[Equation] = []
    for line in lines:
        terms: list[tuple[int, int]] = []
        constant = 0
        for k, (i, j) in enumerate(line):
            coef = -1 if k == len(line) - 1 else 1
            value = published[i][j].value
            if value is None:
                terms.append((unknowns[(i, j)], coef))
            else:
                constant -= coef * value
        if terms:
            equations.append((terms, constant))
    return equations


def _propagate(equations: list[Equation], lo: list[int], hi: list[int]) -> bool:
    """Tighten the bounds to a fixpoint; False when some unknown has no value left."""
    changed = True
    while changed:
        changed = False
        for terms, constant in equations:
            for var, coef in terms:
                rest_min = sum(lo[v] if c > 0 else -hi[v] for v, c in terms if v != var)
                rest_max = sum(hi[v] if c > 0 else -lo[v] for v, c in terms if v != var)
                # coef * x = constant - rest, so x lies between these.
                low, high = (constant - rest_max, constant - rest_min)
                if coef < 0:
                    low, high = -high, -low
                if low > lo[var]:
                    lo[var], changed = low, True
                if high < hi[var]:
                    hi[var], changed = high, True
                if lo[var] > hi[var]:
                    return False
    return True


def _feasible(equations: list[Equation], lo: list[int], hi: list[int]) -> bool:
    if not _propagate(equations, lo, hi):
        return False
    open_vars = [v for v in range(len(lo)) if lo[v] < hi[v]]
    if not open_vars:
        return all(sum(c * lo[v] for v, c in terms) == constant for terms, constant in equations)
    var = min(open_vars, key=lambda v: hi[v] - lo[v])
    for value in range(lo[var], hi[var] + 1):
        lo2, hi2 = lo.copy(), hi.copy()
        lo2[var] = hi2[var] = value
        if _feasible(equations, lo2, hi2):
            return True
    return False


def derivable_cells(true_grid: list[list[int]], published: list[list[Cell]]) -> list[tuple[int, int]]:
    """Suppressed cells a reader can pin down, by exhaustive search.

    The reader knows every suppressed count is at least 1 (zeros are published).
    A cell is safe when some consistent assignment gives it another value; since
    the feasible values of one cell form an interval, trying one above and one
    below the truth is enough, and a unit change never needs values above the
    grand total + 1.
    """
    cells = [(i, j) for i, row in enumerate(published) for j, cell in enumerate(row) if cell.suppressed]
    unknowns = {pos: k for k, pos in enumerate(cells)}
    equations = _equations(published, unknowns)
    cap = true_grid[-1][-1] + 1
    pinned = []
    for pos, var in unknowns.items():
        truth = true_grid[pos[0]][pos[1]]
        alternatives = [v for v in (truth - 1, truth + 1) if 1 <= v <= cap]
        if not any(_fixed_feasible(equations, len(cells), var, value, cap) for value in alternatives):
            pinned.append(pos)
    return pinned


def _fixed_feasible(equations: list[Equation], n_vars: int, var: int, value: int, cap: int) -> bool:
    lo, hi = [1] * n_vars, [cap] * n_vars
    lo[var] = hi[var] = value
    return _feasible(equations, lo, hi)


def _shown(table: SuppressedTable) -> list[list[str]]:
    return [[str(c) for c in row] for row in _published(table)]


# Many zeros and small counts, some large ones: the cases where suppression has to work hard.
counts = st.one_of(
    st.just(0),
    st.integers(min_value=1, max_value=THRESHOLD),
    st.integers(min_value=THRESHOLD + 1, max_value=60),
)


@st.composite
def tables(draw: st.DrawFn) -> tuple[dict[str, dict[str, int]], list[str]]:
    n_rows = draw(st.integers(min_value=1, max_value=6))
    n_cols = draw(st.integers(min_value=1, max_value=5))
    columns = [f"c{j}" for j in range(n_cols)]
    rows = {f"r{i}": {c: draw(counts) for c in columns} for i in range(n_rows)}
    return rows, columns


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_random_tables_publish_no_small_count_and_nothing_derivable(
    table_input: tuple[dict[str, dict[str, int]], list[str]],
) -> None:
    rows, columns = table_input
    table = suppress_table(rows, columns=columns, threshold=THRESHOLD)
    true_grid = _augmented(rows, columns)
    published = _published(table)

    for true_row, shown_row in zip(true_grid, published, strict=True):
        for truth, cell in zip(true_row, shown_row, strict=True):
            if cell.value is not None:
                assert cell.value == truth
                assert cell.value == 0 or cell.value > THRESHOLD
            else:
                assert truth > 0, "zeros are always shown"
            if 1 <= truth <= THRESHOLD:
                assert cell.suppressed

    assert derivable_cells(true_grid, published) == []
    assert suppress_table(rows, columns=columns, threshold=THRESHOLD) == table


@settings(max_examples=200, deadline=None)
@given(st.lists(counts, min_size=1, max_size=12))
def test_random_series_publish_no_small_count_and_nothing_derivable(values: list[int]) -> None:
    series = {f"m{k:02}": v for k, v in enumerate(values)}
    result = suppress_series(series, threshold=THRESHOLD)

    shown = [cell.value for _, cell in result.items]
    assert [key for key, _ in result.items] == list(series)
    for truth, value in zip(values, shown, strict=True):
        assert value in (truth, None)
        assert value is None or value == 0 or value > THRESHOLD
        assert value is not None or truth > 0
    total = sum(values)
    assert result.total.value in (total, None)
    if 1 <= total <= THRESHOLD:
        assert result.total.suppressed

    known = sum(v for v in shown if v is not None)
    hidden = [truth for truth, value in zip(values, shown, strict=True) if value is None]
    if hidden and result.total.value is not None:
        # Every hidden count is >= 1, so the remainder pins them when it is too small or when only one is hidden.
        assert len(hidden) >= 2
        assert result.total.value - known > len(hidden)
    if result.total.value is None:
        assert hidden, "a suppressed total needs a hidden cell, or it is the sum of the shown ones"


def test_single_small_cell_takes_a_rectangle_of_complements() -> None:
    rows = {
        "Jan": {"labour": 3, "sex": 20, "both": 30},
        "Feb": {"labour": 40, "sex": 50, "both": 60},
        "Mar": {"labour": 45, "sex": 55, "both": 65},
    }
    table = suppress_table(rows)

    # 3 is primary; 20 is the smallest in its row, 40 the smallest in its column,
    # 50 sits where their row and column cross. Every total stays published.
    assert _shown(table) == [
        ["*", "*", "30", "53"],
        ["*", "*", "60", "150"],
        ["45", "55", "65", "165"],
        ["88", "125", "155", "368"],
    ]


def test_small_totals_are_suppressed_like_cells() -> None:
    table = suppress_table({"Jan": {"a": 2, "b": 0}, "Feb": {"a": 0, "b": 0}})

    assert _shown(table) == [["*", "0", "*"], ["0", "0", "0"], ["*", "0", "*"]]


def test_zero_and_large_counts_need_no_suppression() -> None:
    rows = {"Q1": {"a": 0, "b": 12}, "Q2": {"a": 11, "b": 0}}

    assert _shown(suppress_table(rows)) == [["0", "12", "12"], ["11", "0", "11"], ["11", "12", "23"]]


def test_two_ones_summing_to_a_published_remainder_of_two_are_protected() -> None:
    # 1 and 1 in a row whose total is published would be pinned: both must be 1.
    rows = {"Jan": {"a": 1, "b": 1, "c": 40}, "Feb": {"a": 30, "b": 30, "c": 40}}
    table = suppress_table(rows)

    true_grid = _augmented(rows, ["a", "b", "c"])
    assert derivable_cells(true_grid, _published(table)) == []
    assert table.cell("Jan", "a").suppressed
    assert table.cell("Jan", "b").suppressed


def test_series_hides_the_small_month_and_the_smallest_other() -> None:
    result = suppress_series({"Jan": 14, "Feb": 3, "Mar": 0, "Apr": 25})

    assert [(key, str(cell)) for key, cell in result.items] == [("Jan", "*"), ("Feb", "*"), ("Mar", "0"), ("Apr", "25")]
    assert result.total == Cell(42)
    assert result.chart_series() == [("Jan", None), ("Feb", None), ("Mar", 0), ("Apr", 25)]


def test_series_with_a_small_total_hides_the_total() -> None:
    result = suppress_series({"Jan": 0, "Feb": 4, "Mar": 0})

    assert result.chart_series() == [("Jan", 0), ("Feb", None), ("Mar", 0)]
    assert result.total.suppressed


def test_without_totals_only_small_cells_are_hidden() -> None:
    table = suppress_table({"Jan": {"a": 3, "b": 50}}, with_totals=False)

    assert [str(c) for c in table.rows[0].cells] == ["*", "50"]
    assert table.rows[0].total is None
    assert table.grand_total is None


def test_missing_cells_count_as_zero_and_columns_keep_first_seen_order() -> None:
    table = suppress_table({"Jan": {"b": 20}, "Feb": {"a": 30, "b": 40}})

    assert table.column_keys == ("b", "a")
    assert table.cell("Jan", "a") == Cell(0)
    assert table.column_series("b") == [("Jan", 20), ("Feb", 40)]
    assert table.row_total_series() == [("Jan", 20), ("Feb", 70)]


def test_cell_renders_number_or_marker() -> None:
    assert str(Cell(0)) == "0"
    assert str(Cell(None)) == SUPPRESSED_MARKER
    assert Cell(None).suppressed
    assert not Cell(12).suppressed


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_rejects_values_that_are_not_counts(bad: object) -> None:
    with pytest.raises(ValueError, match="non-negative integers"):
        suppress_table({"Jan": {"a": bad}})  # type: ignore[dict-item]


def test_rejects_cells_outside_the_given_columns() -> None:
    with pytest.raises(ValueError, match="outside the given columns"):
        suppress_table({"Jan": {"a": 1, "z": 2}}, columns=["a"])
