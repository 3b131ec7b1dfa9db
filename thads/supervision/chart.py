"""A horizontal bar chart drawn as inline SVG on the server: no JavaScript, no CDN."""
from __future__ import annotations

from markupsafe import Markup, escape

ROW = 28
LABEL_W = 230
BAR_W = 380
PAD = 8


def bar_chart(items: list[tuple[str, int, str | None]], *, title: str, empty: str,
              testid: str = "overdue-chart") -> Markup:
    """``items``: (label, value, link or None). Bars scale to the largest value."""
    if not items:
        return Markup(f'<p class="text-muted" data-testid="{escape(testid)}-empty">{escape(empty)}</p>')
    top = max(v for _l, v, _h in items) or 1
    height = PAD * 2 + ROW * len(items)
    width = LABEL_W + BAR_W + 70
    parts = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'data-testid="{escape(testid)}" viewBox="0 0 {width} {height}" width="100%" '
        f'style="max-width:{width}px" font-family="system-ui, sans-serif" font-size="13">'),
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value, href) in enumerate(items):
        y = PAD + i * ROW
        w = 0 if value <= 0 else max(2, round(BAR_W * value / top))
        short = label if len(label) <= 32 else label[:31] + "…"
        text = (f'<text x="{LABEL_W - 8}" y="{y + ROW / 2 + 4:.0f}" text-anchor="end" fill="#212529">'
                f"{escape(short)}</text>")
        bar = (f'<rect x="{LABEL_W}" y="{y + 5}" width="{w}" height="{ROW - 10}" rx="3" '
               f'fill="{"#b02a37" if value else "#ced4da"}" data-value="{value}"><title>{escape(label)}: {value}'
               f"</title></rect>")
        num = f'<text x="{LABEL_W + w + 6}" y="{y + ROW / 2 + 4:.0f}" fill="#212529">{value}</text>'
        row = text + bar + num
        if href:
            row = f'<a href="{escape(href)}">{row}</a>'
        parts.append(f'<g class="bar" data-label="{escape(label)}">{row}</g>')
    parts.append("</svg>")
    return Markup("".join(parts))
