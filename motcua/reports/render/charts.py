"""Charts drawn with matplotlib (Agg, no display): PNG for documents, SVG for the web."""

from __future__ import annotations

import io

from motcua.reports.document import Chart

# Liberation Serif on this machine lacks the stacked Vietnamese diacritics; DejaVu has them.
FONTS = ["DejaVu Serif", "serif"]


def render(chart: Chart, fmt: str = "png") -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import PercentFormatter

    plt.rcParams["font.family"] = "serif"
    plt.rcParams["font.serif"] = FONTS
    plt.rcParams["font.size"] = 9
    height = 3.2 if chart.kind == "line" else max(2.5, 0.26 * len(chart.labels) + 1)
    fig, ax = plt.subplots(figsize=(6.5, height), dpi=150)
    try:
        if chart.kind == "line":
            for name, values in chart.series.items():
                ys = [float("nan") if v is None else v * 100 for v in values]
                ax.plot(chart.labels, ys, marker="o", label=name)
        else:
            names = list(chart.series)
            current = [0 if v is None else v * 100 for v in chart.series[names[0]]]
            ax.barh(chart.labels, current, color="#2b6cb0", label=names[0])
            if len(names) > 1:
                required = chart.series[names[1]]
                for i, v in enumerate(required):
                    if v is not None:
                        ax.plot([v * 100, v * 100], [i - 0.4, i + 0.4], color="#c53030")
                ax.plot([], [], color="#c53030", label=names[1])
            ax.tick_params(axis="y", labelsize=7)
        axis = ax.yaxis if chart.kind == "line" else ax.xaxis
        axis.set_major_formatter(PercentFormatter(decimals=0))
        ax.set_title(chart.title, fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="best")
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt)
        return buffer.getvalue()
    finally:
        plt.close(fig)
