"""Template filters, error pages and request hooks shared by every blueprint."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.routing import IntegerConverter

from thads.extensions import db
from thads.i18n import format_date, format_datetime, format_money, localized, select_locale
from thads.services import permissions
from thads.services.errors import ServiceError

log = logging.getLogger(__name__)

# Machine codes of the HTTP errors the API answers itself (services raise ServiceErrors).
HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type",
              429: "too_many_requests", 500: "internal_error", 503: "unavailable"}


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: a row id fits PostgreSQL's ``integer``; a larger number names
    no row and answers 404 (instead of an overflow inside the database)."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=1 if min is None else min,
                         max=2**31 - 1 if max is None else max, signed=signed)


# Slices add their menu entries here (``@menu_entries``): a function of the signed-in user
# returning ``[{"url": …, "label": …}]`` for the entries that user may open.
MENU_ENTRIES: list = []


def menu_entries(fn):
    """Register a slice's menu entries (shown in the navigation after the core ones)."""
    MENU_ENTRIES.append(fn)
    return fn


def wants_json() -> bool:
    return request.path.startswith("/api/")


def register_url_converters(app: Flask) -> None:
    """Before blueprints are registered: their rules are compiled with these converters."""
    app.url_map.converters["int"] = IdConverter


def register_web_helpers(app: Flask) -> None:
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["vndate"] = format_date
    app.jinja_env.filters["vndatetime"] = format_datetime
    # Workflow data carries label_vi/label_en: ``{{ t|localized }}``, ``{{ r|localized('runs_from') }}``.
    app.jinja_env.filters["localized"] = localized

    @app.context_processor
    def inject():
        from flask import current_app
        from flask_login import current_user

        from thads.auth.forms import LogoutForm

        unread = 0
        menu = []
        if current_user.is_authenticated:
            menu = [item for entries in MENU_ENTRIES for item in entries(current_user)]
            if "notifications.index" in current_app.view_functions:
                from thads.services.inbox import unread_count

                unread = unread_count(current_user)
        # formdata=None: the sign-out button never reads the request body (an error page for a
        # body too large must not read it again).
        return {"logout_form": LogoutForm(formdata=None), "current_locale": select_locale(),
                "url_endpoints": current_app.view_functions, "unread_count": unread, "extra_nav": menu,
                "can": lambda action: permissions.can(current_user, action)}

    @app.before_request
    def refuse_nul():
        # PostgreSQL cannot store or compare text containing NUL: refuse it at the door, in the
        # query string and in form fields of the pages (the API's schemas refuse it with a 422
        # naming the field).
        if wants_json():
            return
        for source in (request.args, request.form if request.method == "POST" else None):
            if source and any("\x00" in v for values in source.listvalues() for v in values):
                raise BadRequest(_("Dữ liệu gửi lên chứa ký tự không hợp lệ."))

    def page(status: int, title: str, message: str, headers=None):
        if wants_json():
            response = jsonify(error=HTTP_CODES.get(status, "error"), message=message, fields={})
        else:
            response = app.make_response(render_template("error.html", title=title, message=message))
        response.status_code = status
        for name, value in (headers or {}).items():
            response.headers[name] = value
        return response

    @app.errorhandler(400)
    def bad_request(e):
        # Our own refusals carry a Vietnamese description; werkzeug's default one is English.
        ours = e.description if e.description != BadRequest.description else None
        return page(400, _("Yêu cầu không hợp lệ"), ours or _("Yêu cầu không hợp lệ."))

    @app.errorhandler(404)
    def not_found(_e):
        return page(404, _("Không tìm thấy"), _("Trang hoặc hồ sơ không tồn tại, hoặc không thuộc phạm vi của bạn."))

    @app.errorhandler(403)
    def forbidden(_e):
        return page(403, _("Không có quyền"), _("Bạn không có quyền thực hiện thao tác này."))

    @app.errorhandler(405)
    def method_not_allowed(e: HTTPException):
        allow = e.get_response().headers.get("Allow")  # the methods the URL does accept
        return page(405, _("Không hợp lệ"), _("Phương thức không được hỗ trợ."), {"Allow": allow} if allow else None)

    @app.errorhandler(413)
    def too_large(_e):
        return page(413, _("Dữ liệu quá lớn"), _("Nội dung gửi lên vượt quá giới hạn cho phép."))

    @app.errorhandler(429)
    def too_many(_e):
        return page(429, _("Tạm khóa đăng nhập"),
                    _("Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút."))

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        return page(400, _("Phiên làm việc đã hết hạn"),
                    _("Biểu mẫu đã hết hạn hoặc thiếu mã bảo mật. Vui lòng tải lại trang và gửi lại."))

    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        db.session.rollback()
        if wants_json():
            body = exc.to_json()
            body.setdefault("fields", {})
            return jsonify(body), exc.status, exc.headers
        return render_template("error.html", title=_("Không thực hiện được"), message=exc.message), exc.status

    @app.errorhandler(OperationalError)
    def database_busy(exc: OperationalError):
        # The database refused for now (SQLite's single writer held too long, a dropped
        # connection): nothing was written; the person may simply try again.
        db.session.rollback()
        log.warning("database unavailable: %s", exc.orig)
        return page(503, _("Hệ thống đang bận"), _("Cơ sở dữ liệu đang bận; chưa có gì được ghi. Vui lòng thử lại."),
                    {"Retry-After": "5"})

    @app.errorhandler(500)
    def internal_error(_e):
        db.session.rollback()
        return page(500, _("Lỗi hệ thống"), _("Đã có lỗi ngoài dự kiến; chưa có gì được ghi. Vui lòng thử lại."))
