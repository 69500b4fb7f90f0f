"""What a chart draws, as data for Chart.js (static/js/charts.js draws every canvas with a
data-chart attribute). Pages show each chart's figures in a table beside it too
(templates/results/_macros.html: chart), so that nothing is only in the picture."""

#: Bootstrap Italia blues and a contrasting green, distinguishable and AA against white
COLOURS = ["#0066cc", "#008055", "#a66300", "#5c6f82"]


def chart(title, labels, datasets, horizontal=False, kind="bar"):
    """`datasets`: [(label, values)]; a value None is a gap (a figure not shown)."""
    return {"title": title, "type": kind, "horizontal": horizontal, "labels": labels,
            "datasets": [{"label": label, "data": data, "backgroundColor": COLOURS[i % len(COLOURS)],
                          "borderColor": COLOURS[i % len(COLOURS)]}
                         for i, (label, data) in enumerate(datasets)]}
