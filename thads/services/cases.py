"""Registering cases (thụ lý) and reading them; transitions live in ``thads.services.lifecycle``."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from thads.extensions import db
from thads.models import Case, Obligation, Party, Unit, User, stat_year_of
from thads.models.cases import CASE_KINDS, PARTY_KINDS, PARTY_ROLES
from thads.services import audit, clock
from thads.services.errors import DuplicateSubmission, Forbidden, InvalidInput
from thads.services.scope import in_scope
from thads.services.values import ValueProblem, fold, parse_date, parse_money

REGISTER_ROLES = ("clerk", "officer", "head", "deputy", "supervisor", "admin")


def clean_case_input(raw: dict, today: date | None = None) -> tuple[dict, dict[str, str]]:
    """Validate a registration (API JSON or the web form's data) into clean values.

    Returns ``(clean, errors)``; ``errors`` maps a field path (``parties.0.name``) to a
    Vietnamese message. Nothing is written.
    """
    today = today or clock.today()
    errors: dict[str, str] = {}
    clean: dict = {}
    if not isinstance(raw, dict):
        return {}, {"_": "Dữ liệu phải là một đối tượng JSON."}

    kind = raw.get("kind")
    if kind not in CASE_KINDS:
        errors["kind"] = "Loại việc phải là 'ex_officio' (chủ động) hoặc 'on_request' (theo đơn)."
    clean["kind"] = kind
    clean["unit"] = raw.get("unit") or None
    clean["interim"] = bool(raw.get("interim", False))
    clean["priority"] = bool(raw.get("priority", False))
    clean["officer"] = raw.get("officer") or None

    def _date(key, value, label, required=True):
        if value in (None, "") and not required:
            return None
        try:
            return parse_date(value, not_after=today, field_label=label)
        except ValueProblem as exc:
            errors[key] = str(exc)
            return None

    clean["received_on"] = _date("received_on", raw.get("received_on"), "Ngày nhận")
    judgment = raw.get("judgment") or {}
    if not isinstance(judgment, dict):
        errors["judgment"] = "Bản án phải là một đối tượng."
        judgment = {}
    court = str(judgment.get("court") or "").strip()
    number = str(judgment.get("number") or "").strip()
    if not court:
        errors["judgment.court"] = "Cần ghi tòa án đã ra bản án."
    if not number:
        errors["judgment.number"] = "Cần ghi số bản án."
    jdate = _date("judgment.date", judgment.get("date"), "Ngày bản án")
    effective = _date("judgment.effective_on", judgment.get("effective_on"), "Ngày có hiệu lực", required=False)
    if jdate and effective and effective < jdate:
        errors["judgment.effective_on"] = "Ngày có hiệu lực không được trước ngày bản án."
    if jdate and clean["received_on"] and clean["received_on"] < jdate:
        errors["received_on"] = "Ngày nhận không được trước ngày bản án."
    clean["judgment"] = {"court": court, "number": number, "date": jdate, "effective_on": effective}

    parties = raw.get("parties") or []
    clean["parties"] = []
    if not isinstance(parties, list):
        errors["parties"] = "Danh sách đương sự không hợp lệ."
        parties = []
    for i, p in enumerate(parties):
        if not isinstance(p, dict):
            errors[f"parties.{i}"] = "Đương sự không hợp lệ."
            continue
        name = str(p.get("name") or "").strip()
        role = p.get("role")
        pkind = p.get("kind") or "person"
        if not name:
            errors[f"parties.{i}.name"] = "Cần ghi họ tên hoặc tên tổ chức."
        if role not in PARTY_ROLES:
            errors[f"parties.{i}.role"] = "Vai trò phải là người được thi hành án, người phải thi hành án hoặc người liên quan."
        if pkind not in PARTY_KINDS:
            errors[f"parties.{i}.kind"] = "Loại đương sự phải là cá nhân hoặc tổ chức."
        clean["parties"].append({
            "role": role, "kind": pkind, "name": name,
            "id_number": str(p.get("id_number") or "").strip() or None,
            "address": str(p.get("address") or "").strip() or None,
        })
    if not any(p["role"] == "debtor" and p["name"] for p in clean["parties"]):
        errors.setdefault("parties", "Cần ít nhất một người phải thi hành án.")

    obligations = raw.get("obligations") or []
    clean["obligations"] = []
    if not isinstance(obligations, list):
        errors["obligations"] = "Danh sách nghĩa vụ không hợp lệ."
        obligations = []
    for i, o in enumerate(obligations):
        if not isinstance(o, dict):
            errors[f"obligations.{i}"] = "Nghĩa vụ không hợp lệ."
            continue
        desc = str(o.get("description") or "").strip()
        if not desc:
            errors[f"obligations.{i}.description"] = "Cần mô tả nghĩa vụ."
        amount = o.get("amount")
        if amount in (None, ""):
            amount = None  # a non-money obligation (giao nhà, trả vật…)
        else:
            try:
                amount = parse_money(amount)
            except ValueProblem as exc:
                errors[f"obligations.{i}.amount"] = str(exc)
        rank = o.get("rank", 3)
        if rank not in (1, 2, 3) and str(rank) not in ("1", "2", "3"):
            errors[f"obligations.{i}.rank"] = "Thứ tự thanh toán phải là 1, 2 hoặc 3 (Điều 47)."
            rank = 3
        clean["obligations"].append({"description": desc, "amount": amount, "rank": int(rank)})
    if not clean["obligations"]:
        errors.setdefault("obligations", "Cần ít nhất một nghĩa vụ thi hành án.")
    return clean, errors


def register_case(actor: User, raw: dict, *, today: date | None = None,
                  submission_key: str | None = None) -> Case:
    """Register a case from validated input; writes the case, its first event and deadlines.

    ``submission_key`` makes a repeated submit (double click, network retry) harmless: the
    second one raises ``DuplicateSubmission`` naming the case the first one created.
    """
    from thads.services import deadlines as deadline_service

    if not actor.has_role(*REGISTER_ROLES):
        raise Forbidden("Bạn không có quyền thụ lý việc thi hành án.")
    if submission_key is not None:
        if not isinstance(submission_key, str) or not 8 <= len(submission_key) <= 64:
            raise InvalidInput("Khóa chống gửi trùng không hợp lệ.", fields={"submission_key": "8–64 ký tự."})
        _raise_if_submitted(submission_key)
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
        submission_key=submission_key,
    )
    case.parties = [Party(**p) for p in clean["parties"]]
    case.obligations = [Obligation(**o) for o in clean["obligations"]]
    refresh_money(case)
    db.session.add(case)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        # Lost a race with the same submission (two clicks in flight at once).
        if submission_key is None:
            raise
        db.session.expunge(case)
        _raise_if_submitted(submission_key)
        raise
    case.search_text = build_search_text(case)
    event = audit.append_event(
        case, actor, "registered", received_on, to_state=case.state,
        inputs={"kind": case.kind, "number": case.display_number, "amount_total": case.amount_total,
                "interim": case.interim},
        legal_basis=None, amount_delta=case.amount_total,
    )
    from thads.services.lifecycle import context_for

    deadline_service.open_initial(case, event, context_for(case, received_on))
    return case


def _raise_if_submitted(key: str) -> None:
    existing = db.session.scalars(select(Case).where(Case.submission_key == key)).first()
    if existing is not None:
        raise DuplicateSubmission(
            f"Hồ sơ này đã được thụ lý (việc số {existing.display_number}); lần gửi lặp lại không tạo hồ sơ mới.",
            case_id=existing.id,
        )


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
