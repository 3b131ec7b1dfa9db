"""Correcting a case after intake: add, edit or remove a party; add or edit an obligation.

Each change is one ``edited`` event on the case's hash chain, with what the row was before and
after. A change of the amount to enforce carries the difference as ``amount_delta``, so the
money totals on the case row stay equal to a replay of its events (``flask audit verify``,
``thads.services.audit.MONEY_COLUMNS``) and the statistics read the corrected amount.

The same rules as at registration hold after every change (a debtor; a creditor for a case on
request), and no change may leave less to enforce than was already collected or reduced.
"""
from __future__ import annotations

from datetime import date

from pydantic import ValidationError

from thads.extensions import db
from thads.models import Case, Obligation, Party, Payment, User
from thads.models.cases import FINAL_STATES
from thads.services import audit, clock
from thads.services.cases import build_search_text, party_problems, refresh_money
from thads.services.errors import Forbidden, InvalidInput, InvalidTransition
from thads.services.lifecycle import check_version, conflict_on_stale
from thads.services.permissions import roles_for
from thads.services.scope import get_case
from thads.services.values import MAX_MONEY

EDIT_ROLES = roles_for("edit_case")
PARTY_FIELDS = ("role", "kind", "name", "id_number", "address")
OBLIGATION_FIELDS = ("description", "amount", "rank")


def _load(actor: User, case_id: int, version) -> Case:
    if not actor.has_role(*EDIT_ROLES):
        raise Forbidden("Bạn không có quyền sửa đương sự, nghĩa vụ của hồ sơ.")
    case = get_case(actor, case_id, for_update=True)
    check_version(case, version)
    if case.state in FINAL_STATES:
        raise InvalidTransition("Việc đã kết thúc; không sửa đương sự, nghĩa vụ được nữa.", reason="closed")
    return case


def _clean(schema, raw: dict) -> dict:
    """``raw`` through the registration's own schema (same limits, same messages)."""
    from thads.schemas.errors import field_errors

    if not isinstance(raw, dict):
        raise InvalidInput("Dữ liệu phải là một đối tượng JSON.", fields={"_": "Phải là đối tượng."})
    try:
        return schema.model_validate(raw).model_dump()
    except ValidationError as exc:
        fields = field_errors(exc, {})
        raise InvalidInput("Thông tin chưa hợp lệ.", fields=fields) from None


def _check_parties(case: Case) -> None:
    problems = party_problems(case.kind, [p.role for p in case.parties])
    if problems:
        raise InvalidInput(" ".join(problems), fields={"role": " ".join(problems)})


def _on(case: Case, today: date | None) -> date:
    # A correction is dated today; it never precedes the case's latest step.
    return max(today or clock.today(), case.last_event_on)


def _party_json(p: Party) -> dict:
    return {name: getattr(p, name) for name in PARTY_FIELDS}


def _obligation_json(o: Obligation) -> dict:
    return {name: getattr(o, name) for name in OBLIGATION_FIELDS}


def _event(case: Case, actor: User, trigger: str, on: date, inputs: dict, amount_delta: int = 0) -> None:
    audit.append_event(case, actor, "edited", on, trigger=trigger, from_state=case.state, to_state=case.state,
                       inputs=inputs, amount_delta=amount_delta)


@conflict_on_stale
def add_party(actor: User, case_id: int, raw: dict, *, version=None, today: date | None = None) -> Party:
    from thads.schemas.cases import PartyIn

    case = _load(actor, case_id, version)
    clean = _clean(PartyIn, raw)
    party = Party(**clean)
    case.parties.append(party)
    db.session.flush()
    case.search_text = build_search_text(case)
    _event(case, actor, "party_added", _on(case, today), {"party_id": party.id, "after": _party_json(party)})
    db.session.flush()
    return party


