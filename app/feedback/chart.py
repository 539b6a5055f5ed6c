"""The per-criterion bar chart as SVG drawn on the server (WeasyPrint runs no JavaScript)."""

from decimal import Decimal

from markupsafe import Markup, escape

from app.feedback.services import CriterionLine

OWN_COLOUR = "#b71c1c"
GROUP_COLOUR = "#9e9e9e"
# Compact: three rounds' charts, tables and comments share one A4 page (about 83 × 32 mm for 5 criteria).
LABEL_WIDTH = 70
BAR_AREA = 210
ROW_HEIGHT = 20
BAR_HEIGHT = 8
TOP = 18


def _number(value: Decimal | None) -> Decimal:
    return value if value is not None else Decimal(0)


def criteria_svg(lines: list[CriterionLine]) -> Markup:
    """Two bars per criterion (own average, group average) scaled to the criterion's maximum.

    Our own markup from plain numbers; the only text from the database (criterion names) is escaped.
    """
    width = LABEL_WIDTH + BAR_AREA + 40
    height = TOP + ROW_HEIGHT * len(lines) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Noto Sans CJK SC, sans-serif" font-size="9" '
        'role="img" aria-label="各项指标平均分对比">',
        f'<rect x="{LABEL_WIDTH}" y="3" width="8" height="8" fill="{OWN_COLOUR}"/>',
        f'<text x="{LABEL_WIDTH + 11}" y="10.5">本人平均</text>',
        f'<rect x="{LABEL_WIDTH + 64}" y="3" width="8" height="8" fill="{GROUP_COLOUR}"/>',
        f'<text x="{LABEL_WIDTH + 75}" y="10.5">本组平均</text>',
    ]
    for index, line in enumerate(lines):
        y = TOP + index * ROW_HEIGHT
        scale = Decimal(BAR_AREA) / line.max if line.max > 0 else Decimal(0)
        parts.append(f'<text x="{LABEL_WIDTH - 5}" y="{y + 12}" text-anchor="end">{escape(line.name[:6])}</text>')
        for offset, value, text, colour in ((1, line.own, line.own_text, OWN_COLOUR),
                                            (1 + BAR_HEIGHT, line.group, line.group_text, GROUP_COLOUR)):
            bar = (_number(value) * scale).quantize(Decimal("0.1"))
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + offset}" width="{bar}" height="{BAR_HEIGHT}" '
                         f'fill="{colour}"/>')
            parts.append(f'<text x="{LABEL_WIDTH + bar + 3}" y="{y + offset + 7}" font-size="8">'
                         f'{escape(text)}</text>')
    parts.append(f'<line x1="{LABEL_WIDTH}" y1="{TOP - 2}" x2="{LABEL_WIDTH}" y2="{height - 2}" '
                 'stroke="#333" stroke-width="0.8"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (built here from numbers; names escaped above)
