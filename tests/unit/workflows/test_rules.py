"""Deadline rules under both laws, chosen by the date of the starting event."""

from __future__ import annotations

from datetime import date

import pytest

from workflows.calendar import PeriodUnit, WorkingCalendar
from workflows.rules import (
    ALL_KINDS,
    CHANGEOVER,
    KIND_LABELS,
    LAW_2008,
    LAW_2025,
    RULES_2008,
    RULES_2025,
    UnknownRule,
    due_date,
    explain,
    explain_en,
    law_for,
    rule_for,
)

OLD_BASIS = date(2026, 5, 4)  # Monday, no holiday in the next weeks
NEW_BASIS = date(2026, 7, 6)  # Monday, first full week under the new law

# (kind, variant, due under the old law from 04/05/2026, due under the new law from 06/07/2026)
# Worked out by hand on a calendar; see the comments for the non-obvious ones.
EXPECTED = [
    ("decision", None, date(2026, 5, 11), date(2026, 7, 13)),  # 5 WD
    ("decision", "interim", date(2026, 5, 4), date(2026, 7, 6)),  # immediately
    ("decision", "bankruptcy", date(2026, 5, 7), date(2026, 7, 9)),  # 3 WD
    ("case_file", None, date(2026, 5, 6), date(2026, 7, 8)),  # 2 WD
    ("procuracy", None, date(2026, 5, 7), date(2026, 7, 9)),  # 3 WD
    ("notification", None, date(2026, 5, 7), date(2026, 7, 9)),  # 3 WD
    ("voluntary", None, date(2026, 5, 14), date(2026, 7, 16)),  # 10 d
    ("verification", None, date(2026, 5, 14), date(2026, 7, 15)),  # 10 d old, 9 d new
    ("verification", "interim", date(2026, 5, 4), date(2026, 7, 6)),
    ("reverification", None, date(2026, 11, 4), date(2027, 1, 6)),  # 6 months
    ("reverification", "yearly", date(2027, 5, 4), date(2027, 7, 6)),  # 12 months
    ("resume", None, date(2026, 5, 11), date(2026, 7, 13)),  # 5 WD
    ("payout", None, date(2026, 5, 14), date(2026, 7, 16)),  # 10 d
    ("confirmation", None, date(2026, 5, 11), date(2026, 7, 9)),  # 5 WD old, 3 WD new
    ("officer_change", None, date(2026, 5, 11), date(2026, 7, 9)),  # 5 WD old, 3 WD new
]


@pytest.mark.parametrize(("kind", "variant", "old_due", "new_due"), EXPECTED)
def test_every_rule_kind_has_the_expected_due_date_under_both_laws(
    cal: WorkingCalendar, kind: str, variant: str | None, old_due: date, new_due: date
) -> None:
    old = rule_for(kind, OLD_BASIS, variant)
    new = rule_for(kind, NEW_BASIS, variant)
    assert (old.law, new.law) == (LAW_2008, LAW_2025)
    assert due_date(old, OLD_BASIS, cal) == old_due
    assert due_date(new, NEW_BASIS, cal) == new_due


def test_expected_table_covers_every_kind() -> None:
    assert {k for k, *_ in EXPECTED} == set(ALL_KINDS)


def test_many_creditors_payout_is_45_days_under_the_new_law_only(cal: WorkingCalendar) -> None:
    rule = rule_for("payout", NEW_BASIS, "many_creditors")
    assert due_date(rule, NEW_BASIS, cal) == date(2026, 8, 20)
    with pytest.raises(UnknownRule):
        rule_for("payout", OLD_BASIS, "many_creditors")


def test_every_kind_exists_under_both_laws_with_a_label() -> None:
    for kind in ALL_KINDS:
        assert (kind, None) in RULES_2008
        assert (kind, None) in RULES_2025
        assert kind in KIND_LABELS


def test_law_changes_on_1_july_2026() -> None:
    assert law_for(date(2026, 6, 30)) == LAW_2008
    assert law_for(CHANGEOVER) == LAW_2025


def test_verification_after_changeover_uses_nine_days() -> None:
    assert rule_for("verification", date(2026, 6, 30)).amount == 10
    assert rule_for("verification", date(2026, 7, 1)).amount == 9


def test_confirmation_and_officer_change_shrink_to_three_working_days() -> None:
    for kind in ("confirmation", "officer_change"):
        assert rule_for(kind, date(2026, 6, 30)).amount == 5
        assert rule_for(kind, date(2026, 7, 1)).amount == 3
        assert rule_for(kind, date(2026, 7, 1)).unit is PeriodUnit.WORKING_DAYS


def test_unknown_kind_or_variant_raises_a_key_error() -> None:
    with pytest.raises(KeyError):
        rule_for("coffee_break", OLD_BASIS)
    with pytest.raises(UnknownRule):
        rule_for("voluntary", OLD_BASIS, "yearly")


def test_labels_read_naturally_in_both_languages() -> None:
    assert rule_for("voluntary", OLD_BASIS).label_vi == "10 ngày"
    assert rule_for("voluntary", OLD_BASIS).label_en == "10 days"
    assert rule_for("decision", OLD_BASIS).label_vi == "5 ngày làm việc"
    assert rule_for("decision", OLD_BASIS).label_en == "5 working days"
    assert rule_for("reverification", OLD_BASIS).label_vi == "6 tháng"
    assert rule_for("reverification", OLD_BASIS).label_en == "6 months"
    assert rule_for("decision", OLD_BASIS, "interim").label_vi == "ngay"


def test_explain_gives_the_vietnamese_sentence_with_the_legal_basis() -> None:
    rule = rule_for("verification", OLD_BASIS)
    assert explain(rule, OLD_BASIS, date(2026, 5, 14)) == (
        "đến hạn 14/05/2026 — 10 ngày kể từ 04/05/2026, ngày kết thúc thời hạn tự nguyện; "
        "Điều 44 Luật THADS 2008"
    )
    assert explain_en(rule, OLD_BASIS, date(2026, 5, 14)) == (
        "due 14/05/2026 — 10 days from 04/05/2026, the end of the voluntary period; "
        "Enforcement Law 2008, Art 44(1)"
    )


def test_explain_an_immediate_step() -> None:
    rule = rule_for("decision", NEW_BASIS, "interim")
    assert explain(rule, NEW_BASIS, NEW_BASIS).startswith("đến hạn 06/07/2026 — ngay trong ngày")


def test_every_rule_names_its_actor_and_legal_basis() -> None:
    for table in (RULES_2008, RULES_2025):
        for rule in table.values():
            # "parties": the parties' own windows of the measures (asking for re-valuation).
            assert rule.actor in {"head", "officer", "agency", "debtor", "parties"}
            assert rule.legal_basis and rule.legal_basis_en and rule.runs_from_vi
    assert "106/2025" in rule_for("verification", NEW_BASIS).legal_basis
