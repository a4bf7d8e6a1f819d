"""Remedies against a refusal (救济途径) and the legal basis a refusal cites, as data.

行政复议 within 60 days of knowing of the decision (行政复议法 2023 第二十条; the review body is
as a rule the people's government at the same level as the deciding department, 第二十四条),
行政诉讼 within six months (行政诉讼法 第四十六条); some matters offer a 复核 at the deciding body
first. A catalogue may set other periods where a special law does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clerk_app.i18n import _

LICENCE_KIND = "行政许可"
LICENCE_REFUSAL_BASIS = "《中华人民共和国行政许可法》第三十二条"
DEFAULT_COURT = "有管辖权的人民法院"


@dataclass(frozen=True)
class Remedy:
    """Where and within what time the applicant may challenge a decision of the matter."""

    review_body: str  # 行政复议机关
    court: str = DEFAULT_COURT  # 人民法院
    review_days: int = 60
    litigation_months: int = 6
    recheck_body: str = ""  # 复核 at the deciding body, optional

    def problems(self) -> list[str]:
        """What is wrong with the data, in Chinese (empty when fine)."""
        out = []
        if not 1 <= self.review_days <= 365:
            out.append(_("申请行政复议的期限应在 1–365 日之间"))
        if not 1 <= self.litigation_months <= 24:
            out.append(_("提起行政诉讼的期限应在 1–24 个月之间"))
        return out


def refusal_basis(kind: str, legal_basis: Sequence[str]) -> str:
    """The legal basis a 不予受理 cites by default for a matter of `kind`.

    行政许可法 第三十二条 governs licences only; other matters (公共服务, 行政给付, 行政确认, …)
    cite the first 设定依据 of their service guide, reduced to the law and article.
    """
    if kind == LICENCE_KIND:
        return LICENCE_REFUSAL_BASIS
    for basis in legal_basis:
        text = basis.strip()
        if text:
            return _short_citation(text)
    return ""


def _short_citation(text: str) -> str:
    """「《某法》第十条：……」 -> 「《某法》第十条」: the citation without the quoted article text."""
    for mark in ("：", ":"):
        head, sep, _rest = text.partition(mark)
        if sep and "》" in head:
            return head.strip()
    return text
