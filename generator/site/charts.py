"""Charts as inline SVG made at build time: no script, legible in light and dark mode.

Colours come from CSS classes (`dlp-series-N`, defined in reading-list.css for both schemes);
text and axes use currentColor, so they follow the page's own text colour.
"""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 40


def _nice_step(maximum: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if maximum / step <= 6:
            return step
    return 10000


def stacked_bars(categories: list[int], series: list[tuple[str, list[int]]], title: str) -> Markup:
    """Stacked bars of `series` (name, one value per category), with axes, gridlines and a legend."""
    totals = [sum(values[i] for _, values in series) for i in range(len(categories))]
    top = max(totals, default=0) or 1
    step = _nice_step(top)
    ceiling = ((top + step - 1) // step) * step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    band = plot_w / max(len(categories), 1)
    bar = band * 0.72

    def y(value: float) -> float:
        return TOP + plot_h - plot_h * value / ceiling

    parts = [
        f'<svg class="dlp-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in range(0, ceiling + 1, step):
        parts.append(f'<line class="dlp-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>')
        parts.append(f'<text class="dlp-tick" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}</text>')
    for i, category in enumerate(categories):
        x = LEFT + i * band + (band - bar) / 2
        base = 0
        for n, (name, values) in enumerate(series):
            value = values[i]
            if value:
                parts.append(
                    f'<rect class="dlp-series-{n % 12}" x="{x:.1f}" y="{y(base + value):.1f}" width="{bar:.1f}" '
                    f'height="{y(base) - y(base + value):.1f}"><title>{escape(name)}, {category}: {value}</title></rect>'
                )
            base += value
        parts.append(f'<text class="dlp-tick" x="{x + bar / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{category}</text>')
        if totals[i]:
            parts.append(f'<text class="dlp-total" x="{x + bar / 2:.1f}" y="{y(totals[i]) - 4:.1f}" text-anchor="middle">{totals[i]}</text>')
    parts.append(f'<line class="dlp-axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}"/>')
    parts.append("</svg>")
    legend = "".join(
        f'<li><span class="dlp-swatch dlp-series-{n % 12}"></span>{escape(name)}</li>' for n, (name, _) in enumerate(series)
    )
    return Markup(f'<figure class="dlp-figure">{"".join(parts)}<ul class="dlp-legend">{legend}</ul></figure>')
