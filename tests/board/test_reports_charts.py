"""The server-drawn bar charts: bars to scale, missing values drawn as none, long labels cut,
bars linked when given links."""

from desk import charts
from desk.reporting import hours, hours_label


def test_bars_are_to_scale_with_the_largest_filling_the_room():
    chart = charts.bar_chart(
        slug="s", title="T", description="D", series=["A"], rows=[("one", [5]), ("two", [10])]
    )
    widths = [bar.width for group in chart.groups for bar in group.bars]
    assert widths == [(charts.WIDTH - charts.VALUE_ROOM) / 2, charts.WIDTH - charts.VALUE_ROOM]
    assert [g.label for g in chart.groups] == ["one", "two"]
    assert chart.legend == []  # one series needs no key


def test_missing_values_draw_no_bar_and_say_so():
    chart = charts.bar_chart(
        slug="s",
        title="T",
        description="D",
        series=["Median", "90th percentile"],
        rows=[("Draft", [None, None])],
        fmt=hours_label,
    )
    assert [(b.width, b.text) for b in chart.groups[0].bars] == [(0, "—"), (0, "—")]
    assert [name for _, name, _ in chart.legend] == ["Median", "90th percentile"]


def test_long_labels_are_cut_short_in_the_chart():
    label = "How " * 40
    chart = charts.bar_chart(
        slug="s", title="T", description="D", series=["A"], rows=[(label, [1])]
    )
    assert len(chart.groups[0].label) == charts.MAX_LABEL_CHARS
    assert chart.groups[0].label.endswith("…")


def test_bars_carry_their_links_and_a_name_for_each():
    chart = charts.bar_chart(
        slug="s",
        title="T",
        description="D",
        series=["Open", "Overdue"],
        rows=[("Ada", [2, 1]), ("Bo", [0, 0])],
        links=[["/a/open", "/a/overdue"], ["/b/open", "/b/overdue"]],
    )
    bars = [bar for group in chart.groups for bar in group.bars]
    assert [b.href for b in bars] == ["/a/open", "/a/overdue", "/b/open", "/b/overdue"]
    assert [b.name for b in bars][:2] == ["Ada, Open: 2", "Ada, Overdue: 1"]
    assert chart.linked
    unlinked = charts.bar_chart(slug="s", title="T", description="D", series=["A"], rows=[])
    assert not unlinked.linked


def test_lengths_of_time_are_hours_with_one_decimal():
    # Two minutes is 0.0 h, not "2 min" on the page and "0.0 days" in the file.
    assert [hours(s) for s in (None, 120, 600, 5400, 86400 * 1.5, 86400 * 3.25)] == [
        "",
        "0.0",
        "0.2",
        "1.5",
        "36.0",
        "78.0",
    ]
    assert [hours_label(s) for s in (None, 5400)] == ["—", "1.5 h"]
