"""The chart of an issue's views and downloads by month, drawn on the server as SVG (pure: data in, markup out).

The SVG carries a <title> and a <desc> (``role="img"``, ``aria-labelledby``), and the page
shows the same figures in a table beside it. Colours are presentation attributes, not
``style``: the admin's Content-Security-Policy allows no inline styles.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 16, 56
VIEWS_COLOUR, DOWNLOADS_COLOUR = "#205493", "#e07b00"


def nice_top(value):
    """The axis' top: 1, 2, 2.5 or 5 times a power of ten, at least ``value`` (and at least 1)."""
    value = max(value, 1)
    power = 1
    while True:
        for step in (1, 2, 2.5, 5):
            if step * power >= value:
                return int(step * power) if step * power >= 1 else 1
        power *= 10


def monthly_chart(rows, *, title, chart_id="readership-chart"):
    """``rows``: ``[(month, views, downloads)]``. Grouped bars, views then downloads, with a scale and a legend."""
    top = nice_top(max([0, *(max(v, d) for _m, v, d in rows)]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(rows), 1)
    bar = max(min(slot * 0.38, 24), 1)
    total_views = sum(v for _m, v, _d in rows)
    total_downloads = sum(d for _m, _v, d in rows)
    period = f"{rows[0][0]:%B %Y} to {rows[-1][0]:%B %Y}" if rows else "no months"
    desc = (
        f"Views and downloads by month, {period}: {total_views} views and {total_downloads} downloads in all. "
        "The table below gives each month's figures."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="readership-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    for i in range(5):
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        label = f"{value:g}"
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#333">{label}</text>'
        )
    label_every = max(1, round(len(rows) / 12 + 0.49))
    for i, (month, views, downloads) in enumerate(rows):
        x = LEFT + slot * i + (slot - 2 * bar) / 2
        for offset, value, colour, name in (
            (0, views, VIEWS_COLOUR, "views"),
            (bar, downloads, DOWNLOADS_COLOUR, "downloads"),
        ):
            h = plot_h * value / top
            parts.append(
                f'<rect class="{name}" x="{x + offset:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{colour}" data-value="{value}"><title>{month:%B %Y}: {value} {name}</title></rect>'
            )
        if i % label_every == 0:
            cx = LEFT + slot * i + slot / 2
            text = f"{month:%b}" if month.month != 1 and i else f"{month:%b %Y}"
            parts.append(
                f'<text x="{cx:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" font-size="11" fill="#333">{text}</text>'
            )
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" stroke="#666"/>')
    legend_y = HEIGHT - 14
    parts.append(f'<rect x="{LEFT}" y="{legend_y - 9}" width="10" height="10" fill="{VIEWS_COLOUR}"/>')
    parts.append(f'<text x="{LEFT + 14}" y="{legend_y}" font-size="12" fill="#333">Views of the page</text>')
    parts.append(f'<rect x="{LEFT + 140}" y="{legend_y - 9}" width="10" height="10" fill="{DOWNLOADS_COLOUR}"/>')
    parts.append(f'<text x="{LEFT + 154}" y="{legend_y}" font-size="12" fill="#333">Downloads of the PDF</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text in it is escaped above
