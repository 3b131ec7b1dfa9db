"""Template filters, error pages and request hooks shared by every blueprint."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from thads.extensions import db
from thads.i18n import format_date, format_money, localized, select_locale
from thads.services.errors import ServiceError


def wants_json() -> bool:
    return request.path.startswith("/api/")


def register_web_helpers(app: Flask) -> None:
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["vndate"] = format_date
    # Workflow data carries label_vi/label_en: ``{{ t|localized }}``, ``{{ r|localized('runs_from') }}``.
    app.jinja_env.filters["localized"] = localized

    @app.context_processor
    def inject():
        from flask import current_app
        from flask_login import current_user

        from thads.auth.forms import LogoutForm

        unread = 0
        if "notifications.index" in current_app.view_functions and current_user.is_authenticated:
            from thads.services.notifications_read import unread_count

            unread = unread_count(current_user)
        return {"logout_form": LogoutForm(), "current_locale": select_locale(),
                "url_endpoints": current_app.view_functions, "unread_count": unread}

    def page(status: int, title: str, message: str):
        if wants_json():
            codes = {403: "forbidden", 404: "not_found", 405: "method_not_allowed",
                     429: "too_many_requests", 400: "bad_request"}
            return jsonify(error=codes.get(status, "error"), message=message), status
        return render_template("error.html", title=title, message=message), status

    @app.errorhandler(404)
    def not_found(_e):
        return page(404, _("Không tìm thấy"), _("Trang hoặc hồ sơ không tồn tại, hoặc không thuộc phạm vi của bạn."))

    @app.errorhandler(403)
    def forbidden(_e):
        return page(403, _("Không có quyền"), _("Bạn không có quyền thực hiện thao tác này."))

    @app.errorhandler(405)
    def method_not_allowed(_e):
        return page(405, _("Không hợp lệ"), _("Phương thức không được hỗ trợ."))

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
            return jsonify(exc.to_json()), exc.status
        return render_template("error.html", title=_("Không thực hiện được"), message=exc.message), exc.status
