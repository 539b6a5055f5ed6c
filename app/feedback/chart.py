"""The per-criterion bar chart as SVG drawn on the server (WeasyPrint runs no JavaScript)."""

from decimal import Decimal

from markupsafe import Markup, escape

from app.feedback.services import CriterionLine

OWN_COLOUR = "#b71c1c"
GROUP_COLOUR = "#9e9e9e"
LABEL_WIDTH = 84
BAR_AREA = 330
ROW_HEIGHT = 34
TOP = 26


def _number(value: Decimal | None) -> Decimal:
    return value if value is not None else Decimal(0)


def criteria_svg(lines: list[CriterionLine]) -> Markup:
    """Two bars per criterion (own average, group average) scaled to the criterion's maximum.

    Our own markup from plain numbers; the only text from the database (criterion names) is escaped.
    """
    width = LABEL_WIDTH + BAR_AREA + 50
    height = TOP + ROW_HEIGHT * len(lines) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Noto Sans CJK SC, sans-serif" font-size="11" '
        'role="img" aria-label="各项指标平均分对比">',
        f'<rect x="{LABEL_WIDTH}" y="6" width="10" height="10" fill="{OWN_COLOUR}"/>',
        f'<text x="{LABEL_WIDTH + 14}" y="15">本人平均</text>',
        f'<rect x="{LABEL_WIDTH + 80}" y="6" width="10" height="10" fill="{GROUP_COLOUR}"/>',
        f'<text x="{LABEL_WIDTH + 94}" y="15">本组平均</text>',
    ]
    for index, line in enumerate(lines):
        y = TOP + index * ROW_HEIGHT
        scale = Decimal(BAR_AREA) / line.max if line.max > 0 else Decimal(0)
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 19}" text-anchor="end">{escape(line.name[:8])}</text>')
        for offset, value, text, colour in ((2, line.own, line.own_text, OWN_COLOUR),
                                            (16, line.group, line.group_text, GROUP_COLOUR)):
            bar = (_number(value) * scale).quantize(Decimal("0.1"))
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + offset}" width="{bar}" height="12" fill="{colour}"/>')
            parts.append(f'<text x="{LABEL_WIDTH + bar + 4}" y="{y + offset + 10}" font-size="10">'
                         f'{escape(text)}</text>')
    parts.append(f'<line x1="{LABEL_WIDTH}" y1="{TOP - 2}" x2="{LABEL_WIDTH}" y2="{height - 4}" '
                 'stroke="#333" stroke-width="0.8"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (built here from numbers; names escaped above)
