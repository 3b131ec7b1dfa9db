"""Registering cases (thụ lý) and reading them; transitions live in ``thads.services.lifecycle``."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from thads.extensions import db
from thads.models import Case, Obligation, Party, Unit, User, stat_year_of
from thads.services import audit, clock
from thads.services.errors import Forbidden, InvalidInput
from thads.services.permissions import can, roles_for
from thads.services.scope import in_scope
from thads.services.values import MAX_MONEY, fold

REGISTER_ROLES = roles_for("register")


def clean_case_input(raw: dict, today: date | None = None) -> tuple[dict, dict[str, str]]:
    """Validate a registration (API JSON or the web form's data) into clean values.

    The shapes, types and limits are the schema's (:class:`thads.schemas.cases.CaseIn`, the one
    the API documents); the rules that compare fields or need today's date are here. Returns
    ``(clean, errors)``; ``errors`` maps a field path (``parties.0.name``) to a Vietnamese
    message. Nothing is written.
    """
    from pydantic import ValidationError

    from thads.schemas.cases import CASE_MESSAGES, CaseIn
    from thads.schemas.errors import field_errors

    today = today or clock.today()
    if not isinstance(raw, dict):
        return {}, {"_": "Dữ liệu phải là một đối tượng JSON."}
    try:
        clean = CaseIn.model_validate(raw).model_dump()
    except ValidationError as exc:
        return {}, field_errors(exc, CASE_MESSAGES)
    errors: dict[str, str] = {}
    j = clean["judgment"]
    for path, value, label in (("received_on", clean["received_on"], "Ngày nhận"),
                               ("judgment.date", j["date"], "Ngày bản án"),
                               ("judgment.effective_on", j["effective_on"], "Ngày có hiệu lực")):
        if value is not None and value > today:
            errors[path] = f"{label} không được ở tương lai."
    if j["effective_on"] and j["effective_on"] < j["date"]:
        errors.setdefault("judgment.effective_on", "Ngày có hiệu lực không được trước ngày bản án.")
    if clean["received_on"] < j["date"]:
        errors.setdefault("received_on", "Ngày nhận không được trước ngày bản án.")
    problems = party_problems(clean["kind"], [p["role"] for p in clean["parties"]])
    if problems:
        errors["parties"] = " ".join(problems)
    if sum(o["amount"] or 0 for o in clean["obligations"]) > MAX_MONEY:
        errors["obligations"] = "Tổng số tiền phải thi hành quá lớn (tối đa 1.000.000.000.000.000 đồng)."
    return clean, errors


def party_problems(kind: str, roles: list[str]) -> list[str]:
    """What the parties of a case lack: a debtor always; a creditor when the case is enforced on
    request (the requester is a creditor: Law 26/2008 Art 31, Law 106/2025 Art 34)."""
    problems = []
    if "debtor" not in roles:
        problems.append("Cần ít nhất một người phải thi hành án.")
    if kind == "on_request" and "creditor" not in roles:
        problems.append("Việc thi hành án theo đơn yêu cầu cần có người được thi hành án (người yêu cầu).")
    return problems


def courts_used(user: User, limit: int = 200) -> list[str]:
    """The courts named on the cases of ``user``'s unit, most used first (the registration
    form offers them; any other court may still be typed)."""
    rows = db.session.execute(
        select(Case.court, func.count().label("n")).where(Case.unit_id == user.unit_id)
        .group_by(Case.court).order_by(func.count().desc(), Case.court).limit(limit)
    ).all()
    return [r.court for r in rows]


def register_case(actor: User, raw: dict, *, today: date | None = None, number: int | None = None,
                  imported: dict | None = None) -> Case:
    """Register a case from validated input; writes the case, its first event and deadlines.

    A repeated submit (double click, network retry) is answered by the caller's idempotency key
    (``thads.services.idempotency``), claimed in the same transaction. An import of an existing
    register (``thads.intake``) gives the register ``number`` the case already has and
    ``imported`` (``{"imported": True, "source": …}``), which the first event records.
    """
    from thads.services import deadlines as deadline_service

    if not can_register(actor):
        raise Forbidden("Bạn không có quyền thụ lý việc thi hành án.")
    clean, errors = clean_case_input(raw, today)
    if errors:
        raise InvalidInput("Thông tin hồ sơ chưa hợp lệ.", fields=errors)

    unit = actor.unit
    if clean["unit"]:
        unit = db.session.scalars(select(Unit).where(Unit.code == clean["unit"])).first()
        if unit is None or not in_scope(actor, unit.id):
            raise InvalidInput("Đơn vị không hợp lệ.", fields={"unit": "Không có đơn vị này trong phạm vi của bạn."})
    officer = None
    if clean["officer"]:
        officer = _officer_in_unit(clean["officer"], unit)

    received_on = clean["received_on"]
    year = stat_year_of(received_on)
    if number is not None:
        if imported is None or not can(actor, "import"):
            raise Forbidden("Chỉ việc nhập sổ thụ lý mới giữ số thụ lý có sẵn.")
        taken = db.session.scalar(select(Case.id).where(Case.unit_id == unit.id, Case.stat_year == year,
                                                        Case.number == number))
        if taken is not None:
            raise InvalidInput(f"Số thụ lý {number}/{year} đã có.", fields={"number": "Đã có."})
        last = number - 1
    else:
        # Serialise numbering per unit (PostgreSQL row lock; SQLite serialises writers anyway).
        db.session.execute(select(Unit.id).where(Unit.id == unit.id).with_for_update())
        last = db.session.scalar(
            select(func.max(Case.number)).where(Case.unit_id == unit.id, Case.stat_year == year)
        )
    from workflows import law_for, workflow_for

    wf = workflow_for(received_on)
    j = clean["judgment"]
    case = Case(
        unit_id=unit.id, stat_year=year, number=(last or 0) + 1, kind=clean["kind"],
        state=wf.initial, workflow=wf.id, law=law_for(received_on), officer=officer,
        received_on=received_on, court=j["court"], judgment_number=j["number"],
        judgment_date=j["date"], judgment_effective_on=j["effective_on"],
        interim=clean["interim"], priority=clean["priority"], last_event_on=received_on,
    )
    case.parties = [Party(**p) for p in clean["parties"]]
    case.obligations = [Obligation(**o) for o in clean["obligations"]]
    refresh_money(case)
    db.session.add(case)
    db.session.flush()
    case.search_text = build_search_text(case)
    event = audit.append_event(
        case, actor, "registered", received_on, to_state=case.state,
        inputs={"kind": case.kind, "number": case.display_number, "amount_total": case.amount_total,
                "interim": case.interim, **(imported or {})},
        legal_basis=None, amount_delta=case.amount_total,
    )
    from thads.services.lifecycle import context_for

    deadline_service.open_initial(case, event, context_for(case, received_on))
    db.session.flush()  # the version the caller reports is the one committed
    return case


def can_register(user: User) -> bool:
    """Whether ``user``'s roles may register cases (menus show the action only then)."""
    return user.has_role(*REGISTER_ROLES)


def refresh_money(case: Case) -> None:
    """Recompute the money totals derived from obligations."""
    case.amount_total = sum(o.amount or 0 for o in case.obligations)
    case.nonmoney_pending = sum(1 for o in case.obligations if o.amount is None and not o.done)


def build_search_text(case: Case) -> str:
    parts = [case.display_number, str(case.number), case.judgment_number, case.court,
             case.decision_number or ""]
    for p in case.parties:
        parts += [p.name, p.id_number or ""]
    return fold(" | ".join(x for x in parts if x))


def _officer_in_unit(username: str, unit: Unit) -> User:
    user = db.session.scalars(select(User).where(User.username == username)).first()
    if user is None or not user.active or not user.has_role("officer") or not user.unit.path.startswith(unit.path):
        raise InvalidInput("Chấp hành viên không hợp lệ.", fields={"officer": "Không phải chấp hành viên của đơn vị."})
    return user
