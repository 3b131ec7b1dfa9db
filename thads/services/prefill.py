"""Data waiting to fill a form: the judgment reader's findings kept per user until the
registration form is opened with ``?prefill=<token>``. Nothing of the case is saved until the
officer submits that form; a prefill is only what to show in it (kept a day)."""
from __future__ import annotations

import secrets
from datetime import date, timedelta

from sqlalchemy import delete, select

from thads.extensions import db
from thads.models import FormPrefill, User, utcnow

KEEP = timedelta(days=1)


def stash(user: User, form: str, data: dict, sources: list | dict | None = None) -> FormPrefill:
    """Keep ``data`` (the form's fields by name; dates as ISO text) for ``user``; returns the row
    whose ``token`` opens the form with it. Older prefills of anyone are forgotten."""
    db.session.execute(delete(FormPrefill).where(FormPrefill.created_at < utcnow() - KEEP))
    row = FormPrefill(token=secrets.token_urlsafe(24), user_id=user.id, form=form, data=_jsonable(data),
                      sources={"items": sources or []}, created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    return row


def get(user: User, form: str, token: str | None) -> FormPrefill | None:
    """The user's own prefill for ``form`` (another user's token answers nothing)."""
    if not token or not isinstance(token, str) or len(token) > 40:
        return None
    return db.session.scalars(select(FormPrefill).where(
        FormPrefill.token == token, FormPrefill.user_id == user.id, FormPrefill.form == form,
        FormPrefill.created_at >= utcnow() - KEEP)).first()


def load(user: User, form: str, token: str | None) -> dict | None:
    """The form's data, dates back as ``date`` (what the form's fields hold), or None."""
    row = get(user, form, token)
    return _dates(row.data) if row else None


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    return value


def _dates(value):
    if isinstance(value, dict):
        if set(value) == {"$date"}:
            return date.fromisoformat(value["$date"])
        return {k: _dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates(v) for v in value]
    return value
