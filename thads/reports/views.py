"""Statistics pages: the form per unit with rates and chart, drill-down lists, Excel, targets.

Thin views: parse the query, call ``thads.services.stats``, render. Report pages are read-only.
"""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from thads.extensions import db
from thads.i18n import current_locale
from thads.models import Unit, stat_year_of
from thads.reports import bp
from thads.reports.chart import completion_chart
from thads.reports.export import drill_workbook, report_workbook
from thads.security import id_arg, reauth_required
from thads.services import clock, stats
from thads.services.errors import InvalidInput, NotFound
from thads.services.values import ValueProblem, parse_date
from thads.services.worklist import state_labels

DRILL_PAGE = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def figure_labels() -> dict[str, str]:
    return {key: _(label) for key, label in stats.FIGURES}


KIND_LABELS = {"ex_officio": _l("Chủ động"), "on_request": _l("Theo đơn")}
ORIGIN_LABELS = {"bf": _l("Năm trước chuyển sang"), "new": _l("Thụ lý mới"),
                 "reopened": _l("Thụ lý lại (từ sổ theo dõi riêng)")}


def _strs(labels: dict) -> dict[str, str]:
    """Lazy labels resolved in the request's language (openpyxl wants plain strings)."""
    return {k: str(v) for k, v in labels.items()}


def _params():
    """(unit, period) from the query string; defaults: the user's unit, this year, 12 months, today."""
    args = request.args
    today = clock.today()
    unit = stats.report_unit(current_user, args.get("unit") or None)
    try:
        year = int(args.get("year") or stat_year_of(today))
        months = int(args.get("months") or 12)
    except ValueError:
        raise InvalidInput(_("Năm hoặc số tháng không hợp lệ."), fields={"year": "?"}) from None
    as_of = None
    if args.get("as_of"):
        try:
            as_of = parse_date(args["as_of"], field_label=_("Ngày số liệu"))
        except ValueProblem as exc:
            raise InvalidInput(str(exc), fields={"as_of": str(exc)}) from None
    period = stats.Period(year, months, as_of)
    if as_of is None and period.end > today:
        period = stats.Period(year, months, today if today >= period.start else None)
    return unit, period


def _query(unit, period, **extra) -> dict:
    q = {"unit": unit.code, "year": period.year, "months": period.months, "as_of": period.cutoff.isoformat()}
    q.update(extra)
    return q


@bp.route("/")
@login_required
def index():
    unit, period = _params()
    report = stats.build_report(unit, period)
    chart = completion_chart(report, _("Tỷ lệ thi hành xong về việc theo đơn vị"), _("Chỉ tiêu"))
    units = db.session.scalars(
        select(Unit).where(Unit.path.startswith(current_user.unit.path, autoescape=True)).order_by(Unit.path)
    ).all()
    return render_template("reports/index.html", report=report, chart=chart, figures=stats.FIGURES,
                           labels=figure_labels(), units=units, query=_query(unit, period),
                           standard_months=stats.STANDARD_MONTHS)


@bp.route("/export.xlsx")
@login_required
def export():
    unit, period = _params()
    report = stats.build_report(unit, period)
    body = report_workbook(report, _("BIỂU 01/TKLN-THADS — KẾT QUẢ THI HÀNH ÁN DÂN SỰ TÍNH BẰNG VIỆC VÀ TIỀN"))
    name = f"thong-ke-{unit.code}-{period.year}-{period.months}t-{period.cutoff:%Y%m%d}.xlsx"
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={name}"})


def _drill_args(unit):
    figure = request.args.get("figure", "")
    measure = request.args.get("measure", "cases")
    scope = request.args.get("scope", "tree")
    if figure not in stats.FIGURE_KEYS or measure not in stats.MEASURES or scope not in ("tree", "own"):
        abort(404)
    row_code = request.args.get("row") or unit.code
    row_unit = db.session.scalars(select(Unit).where(Unit.code == row_code)).first()
    if row_unit is None or not row_unit.path.startswith(unit.path):
        abort(404)
    return figure, measure, scope, row_unit


@bp.route("/drill")
@login_required
def drill():
    unit, period = _params()
    figure, measure, scope, row_unit = _drill_args(unit)
    after = id_arg("after") or 0
    rows = stats.drill_down(unit, period, figure, measure, row_unit=row_unit, scope=scope, after_id=after,
                            limit=DRILL_PAGE + 1)
    more = len(rows) > DRILL_PAGE
    rows = rows[:DRILL_PAGE]
    query = _query(unit, period, row=row_unit.code, scope=scope, figure=figure, measure=measure)
    return render_template("reports/drill.html", rows=rows, more=more, query=query, figure=figure,
                           figure_label=figure_labels()[figure], measure=measure, row_unit=row_unit, scope=scope,
                           period=period, unit=unit, states=state_labels(current_locale()), kinds=_strs(KIND_LABELS), origins=_strs(ORIGIN_LABELS),
                           after=after)


@bp.route("/drill.xlsx")
@login_required
def drill_export():
    unit, period = _params()
    figure, measure, scope, row_unit = _drill_args(unit)
    rows = stats.drill_down(unit, period, figure, measure, row_unit=row_unit, scope=scope)
    what = _("việc") if measure == "cases" else _("tiền")
    title = f"{figure_labels()[figure]} ({what}) — {row_unit.name} — {period.label_vi()}"
    body = drill_workbook(rows, title, state_labels(current_locale()), _strs(KIND_LABELS), _strs(ORIGIN_LABELS), money=measure == "money")
    name = f"danh-sach-{row_unit.code}-{figure}-{measure}-{period.cutoff:%Y%m%d}.xlsx"
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/targets", methods=["GET", "POST"])
@login_required
@reauth_required  # saving or deleting a target; reading the page needs no password
def targets():
    if not current_user.has_role(*stats.TARGET_ROLES):
        abort(403)
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = request.form
        try:
            if form.get("delete"):
                stats.delete_target(current_user, form["delete"])
                flash(_("Đã xóa chỉ tiêu."), "success")
            else:
                stats.set_target(current_user, form.get("stat_year"), form.get("unit") or None,
                                 form.get("cases"), form.get("money"))
                flash(_("Đã lưu chỉ tiêu."), "success")
        except InvalidInput as exc:
            db.session.rollback()
            errors = exc.fields
            flash(exc.message, "danger")
        except NotFound as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            return redirect(url_for("reports.targets"))
    if stats.ensure_default_targets():
        db.session.commit()
    units = {u.id: u for u in db.session.scalars(select(Unit).order_by(Unit.path))}
    return render_template("reports/targets.html", targets=stats.list_targets(), units=units, errors=errors,
                           form=request.form)
