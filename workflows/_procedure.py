"""Shared building blocks of the two procedure definitions (2008 and 2025).

The procedure barely changes between Law 26/2008 and Law 106/2025: the same
steps, with different articles (and the new "send back the request" step,
added by ``law_2025``). Deadline *amounts* are not here; they live in
:mod:`workflows.rules` and are chosen by the date of the starting event.
"""

from __future__ import annotations

from workflows.definition import DeadlineOpen, InputSpec, State, Transition

#: States that a case can be postponed, suspended, terminated or entrusted from.
ACTIVE_STATES: tuple[str, ...] = ("decided", "notified", "enforcing", "not_enforceable")

STATES: tuple[State, ...] = (
    State("received", "Đã nhận bản án/đơn yêu cầu", "Received", stat_group="pending"),
    State("refused", "Từ chối nhận đơn yêu cầu", "Request refused", final=True,
          stat_group="refused"),
    State("decided", "Đã ra quyết định thi hành án", "Decision issued",
          on_resume_opens=(DeadlineOpen("notification", "event"),)),
    # On resumption into "notified" the verification period has lapsed in the
    # meantime, so a fresh one is counted from the day enforcement resumes.
    State("notified", "Đã thông báo, đang trong thời hạn tự nguyện / xác minh",
          "Notified (voluntary period / verification)",
          on_resume_opens=(DeadlineOpen("verification", "event", variant="interim",
                                        when="interim"),
                           DeadlineOpen("verification", "event", unless="interim"))),
    State("enforcing", "Có điều kiện thi hành", "Enforceable, in progress"),
    State("not_enforceable", "Chưa có điều kiện thi hành", "Not enforceable",
          stat_group="not_enforceable",
          on_resume_opens=(DeadlineOpen("reverification", "event"),)),
    State("postponed", "Hoãn thi hành án", "Postponed", stat_group="postponed"),
    State("suspended", "Tạm đình chỉ thi hành án", "Suspended", stat_group="suspended"),
    State("entrusted", "Đã ủy thác thi hành án", "Entrusted", final=True,
          stat_group="entrusted"),
    State("terminated", "Đình chỉ thi hành án", "Terminated", final=True,
          stat_group="terminated"),
    State("completed", "Thi hành xong", "Completed", final=True, stat_group="completed"),
)

# Termination grounds (Art 50(1) Law 2008; Art 48 Law 106/2025). The 2025
# list adds grounds; the common ones are listed, plus "other" with a note.
TERMINATION_GROUNDS: tuple[tuple[str, str, str], ...] = (
    ("debtor_died", ("Người phải thi hành án chết không để lại di sản hoặc nghĩa vụ không được "
     "chuyển giao cho người thừa kế"), "Debtor died leaving no estate / obligation not inherited"),
    ("creditor_died", ("Người được thi hành án chết mà quyền, lợi ích không được chuyển giao "
     "hoặc không có người thừa kế"), "Creditor died and the right is not inherited"),
    ("creditor_withdrew", ("Đương sự thỏa thuận hoặc người được thi hành án yêu cầu đình chỉ "
     "thi hành án"), "Parties agreed / creditor asked to stop enforcement"),
    ("judgment_annulled", "Bản án, quyết định bị hủy", "Judgment or decision annulled"),
    ("organisation_dissolved", ("Người phải thi hành án là tổ chức đã giải thể, không còn tài "
     "sản và nghĩa vụ không được chuyển giao"), "Debtor organisation dissolved, no assets"),
    ("exempted", "Có quyết định miễn nghĩa vụ thi hành án", "Obligation waived by decision"),
    ("bankruptcy_opened", ("Tòa án ra quyết định mở thủ tục phá sản đối với người phải thi hành "
     "án"), "Bankruptcy proceedings opened against the debtor"),
    ("minor_grown_or_died", ("Người chưa thành niên được giao nuôi dưỡng đã chết hoặc đã thành "
     "niên"), "The minor to be raised has died or come of age"),
    ("other", "Căn cứ khác theo quy định của pháp luật", "Other ground provided by law"),
)

VERIFY_OUTCOMES: tuple[tuple[str, str, str], ...] = (
    ("enforceable", "Có điều kiện thi hành", "Enforceable"),
    ("not_enforceable", "Chưa có điều kiện thi hành", "Not enforceable"),
)


