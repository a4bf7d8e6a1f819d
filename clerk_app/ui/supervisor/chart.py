"""Trend by day (按日趋势): received, accepted, corrections, refusals and finished, as lines."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import QBarCategoryAxis, QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from clerk_app.i18n import _
from clerk_app.services.supervision.figures import DayFigures

SERIES = (
    (_("收件"), "received", "#1f4e9b"),
    (_("受理（含容缺、告知承诺、即办）"), "accepted", "#1e7d32"),
    (_("补正"), "corrections", "#b26a00"),
    (_("不予受理"), "refused", "#b3261e"),
    (_("办结"), "finished", "#6a3d9a"),
)


class TrendChart(QChartView):
    """One line per measure over the days of the range."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        self.chart_ = QChart()
        self.chart_.setMargins(QMargins(4, 4, 4, 4))
        self.chart_.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.setChart(self.chart_)
        self.series: dict[str, QLineSeries] = {}
        self.days: list[str] = []

    def set_days(self, days: Sequence[DayFigures]) -> None:
        chart = self.chart_
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        self.days = [f"{d.day:%m-%d}" for d in days]
        x_axis = QBarCategoryAxis()
        x_axis.append(self.days or ["-"])
        if len(self.days) > 7:
            x_axis.setLabelsAngle(-90)
        highest = max((getattr(d, key) for d in days for _l, key, _c in SERIES), default=0)
        y_axis = QValueAxis()
        y_axis.setRange(0, max(highest, 4))
        y_axis.applyNiceNumbers()
        y_axis.setLabelFormat("%d")
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        self.series = {}
        for label, key, colour in SERIES:
            series = QLineSeries()
            series.setName(label)
            series.setPen(QPen(QColor(colour), 2))
            series.setPointsVisible(len(days) <= 31)
            for position, day in enumerate(days):
                series.append(position, getattr(day, key))
            chart.addSeries(series)
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)
            self.series[key] = series
