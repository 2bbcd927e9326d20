"""Server-rendered SVG bar charts of the steering figures: no script, a title and a description for
screen readers, and the same numbers in the table printed next to each chart."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from app.domain.figures.charts import Chart

LABEL_WIDTH = 260
BAR_WIDTH = 380
VALUE_WIDTH = 90
ROW_HEIGHT = 24


def chart_svg(chart: Chart, chart_id: str) -> Markup:
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = ROW_HEIGHT * max(1, len(chart.bars)) + 30
    title_id, desc_id = f"{chart_id}-titel", f"{chart_id}-beschreibung"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
        f'<desc id="{desc_id}">Balkendiagramm, {escape(chart.unit)}. '
        "Unterdrückte Werte haben keinen Balken. Alle Werte stehen in der Tabelle darunter.</desc>",
    ]
    for index, bar in enumerate(chart.bars):
        y = 10 + index * ROW_HEIGHT
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" font-size="13" fill="#1a1a1a">'
            f"{escape(_short(bar.label))}</text>"
        )
        if bar.value is not None:
            length = max(1.0, BAR_WIDTH * bar.value / chart.maximum)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" height="{ROW_HEIGHT - 8}" '
                'fill="#1f5e8c"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{y + 16}" font-size="13" fill="#1a1a1a">'
            f"{escape(bar.text if bar.value is not None else '– unterdrückt')}</text>"
        )
    if chart.goal is not None:
        x = LABEL_WIDTH + BAR_WIDTH * chart.goal / chart.maximum
        parts.append(
            f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 22}" stroke="#a33" stroke-width="2" '
            'stroke-dasharray="4 3"/>'
        )
        parts.append(
            f'<text x="{x + 4:.1f}" y="{height - 8}" font-size="12" fill="#a33">'
            f"Ziel {chart.goal * 100:.0f} %</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text inside is escaped above


def _short(label: str) -> str:
    return label if len(label) <= 36 else label[:35] + "…"