def build_transitions(basis: dict[str, tuple[str, str]],
                      agreement: tuple[str, str]) -> tuple[Transition, ...]:
    """The common transitions; ``basis[trigger]`` = (legal basis vi, legal basis en);
    ``agreement`` = (vi, en) citation of postponement at the parties' agreement in this law (a
    form's labels cite the law of the step's date, never the other one)."""

    def t(trigger: str, **kw: object) -> Transition:
        vi, en = basis[trigger]
        return Transition(trigger=trigger, legal_basis=vi, legal_basis_en=en, **kw)  # type: ignore[arg-type]

    ground_inputs = (
        InputSpec("ground", "text", label_vi="Căn cứ", label_en="Ground"),
        InputSpec("ground_ends_on", "date", required=False,
                  label_vi="Ngày căn cứ dự kiến chấm dứt", label_en="Ground expected to end on"),
    )
    return (
        t("decide", sources=("received",), dest="decided", role="head",
          label_vi="Ra quyết định thi hành án", label_en="Issue the enforcement decision",
          # 64: the length of enforcement_case.decision_number.
          inputs=(InputSpec("decision_number", "str", label_vi="Số quyết định",
                            label_en="Decision number", max_length=64),
                  InputSpec("officer", "officer", label_vi="Chấp hành viên được phân công",
                            label_en="Assigned officer")),
          closes=("decision",),
          # The case file runs from assignment, which happens with the decision.
          opens=(DeadlineOpen("case_file", "event"), DeadlineOpen("procuracy", "event"),
                 DeadlineOpen("notification", "event"))),
        t("refuse", sources=("received",), dest="refused", role="head",
          label_vi="Từ chối yêu cầu", label_en="Refuse the request",
          inputs=(InputSpec("reason", "text", label_vi="Lý do từ chối", label_en="Reason"),),
          guards=("on_request",), closes=("decision",)),
        t("notify", sources=("decided",), dest="notified", role="officer",
          label_vi="Thông báo thi hành án", label_en="Notify the parties",
          closes=("notification",),
          opens=(DeadlineOpen("voluntary", "event", unless="interim"),
                 DeadlineOpen("verification", "due:voluntary", unless="interim"),
                 # Interim measures: no voluntary period, verify at once.
                 DeadlineOpen("verification", "event", variant="interim", when="interim"))),
        t("verify", sources=("notified", "not_enforceable"), dest="enforcing", role="officer",
          label_vi="Xác minh điều kiện thi hành án", label_en="Verify the debtor's means",
          inputs=(InputSpec("outcome", "choice", choices=VERIFY_OUTCOMES,
                            label_vi="Kết quả xác minh", label_en="Outcome"),
                  InputSpec("yearly", "bool", required=False,
                            label_vi="Người phải thi hành án đang chấp hành án phạt tù từ 2 năm "
                                     "trở lên hoặc không xác định được địa chỉ",
                            label_en="Debtor imprisoned ≥ 2 years or address unknown")),
          role_if=(("outcome", "not_enforceable", "head"),),
          dest_from_input=(("outcome", "enforceable", "enforcing"),
                           ("outcome", "not_enforceable", "not_enforceable")),
          closes=("verification", "reverification", "voluntary"),
          opens=(DeadlineOpen("reverification", "event", variant_from="yearly",
                              when="input:outcome=not_enforceable"),)),
        t("complete", sources=("enforcing",), dest="completed", role="head",
          label_vi="Xác nhận kết quả / kết thúc", label_en="Confirm the result / close",
          guards=("all_collected",), closes=("payout", "confirmation"), cancels_open=True),
        t("postpone", sources=ACTIVE_STATES, dest="postponed", role="head",
          label_vi="Hoãn thi hành án", label_en="Postpone enforcement",
          # Whether the parties agreed (Art 48(1)(c)) decides where statistics count the case.
          inputs=(*ground_inputs, InputSpec(
              "by_agreement", "bool", required=False,
              label_vi=f"Hoãn theo thỏa thuận của đương sự ({agreement[0]})",
              label_en=f"Postponed at the parties' agreement ({agreement[1]})")),
          cancels_open=True,
          opens=(DeadlineOpen("resume", "input:ground_ends_on"),)),
        t("suspend", sources=ACTIVE_STATES, dest="suspended", role="head",
          label_vi="Tạm đình chỉ thi hành án", label_en="Suspend enforcement",
          inputs=ground_inputs, cancels_open=True,
          opens=(DeadlineOpen("resume", "input:ground_ends_on"),)),
        t("resume", sources=("postponed", "suspended"), dest=None, role="head",
          label_vi="Tiếp tục thi hành án", label_en="Resume enforcement",
          closes=("resume",)),
        t("terminate", sources=(*ACTIVE_STATES, "postponed", "suspended"), dest="terminated",
          role="head", label_vi="Đình chỉ thi hành án", label_en="Terminate enforcement",
          inputs=(InputSpec("ground", "choice", choices=TERMINATION_GROUNDS,
                            label_vi="Căn cứ đình chỉ", label_en="Ground"),
                  InputSpec("note", "text", required=False, label_vi="Ghi chú",
                            label_en="Note")),
          cancels_open=True),
        t("entrust", sources=ACTIVE_STATES, dest="entrusted", role="head",
          label_vi="Ủy thác thi hành án", label_en="Entrust to another agency",
          inputs=(InputSpec("agency", "str", label_vi="Cơ quan nhận ủy thác",
                            label_en="Receiving agency"),),
          cancels_open=True),
    )
