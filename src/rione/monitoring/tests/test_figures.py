"""The pure parts: hiding small counts, and the geometry of the bar charts."""

from decimal import Decimal

from rione.monitoring import charts
from rione.monitoring.figures import COMPLEMENT, SMALL, Amount, Count, Row, Tally, protect_rows


def row(key: str, submitted: int, informal: int = 0, requested: str = "0") -> Row:
    tally = Tally(submitted=submitted, submitted_informal=informal, requested=Decimal(requested))
    return Row.of(key, key, tally)


def texts(rows) -> dict[str, str]:
    return {r.key: r.submitted.text for r in rows}


def test_small_counts_are_hidden_only_with_an_informal_group():
    assert Count(2, informal=1).protected().hidden == SMALL
    assert Count(1, informal=1).protected().text == "<3"
    assert Count(2, informal=0).protected().hidden == ""
    assert Count(3, informal=3).protected().hidden == ""
    assert Count(0).protected().text == "0"


def test_a_single_hidden_cell_takes_the_smallest_other_with_it():
    rows = [row("a", 5), row("b", 2, informal=1), row("c", 4), row("d", 0)]

    protected = protect_rows(rows)

    assert texts(protected) == {"a": "5", "b": "<3", "c": "n.d.", "d": "0"}
    assert protected[2].submitted.hidden == COMPLEMENT


def test_two_hidden_cells_need_no_complement():
    rows = [row("a", 5), row("b", 2, informal=1), row("c", 1, informal=1)]

    assert texts(protect_rows(rows)) == {"a": "5", "b": "<3", "c": "<3"}


def test_nothing_to_hide_behind_when_the_others_are_zero():
    rows = [row("a", 0), row("b", 1, informal=1)]

    assert texts(protect_rows(rows)) == {"a": "0", "b": "<3"}


def test_amounts_hide_with_their_count():
    protected = protect_rows(
        [row("a", 5, requested="100.00"), row("b", 1, 1, "50.00"), row("c", 3, 0, "70.00")]
    )

    assert protected[0].requested.shown == Decimal("100.00")
    assert protected[1].requested.shown is None
    assert protected[1].requested.text == "<3"
    assert protected[2].requested.text == "n.d."  # with its count, the complement
    assert Amount(Decimal("1234.5")).text == "1.234,50 €"


def test_bar_chart_geometry_and_text_alternative():
    chart = charts.bar_chart(
        slug="x",
        title="Proposte",
        items=[("Uno", 4, "4"), ("Due", 2, "2"), ("Nascosto", None, "<3"), ("Zero", 0, "0")],
    )

    widths = [bar.width for bar in chart.bars]
    room = charts.WIDTH - charts.LABEL_WIDTH - charts.VALUE_WIDTH
    assert widths == [room, room / 2, 0.0, 0.0]
    assert chart.description == "Proposte. Uno: 4; Due: 2; Nascosto: <3; Zero: 0."
    assert chart.height == 4 * charts.ROW_HEIGHT + 2 * charts.PADDING
    assert [bar.y for bar in chart.bars] == sorted(bar.y for bar in chart.bars)


def test_long_labels_are_shortened_in_the_chart_only():
    label = "Welfare, servizi alla persona e coesione sociale"
    chart = charts.bar_chart(slug="x", title="T", items=[(label, 1, "1")])

    assert chart.bars[0].label.endswith("…")
    assert len(chart.bars[0].label) == charts.LABEL_CHARS
    assert chart.bars[0].full_label == label
    assert label in chart.description


def test_empty_chart_says_so():
    chart = charts.bar_chart(slug="x", title="Settore", items=[])

    assert chart.bars == ()
    assert "nessun dato" in chart.description
