"""Worklist and search pages: read-only, thin, every query in ``thads.services.worklist``."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from thads.i18n import select_locale
from thads.services import worklist as svc
from thads.services.errors import InvalidInput
from thads.worklist import bp


@bp.route("/worklist")
@login_required
def index():
    state = request.args.get("state") or None
    kind = request.args.get("kind") or None
    cursor = request.args.get("cursor") or None
    error = None
    try:
        page = svc.worklist(current_user, state=state, kind=kind, cursor=cursor)
    except InvalidInput as exc:
        error = exc.message
        page = svc.worklist(current_user)
    waiting = 0
    if current_user.has_role("head", "deputy", "supervisor"):
        from thads.services.supervision import waiting_proposals

        waiting = len(waiting_proposals(current_user))
    locale = select_locale()
    return render_template(
        "worklist/index.html", page=page, args=request.args, error=error, waiting=waiting,
        states={k: v for k, v in svc.state_labels(locale).items() if k in svc.OPEN_STATES},
        all_states=svc.state_labels(locale), kinds=svc.kind_labels(locale),
    )


@bp.route("/search")
@login_required
def search():
    q = (request.args.get("q") or "").strip()
    result, error = None, None
    if q:
        try:
            result = svc.search(current_user, q, cursor=request.args.get("cursor") or None)
        except InvalidInput as exc:
            error = exc.message
    locale = select_locale()
    return render_template("worklist/search.html", q=q, result=result, error=error,
                           states=svc.state_labels(locale), kinds=svc.kind_labels(locale))
