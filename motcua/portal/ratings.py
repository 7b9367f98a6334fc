"""The applicant's rating of a dossier: what is asked and how it is checked.

Decree 118/2025 Art. 33(1) lists what citizens evaluate, letters (a)–(i). The scale
is not in the decree; the three levels very satisfied / satisfied / not satisfied
are what the national portal and the provinces use (legal-rules §9.1). Criterion (g)
— answers to feedback and complaints — applies only to those who sent one, so it may
be left out; (i) "other" is the free comment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier
from motcua.portal.models import Rating, RatingScore, Satisfaction
from motcua.reports.facts import refresh as refresh_facts

MAX_COMMENT = 2000


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str | Promise
    optional: bool = False


CRITERIA = (
    Criterion("a", gettext_lazy("Thời gian trả kết quả so với quy định")),
    Criterion("b", gettext_lazy("Số cơ quan, đơn vị bạn phải liên hệ")),
    Criterion("c", gettext_lazy("Số lần phải liên hệ để hoàn thiện hồ sơ")),
    Criterion("d", gettext_lazy("Thông tin thủ tục được công khai đầy đủ, chính xác, kịp thời")),
    Criterion("e", gettext_lazy("Thái độ của cán bộ, công chức")),
    Criterion("f", gettext_lazy("Kết quả và chi phí đúng quy định, không phát sinh thêm")),
    Criterion(
        "g",
        gettext_lazy("Giải thích, trả lời phản ánh, kiến nghị (nếu bạn đã gửi)"),
        optional=True,
    ),
    Criterion("h", gettext_lazy("Tiến độ và chất lượng dịch vụ công trực tuyến")),
)


class RatingError(ValueError):
    """A rating that cannot be saved; the message is for the applicant."""


def save_rating(
    dossier: Dossier,
    *,
    by: User,
    overall: str,
    scores: dict[str, str],
    comment: str,
    at: dt.datetime,
) -> Rating:
    """Save the applicant's one rating of ``dossier`` (the caller holds a transaction;
    a second rating breaks the one-to-one and raises IntegrityError)."""
    if dossier.citizen_id != by.pk:
        raise RatingError(_("Chỉ người nộp hồ sơ mới đánh giá được."))
    levels = set(Satisfaction.values)
    if overall not in levels:
        raise RatingError(_("Chọn mức đánh giá chung."))
    missing = [c for c in CRITERIA if not c.optional and scores.get(c.code) not in levels]
    if missing:
        raise RatingError(
            _("Chọn mức đánh giá cho tiêu chí: %(list)s.")
            % {"list": "; ".join(str(c.label) for c in missing)}
        )
    rating = Rating.objects.create(
        dossier=dossier, rated_by=by, rated_at=at, overall=overall, comment=comment[:MAX_COMMENT]
    )
    RatingScore.objects.bulk_create(
        RatingScore(rating=rating, criterion=c.code, level=scores[c.code])
        for c in CRITERIA
        if scores.get(c.code) in levels
    )
    refresh_facts(dossier)  # the statistics count the rating (766 component 5.4)
    return rating
