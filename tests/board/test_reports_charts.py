"""The server-drawn bar charts: bars to scale, missing values drawn as none, long labels cut."""

from desk import charts
from desk.reporting import duration


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
        fmt=duration,
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


def test_durations_read_as_minutes_hours_or_days():
    assert [duration(s) for s in (None, 600, 5400, 86400 * 1.5, 86400 * 3.25)] == [
        "—",
        "10 min",
        "1.5 h",
        "36.0 h",
        "3.2 days",
    ]
