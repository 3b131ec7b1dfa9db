"""Intake pages: import a register (upload → preview → confirm → progress), export a unit's
register, and read a judgment to prefill the registration form. Thin: validate, call a service,
flash, redirect."""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from thads.extensions import db
from thads.intake import bp
from thads.intake.forms import ConfirmForm, ImportForm, JudgmentForm
from thads.models import ImportRun, Unit
from thads.security import reauth_required
from thads.services import clock
from thads.services.errors import ServiceError
from thads.services.permissions import can
from thads.web import menu_entries

UPLOAD_LIMIT = 25 * 1024 * 1024  # a register file (the app-wide default is 1 MiB)
PDF_LIMIT = 10 * 1024 * 1024
PROBLEMS_SHOWN = 500


@menu_entries
def _nav(user) -> list[dict]:
    """Menu entries of this slice, only for those allowed."""
    items = []
    if can(user, "register"):
        items.append({"url": url_for("intake.judgment"), "label": _("Đọc bản án")})
    if can(user, "import"):
        items.append({"url": url_for("intake.import_index"), "label": _("Nhập sổ thụ lý")})
    return items


@bp.app_context_processor
def _labels():
    return {"run_status_labels": {
        "previewed": _("Chờ xác nhận"), "queued": _("Đang chờ"), "running": _("Đang nhập"), "done": _("Xong"),
        "failed": _("Bị dừng")}, "level_labels": {"error": _("Lỗi"), "warning": _("Cảnh báo"), "info": _("Ghi chú")}}


@bp.url_value_preprocessor
def _upload_limits(endpoint, _values):
    """This slice's uploads are larger than the app-wide 1 MiB: raise the limit (Flask 3.1's
    per-request ``max_content_length``) for these views only, before anything reads the body —
    URL value preprocessors run before every ``before_request`` (the CSRF check, the NUL check)."""
    limit = {"intake.import_index": UPLOAD_LIMIT, "intake.judgment": PDF_LIMIT}.get(endpoint)
    if limit and request.method == "POST":
        request.max_content_length = limit


def _importer():
    if not can(current_user, "import"):
        abort(403)


def _units():
    return list(db.session.scalars(select(Unit).where(Unit.path.startswith(current_user.unit.path, autoescape=True))
                                   .order_by(Unit.path)))


# ------------------------------------------------------------------------------ import


@bp.route("/import", methods=["GET", "POST"])
@login_required
@reauth_required
def import_index():
    _importer()
    form = ImportForm()
    form.unit.choices = [(u.code, f"{u.code} — {u.name}") for u in _units()]
    if form.validate_on_submit():
        from thads.intake import columns, services

        upload = form.file.data
        if not upload or not upload.filename:
            flash(_("Hãy chọn tệp sổ thụ lý."), "danger")
        else:
            try:
                content = upload.read()
                mapping = columns.load_mapping(form.mapping.data.read() if form.mapping.data else None)
                upload.close()
                unit = services.unit_by_code(form.unit.data)
                today = clock.today()
                analysis = services.analyse(content, upload.filename, unit, mapping, today)
                run = services.create_run(current_user, unit, content, upload.filename, mapping, analysis, today)
            except columns.MappingProblem as exc:
                db.session.rollback()
                flash(str(exc), "danger")
            except ServiceError as exc:
                db.session.rollback()
                flash(exc.message, "danger")
            else:
                db.session.commit()
                return redirect(url_for("intake.run", run_id=run.id))
    runs = list(db.session.scalars(select(ImportRun).join(Unit, Unit.id == ImportRun.unit_id)
                                   .where(Unit.path.startswith(current_user.unit.path, autoescape=True))
                                   .order_by(ImportRun.id.desc()).limit(20)))
    return render_template("intake/import.html", form=form, runs=runs, limit_mib=UPLOAD_LIMIT // 1024 // 1024)


@bp.route("/import/<int:run_id>")
@login_required
def run(run_id: int):
    _importer()
    from thads.intake import services

    try:
        r = services.get_run(current_user, run_id)
    except ServiceError:
        abort(404)
    preview = r.preview or {}
    problems = preview.get("problems", [])
    return render_template("intake/run.html", run=r, counts=preview.get("counts", {}), problems=problems[:PROBLEMS_SHOWN],
                           more=max(len(problems) - PROBLEMS_SHOWN, 0) or preview.get("truncated"),
                           import_problems=(r.problems or [])[:PROBLEMS_SHOWN], form=ConfirmForm(),
                           status=services.status_json(r))


@bp.route("/import/<int:run_id>/confirm", methods=["POST"])
@login_required
@reauth_required
def confirm(run_id: int):
    _importer()
    from thads.intake import services

    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        r = services.queue_run(current_user, services.get_run(current_user, run_id))
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("intake.run", run_id=run_id))
    db.session.commit()
    from thads.tasks.actors import import_cases

    import_cases.send(r.id)
    flash(_("Đã bắt đầu nhập; trang này cho thấy tiến độ."), "success")
    return redirect(url_for("intake.run", run_id=r.id))


@bp.route("/import/<int:run_id>/status.json")
@login_required
def status(run_id: int):
    _importer()
    from thads.intake import services

    try:
        r = services.get_run(current_user, run_id)
    except ServiceError:
        abort(404)
    db.session.refresh(r)
    return jsonify(services.status_json(r))


@bp.route("/import/<int:run_id>/report.xlsx")
@login_required
def report(run_id: int):
    _importer()
    from thads.intake import services
    from thads.intake.export import preview_workbook

    try:
        r = services.get_run(current_user, run_id)
    except ServiceError:
        abort(404)
    data = preview_workbook(r)
    return send_file(_buffer(data), as_attachment=True, download_name=f"kiem-tra-nhap-{r.id}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/export.xlsx")
@login_required
def export():
    _importer()
    from thads.intake import services
    from thads.intake.export import register_workbook

    code = request.args.get("unit") or current_user.unit.code
    try:
        unit = services.unit_by_code(code)
    except ServiceError:
        abort(404)
    if not unit.path.startswith(current_user.unit.path):
        abort(404)
    data, _n = register_workbook(unit)
    return send_file(_buffer(data), as_attachment=True, download_name=f"so-thu-ly-{unit.code}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _buffer(data: bytes):
    import io

    return io.BytesIO(data)


# ------------------------------------------------------------------------------ judgment


@bp.route("/judgment", methods=["GET", "POST"])
@login_required
def judgment():
    if not can(current_user, "register"):
        abort(403)
    form = JudgmentForm()
    reading = None
    token = None
    if form.validate_on_submit():
        from thads.intake.judgment.pdf import PdfProblem, pdf_text
        from thads.intake.judgment.reader import read
        from thads.services import prefill

        text = form.text.data or ""
        upload = form.pdf.data
        problem = False
        try:
            if upload and getattr(upload, "filename", ""):
                raw = upload.read()
                upload.close()
                text = pdf_text(raw)
        except PdfProblem as exc:
            flash(str(exc), "danger")
            text, problem = "", True
        if text.strip():
            reading = read(text)
            row = prefill.stash(current_user, "case", reading.form_data(), reading.sources())
            db.session.commit()
            token = row.token
        elif not problem:
            flash(_("Hãy dán văn bản bản án hoặc tải lên tệp PDF."), "warning")
    sources = []
    if reading:
        for item in reading.sources():
            item["before"] = reading.text[max(0, item["start"] - 70):item["start"]]
            item["after"] = reading.text[item["end"]:item["end"] + 70]
            sources.append(item)
    return render_template("intake/judgment.html", form=form, reading=reading, token=token, sources=sources)


