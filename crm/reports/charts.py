"""Charts for printed reports as plain SVG: WeasyPrint draws SVG and runs no JavaScript.

`monthly_chart` draws one bar series (the fact) and up to two line series (plan, last year) over months,
with a value axis in millions (or thousands) of roubles and a legend. Missing values (no plan) leave gaps.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 28, 40
BAR_COLOUR = "#3b6fb6"
LINE_COLOURS = ("#d9822b", "#7a7a7a")
MILLION = Decimal(1_000_000)
THOUSAND = Decimal(1_000)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Decimal | None]


def _axis(maximum: Decimal) -> tuple[Decimal, int]:
    """A round tick step (1, 2, 2.5 or 5 × 10ⁿ ₽) and at most five ticks that cover `maximum`."""
    if maximum <= 0:
        return MILLION, 1
    magnitude = Decimal(10) ** (len(str(int(maximum))) - 2)
    for factor in (1, 2, Decimal("2.5"), 5, 10, 20, 25, 50, 100):
        step = factor * magnitude
        ticks = int((maximum / step).to_integral_value(rounding=ROUND_CEILING))
        if ticks <= 5:
            return step, ticks
    return 100 * magnitude, 1


def _scaled(value: Decimal, unit: Decimal) -> str:
    number = value / unit
    text = f"{number:.0f}" if number == number.to_integral_value() or number >= 10 else f"{number:.1f}"
    return text.replace(".", ",")


def monthly_chart(labels: Sequence[str], bars: Series, lines: Sequence[Series] = ()) -> SafeString:
    """An SVG chart of monthly bars and lines, values in roubles, axis in «млн ₽»."""
    values = [value for series in (bars, *lines) for value in series.values if value is not None]
    tick_step, ticks = _axis(Decimal(max(values, default=0)))
    top = tick_step * ticks
    unit, unit_label = (MILLION, "млн ₽") if top >= MILLION else (THOUSAND, "тыс. ₽")
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels), 1)

    def y(value: Decimal) -> float:
        return TOP + plot_h - float(value / top) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="DejaVu Sans" font-size="10">'
    ]
    for tick in range(ticks + 1):
        value = tick_step * tick
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(value) + 3:.1f}" text-anchor="end">{_scaled(value, unit)}</text>')
    parts.append(f'<text x="{LEFT - 6}" y="{TOP - 12}" text-anchor="end">{unit_label}</text>')
    for index, (label, amount) in enumerate(zip(labels, bars.values, strict=True)):
        x = LEFT + index * step
        if amount is not None and amount > 0:
            height = TOP + plot_h - y(amount)
            parts.append(
                f'<rect x="{x + step * 0.15:.1f}" y="{y(amount):.1f}" width="{step * 0.7:.1f}" '
                f'height="{height:.1f}" fill="{BAR_COLOUR}"/>'
            )
        parts.append(
            f'<text x="{x + step / 2:.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle">{escape(label)}</text>'
        )
    for series, colour in zip(lines, LINE_COLOURS, strict=False):
        points = [(LEFT + (i + 0.5) * step, y(v)) for i, v in enumerate(series.values) if v is not None]
        if points:
            path = " ".join(f"{x:.1f},{py:.1f}" for x, py in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
    legend = [(bars.name, BAR_COLOUR), *((s.name, c) for s, c in zip(lines, LINE_COLOURS, strict=False))]
    for index, (name, colour) in enumerate(legend):
        x = LEFT + index * 160
        parts.append(f'<rect x="{x}" y="{HEIGHT - 14}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{HEIGHT - 5}">{escape(name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
