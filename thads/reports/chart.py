"""A server-side SVG bar chart: completion rate (cases) per unit against the target (no JS, no CDN)."""
from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

from markupsafe import Markup

from thads.services.stats import Report


def completion_chart(report: Report, title: str, target_label: str) -> Markup:
    """Horizontal bars, one per row of the report; a dashed tick marks each row's own target."""
    rows = report.rows
    bar_h, gap, left, width, top = 22, 8, 260, 460, 34
    height = top + len(rows) * (bar_h + gap) + 30
    scale = width / 100
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + width + 70} {height}" '
        f'role="img" aria-label="{escape(title)}" class="thads-chart" data-testid="completion-chart">',
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for pct in range(0, 101, 20):
        x = left + pct * scale
        parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 24}" stroke="#ddd"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 8}" font-size="11" text-anchor="middle">{pct}%</text>')
    for i, row in enumerate(rows):
        y = top + i * (bar_h + gap)
        label = row.label
        weight = "bold" if row.scope == "tree" and row.depth == 0 else "normal"
        parts.append(f'<text x="{left - 8}" y="{y + bar_h * 0.7:.1f}" font-size="12" text-anchor="end" '
                     f'font-weight="{weight}">{escape(label[:42])}</text>')
        rate = row.rate_cases
        target = row.target_cases
        below = rate is not None and target is not None and rate < target
        if rate is not None:
            w = float(rate) * scale
            colour = "#b02a37" if below else "#2f6f3e"
            parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}">'
                         f'<title>{escape(row.label)}: {_num(rate)}%</title></rect>')
            parts.append(f'<text x="{left + w + 4:.1f}" y="{y + bar_h * 0.7:.1f}" font-size="11">{_num(rate)}%</text>')
        else:
            parts.append(f'<text x="{left + 4}" y="{y + bar_h * 0.7:.1f}" font-size="11" fill="#777">—</text>')
        if target is not None:
            x = left + float(target) * scale
            parts.append(f'<line x1="{x:.1f}" y1="{y - 3}" x2="{x:.1f}" y2="{y + bar_h + 3}" stroke="#1f3b73" '
                         f'stroke-width="2" stroke-dasharray="4 2"><title>{escape(target_label)}: {_num(target)}%</title></line>')
    legend_y = 16
    parts.append(f'<line x1="{left + width - 150}" y1="{legend_y - 4}" x2="{left + width - 130}" y2="{legend_y - 4}" '
                 f'stroke="#1f3b73" stroke-width="2" stroke-dasharray="4 2"/>')
    parts.append(f'<text x="{left + width - 126}" y="{legend_y}" font-size="11">{escape(target_label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _num(d: Decimal) -> str:
    return f"{d:.1f}".replace(".", ",")
