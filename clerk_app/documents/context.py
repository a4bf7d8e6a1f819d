"""Placeholder values of one notice copy: every field as cleaned, printable text."""

from __future__ import annotations

from datetime import date

from clerk_app.documents.notice_data import NoticeData, PersonLine
from clerk_app.documents.text import chinese_date, chinese_datetime, chinese_number, clean_text


def _person_id(person: PersonLine, mask_ids: bool) -> str:
    if mask_ids:
        return person.document_number_masked or _fallback_mask(person.document_number)
    return person.document_number


def _person_phone(person: PersonLine, mask_ids: bool) -> str:
    if mask_ids:
        return person.phone_masked or _fallback_mask(person.phone, keep_head=3, keep_tail=4)
    return person.phone


def _fallback_mask(value: str, keep_head: int = 6, keep_tail: int = 4) -> str:
    """Last line of defence when a service left the masked form empty: hide the middle."""
    if len(value) <= keep_head + keep_tail:
        return "*" * len(value)
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]


def _days(n: int) -> str:
    return f"{chinese_number(n)}日" if 0 < n < 100 else f"{n}日"


def _months(n: int) -> str:
    return f"{chinese_number(n)}个月" if 0 < n < 100 else f"{n}个月"


def notice_values(data: NoticeData, mask_ids: bool, date_style: str) -> dict[str, str]:
    """Values for the wording file's ``{placeholders}``; empty string where not applicable."""

    def day(value: date | None) -> str:
        return chinese_date(value, date_style) if value else ""

    centre = data.centre
    applicant = data.applicant
    agent = data.agent
    unit = data.legal_person
    remedies = data.remedies
    handover = data.handover
    contact = data.contact
    values = {
        "centre": centre.name,
        "centre_address": centre.address,
        "centre_phone": centre.phone,
        "centre_hours": centre.hours,
        "window": data.window_name,
        "window_place": (centre.address + (f"{data.window_name}窗口" if data.window_name else "")
                         ) or centre.name,
        "handling_body": data.handling_body,
        "application_no": data.application_no,
        "serial_no": data.serial_no,
        "matter": data.matter_name,
        # 「最低生活保障申请」 + 申请 would say 申请 twice
        "matter_request": data.matter_name if data.matter_name.endswith("申请")
        else data.matter_name + "申请",
        "matter_code": data.matter_code,
        "addressee": unit.unit_name if unit and unit.unit_name else applicant.name,
        "applicant_name": applicant.name,
        "applicant_id_label": applicant.document_label,
        "applicant_id": _person_id(applicant, mask_ids),
        "applicant_phone": _person_phone(applicant, mask_ids),
        "applicant_address": applicant.address,
        "person_name": "" if unit else applicant.name,  # a natural person applies
        "contact_name": contact.name if contact else "",
        "contact_id_label": contact.document_label if contact else "",
        "contact_id": _person_id(contact, mask_ids) if contact else "",
        "contact_phone": _person_phone(contact, mask_ids) if contact else "",
        "agent_name": agent.name if agent else "",
        "agent_id_label": agent.document_label if agent else "",
        "agent_id": _person_id(agent, mask_ids) if agent else "",
        "agent_phone": _person_phone(agent, mask_ids) if agent else "",
        "unit_name": unit.unit_name if unit else "",
        "uscc": unit.uscc if unit else "",
        "legal_representative": unit.representative if unit else "",
        "received_on": day(data.received_on),
        "accepted_on": day(data.accepted_on),
        "issued_on": day(data.issued_on),
        "due_date": day(data.due_date),
        "due_provisional": "1" if data.due_provisional and data.due_date else "",
        "promised_days": str(data.promised_days) if data.promised_days is not None else "",
        "promised_unit": "个自然日" if data.promised_natural else "个工作日",
        "correction_due": day(data.correction_due),
        "delivery": data.delivery_method,
        "result": data.result_description,
        "reason": data.refusal_reason,
        "basis": data.refusal_basis,
        "redirect_body": data.redirect_body,
        "review_body": remedies.review_body if remedies else "",
        "court": remedies.court if remedies else "",
        "review_period": _days(remedies.review_days) if remedies else "",
        "litigation_period": _months(remedies.litigation_months) if remedies else "",
        "recheck_body": remedies.recheck_body if remedies else "",
        "consult_phone": data.consult_phone or centre.phone,
        "complaint_phone": data.complaint_phone,
        "clerk": data.clerk_name,
        "handover_documents": "；".join(handover.documents) if handover else "",
        "handover_recipient": handover.recipient if handover else "",
        "handover_place": handover.place if handover else "",
        "handover_method": handover.method if handover else "",
        "handover_servers": handover.servers if handover else "",
        "handover_note": handover.note if handover else "",
        "reprint_at": chinese_datetime(data.reprint_at, date_style) if data.reprint_at else "",
    }
    return {key: clean_text(value) for key, value in values.items()}
