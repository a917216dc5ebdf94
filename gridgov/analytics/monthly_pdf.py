"""The cockpit's monthly report as a PDF (reportlab): key figures, a line chart of the daily
intake, a bar chart of the top categories, and the tables behind them.

Chinese text uses reportlab's built-in CID font STSong-Light (Adobe-GB1, rendered by the PDF
reader's own CJK font), so no font file ships with gridgov.
"""

from __future__ import annotations

import calendar
import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from gridgov.analytics.cockpit import TOP_CATEGORIES, _rate, scope_paths, scope_q
from gridgov.analytics.measures import MEASURES, facts_on
from gridgov.analytics.models import CaseFact, DailyFact
from gridgov.cases.models import Category

FONT = "STSong-Light"
_COUNTS = ("reported", "closed", "closed_in_time", "rated", "satisfied")


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


@dataclass
class MonthFigures:
    start: date
    end: date  # inclusive: the month's last day, or today for the running month
    totals: dict[str, int] = field(default_factory=dict)
    daily: list[tuple[date, int]] = field(default_factory=list)  # reported per day
    categories: list[tuple[str, int]] = field(default_factory=list)  # top categories by reports


def month_figures(user, year: int, month: int, *, area: str = "", today: date | None = None) -> MonthFigures:
    """The month's counts: days before today from DailyFact, today (if in the month) from CaseFact."""
    today = today or timezone.localdate()
    start = date(year, month, 1)
    end = min(date(year, month, calendar.monthrange(year, month)[1]), today)
    figures = MonthFigures(start, end, totals=dict.fromkeys(_COUNTS, 0))
    if end < start:
        return figures
    paths = scope_paths(user, area)
    per_day: dict[date, int] = {}
    per_cat: dict[int, int] = {}
    past = DailyFact.objects.filter(
        scope_q(paths), day__gte=start, day__lte=min(end, today - timedelta(days=1))
    )
    for row in past.values("day").order_by().annotate(**{f"n_{k}": Sum(k) for k in _COUNTS}):
        per_day[row["day"]] = row["n_reported"] or 0
        for k in _COUNTS:
            figures.totals[k] += row[f"n_{k}"] or 0
    for row in past.values("top_category_id").order_by().annotate(n=Sum("reported")):
        per_cat[row["top_category_id"]] = row["n"] or 0
    if start <= today <= end:
        tomorrow = today + timedelta(days=1)
        counts = {f"n_{k}": Count("case_id", filter=facts_on(MEASURES[k], today, tomorrow)) for k in _COUNTS}
        rows = (
            CaseFact.objects.filter(scope_q(paths))
            .filter(Q(reported_on=today) | Q(closed_on=today) | Q(rated_on=today))
            .values("top_category_id")
            .order_by()
            .annotate(**counts)
        )
        for row in rows:
            for k in _COUNTS:
                figures.totals[k] += row[f"n_{k}"]
            per_day[today] = per_day.get(today, 0) + row["n_reported"]
            if row["n_reported"]:
                per_cat[row["top_category_id"]] = per_cat.get(row["top_category_id"], 0) + row["n_reported"]
    days = (end - start).days + 1
    figures.daily = [
        (start + timedelta(days=i), per_day.get(start + timedelta(days=i), 0)) for i in range(days)
    ]
    language = get_language()
    names = {c.pk: c.name_for(language) for c in Category.objects.filter(pk__in=list(per_cat))}
    top = sorted(per_cat.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CATEGORIES]
    figures.categories = [(names.get(cid, str(cid)), n) for cid, n in top if n]
    return figures


def _line_chart(daily: list[tuple[date, int]], font: str) -> Drawing:
    drawing = Drawing(170 * mm, 60 * mm)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 10 * mm, 150 * mm, 45 * mm
    chart.data = [[n for _d, n in daily] or [0]]
    chart.categoryAxis.categoryNames = [d.strftime("%d") for d, _n in daily] or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.lines[0].strokeColor = colors.HexColor("#1b4f8f")
    chart.lines[0].strokeWidth = 1.5
    drawing.add(chart)
    return drawing


def _bar_chart(categories: list[tuple[str, int]], font: str) -> Drawing:
    rows = list(reversed(categories)) or [("", 0)]
    drawing = Drawing(170 * mm, max(30, 7 * len(rows) + 12) * mm)
    chart = HorizontalBarChart()
    chart.x, chart.y = 40 * mm, 6 * mm
    chart.width, chart.height = 120 * mm, (7 * len(rows)) * mm
    chart.data = [[n for _name, n in rows]]
    chart.categoryAxis.categoryNames = [name[:14] for name, _n in rows]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#2f7dd1")
    chart.barLabelFormat = "%d"
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 8
    drawing.add(chart)
    return drawing


def render_pdf(figures: MonthFigures, *, title: str) -> bytes:
    font = _font()
    normal = ParagraphStyle("gg", fontName=font, fontSize=10, leading=14)
    heading = ParagraphStyle("ggh", parent=normal, fontSize=16, leading=22, spaceAfter=6)
    sub = ParagraphStyle("ggs", parent=normal, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4)
    t = figures.totals
    rate = _rate(t["satisfied"], t["rated"])
    kpis = [
        [_("Reported"), t["reported"]],
        [_("Closed"), t["closed"]],
        [_("Closed in time"), t["closed_in_time"]],
        [_("Rated"), t["rated"]],
        [_("Satisfied"), t["satisfied"]],
        [_("Satisfaction rate (%)"), "" if rate is None else rate],
    ]
    style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ]
    )
    story = [
        Paragraph(title, heading),
        Paragraph(f"{figures.start.isoformat()} – {figures.end.isoformat()}", normal),
        Spacer(1, 4 * mm),
        Table(kpis, colWidths=[60 * mm, 30 * mm], style=style),
        Paragraph(_("Daily intake"), sub),
        _line_chart(figures.daily, font),
        Paragraph(_("Top categories"), sub),
        _bar_chart(figures.categories, font),
        Paragraph(_("Reports per category"), sub),
        Table(
            [[_("Category"), _("Reported")], *[[n, c] for n, c in figures.categories]],
            colWidths=[80 * mm, 30 * mm],
            style=style,
        ),
    ]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=title,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
    doc.build(story)
    return out.getvalue()


def monthly_report(user, year: int, month: int, *, area: str = "", today: date | None = None) -> bytes:
    figures = month_figures(user, year, month, area=area, today=today)
    title = _("Monthly report %(month)s") % {"month": f"{year}-{month:02d}"}
    return render_pdf(figures, title=title)


__all__ = ["MonthFigures", "month_figures", "monthly_report", "render_pdf"]