@conflict_on_stale
def edit_party(actor: User, case_id: int, party_id: int, raw: dict, *, version=None,
               today: date | None = None) -> Party:
    from thads.schemas.cases import PartyIn

    case = _load(actor, case_id, version)
    party = _party(case, party_id)
    clean = _clean(PartyIn, raw)
    before = _party_json(party)
    if clean == before:
        raise InvalidInput("Không có thay đổi nào.", fields={"_": "Không có thay đổi nào."})
    if party.role == "creditor" and clean["role"] != "creditor" and _is_payee(party):
        msg = "Người này đã nhận tiền chi trả của việc; vai trò người được thi hành án không đổi được."
        raise InvalidInput(msg, fields={"role": msg})
    for name, value in clean.items():
        setattr(party, name, value)
    _check_parties(case)
    case.search_text = build_search_text(case)
    _event(case, actor, "party_edited", _on(case, today),
           {"party_id": party.id, "before": before, "after": _party_json(party)})
    db.session.flush()
    return party


@conflict_on_stale
def remove_party(actor: User, case_id: int, party_id: int, *, version=None, today: date | None = None) -> None:
    case = _load(actor, case_id, version)
    party = _party(case, party_id)
    if _is_payee(party):
        msg = "Người này đã nhận tiền chi trả của việc; không xóa được khỏi hồ sơ."
        raise InvalidInput(msg, fields={"party": msg})
    before = _party_json(party)
    case.parties.remove(party)
    _check_parties(case)
    db.session.flush()
    case.search_text = build_search_text(case)
    _event(case, actor, "party_removed", _on(case, today), {"party_id": party_id, "before": before})
    db.session.flush()


@conflict_on_stale
def add_obligation(actor: User, case_id: int, raw: dict, *, version=None, today: date | None = None) -> Obligation:
    from thads.schemas.cases import ObligationIn

    case = _load(actor, case_id, version)
    clean = _clean(ObligationIn, raw)
    old_total = case.amount_total
    obligation = Obligation(**clean)
    case.obligations.append(obligation)
    _money_after_change(case)
    db.session.flush()
    _event(case, actor, "obligation_added", _on(case, today),
           {"obligation_id": obligation.id, "after": _obligation_json(obligation)},
           amount_delta=case.amount_total - old_total)
    db.session.flush()
    return obligation


@conflict_on_stale
def edit_obligation(actor: User, case_id: int, obligation_id: int, raw: dict, *, version=None,
                    today: date | None = None) -> Obligation:
    from thads.schemas.cases import ObligationIn

    case = _load(actor, case_id, version)
    obligation = next((o for o in case.obligations if o.id == obligation_id), None)
    if obligation is None:
        raise InvalidInput("Không có nghĩa vụ này trong hồ sơ.", fields={"obligation": "Không hợp lệ."})
    clean = _clean(ObligationIn, raw)
    before = _obligation_json(obligation)
    if clean == before:
        raise InvalidInput("Không có thay đổi nào.", fields={"_": "Không có thay đổi nào."})
    old_total = case.amount_total
    for name, value in clean.items():
        setattr(obligation, name, value)
    if obligation.amount is not None:
        obligation.done = False  # "done" is the record of a non-money obligation only
    _money_after_change(case)
    _event(case, actor, "obligation_edited", _on(case, today),
           {"obligation_id": obligation.id, "before": before, "after": _obligation_json(obligation)},
           amount_delta=case.amount_total - old_total)
    db.session.flush()
    return obligation


def _money_after_change(case: Case) -> None:
    refresh_money(case)
    if case.amount_total > MAX_MONEY:
        msg = "Tổng số tiền phải thi hành quá lớn (tối đa 1.000.000.000.000.000 đồng)."
        raise InvalidInput(msg, fields={"amount": msg})
    floor = case.collected + case.reduced
    if case.amount_total < floor:
        msg = (f"Tổng số tiền phải thi hành không được nhỏ hơn số đã thu và đã miễn, giảm "
               f"({floor:,} đồng).").replace(",", ".")
        raise InvalidInput(msg, fields={"amount": msg})


def _party(case: Case, party_id: int) -> Party:
    party = next((p for p in case.parties if p.id == party_id), None)
    if party is None:
        raise InvalidInput("Không có đương sự này trong hồ sơ.", fields={"party": "Không hợp lệ."})
    return party


def _is_payee(party: Party) -> bool:
    return db.session.scalar(
        db.select(Payment.id).where(Payment.payee_party_id == party.id).limit(1)) is not None
