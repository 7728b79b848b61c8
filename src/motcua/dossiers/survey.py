"""The satisfaction survey an applicant answers once the result is delivered (vietnam.md §3.6).

Nine criteria of the one-stop assessment set (Decree 61/2018/NĐ-CP), each scored 2, 1 or 0
points, then two overall questions (ease of use, overall satisfaction) answered "very
satisfied", "satisfied" or "not satisfied". Pure data: the service (`services.answer_survey`)
validates against it, the form (`forms.SurveyForm`) renders it.

The English texts are the msgids; the Vietnamese wording of the criteria, as provincial portals
publish it, is in `CRITERIA_VI` / `OVERALL_VI` for the Vietnamese catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

# Answers can be changed during this many days after the first one, then they are read-only.
EDIT_DAYS = 7
COMMENT_MAX_LENGTH = 2000


@dataclass(frozen=True)
class Criterion:
    number: int
    question: str
    # (points, answer), best first
    answers: tuple[tuple[int, str], ...]

    @property
    def key(self) -> str:
        return str(self.number)


CRITERIA: tuple[Criterion, ...] = (
    Criterion(1, _("Total time to settle your dossier, compared with the time set by law"), (
        (2, _("Shorter than the time set by law")),
        (1, _("Equal to the time set by law")),
        (0, _("Longer than the time set by law")),
    )),
    Criterion(2, _("Time taken by each agency involved, compared with the time it was allowed"), (
        (2, _("Shorter for every agency")),
        (1, _("Equal to the time allowed")),
        (0, _("Longer for at least one agency")),
    )),
    Criterion(3, _("Number of times you had to contact the receiving desk to complete the dossier"), (
        (2, _("None")),
        (1, _("Once")),
        (0, _("More than once (not because of a mistake of mine)")),
    )),
    Criterion(4, _("Number of agencies you had to contact to complete the dossier"), (
        (2, _("None")),
        (1, _("Only the one-stop desk")),
        (0, _("Other agencies too")),
    )),
    Criterion(5, _("Where your dossier was received, examined and approved"), (
        (2, _("Everything was done at the one-stop desk")),
        (1, _("The dossier was received and the result returned at the one-stop desk")),
        (0, _("I had to go to other offices")),
    )),
    Criterion(6, _("How the procedure was made public"), (
        (2, _("Posted at the desk and published online")),
        (1, _("Only one of the two")),
        (0, _("Neither")),
    )),
    Criterion(7, _("Conduct of the staff"), (
        (2, _("Result given early, and nothing to complain about")),
        (1, _("Result given on time, and nothing to complain about")),
        (0, _("I had a justified complaint about the staff")),
    )),
    Criterion(8, _("How your feedback and complaints were handled"), (
        (2, _("All were answered on time")),
        (1, _("Most were answered on time")),
        (0, _("They were not answered on time")),
    )),
    Criterion(9, _("Online public services of the agency"), (
        (2, _("I could do everything online")),
        (1, _("I could do part of it online")),
        (0, _("I could not use them")),
    )),
)
BY_KEY = {c.key: c for c in CRITERIA}


class Satisfaction(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")


EASE_QUESTION = _("How easy was it to use the service (ease of use, response time of the online service)?")
OVERALL_QUESTION = _("Overall, how satisfied are you with the service?")

# Vietnamese wording for the translators (vi catalogue). Criteria titles as the provincial
# portals list them (e.g. Thừa Thiên Huế's satisfaction page, Decree 61/2018 assessment set);
# the answers are our own plain wording of the 2/1/0 scale of vietnam.md §3.6 and should be
# checked against the agency's official form before going live.
CRITERIA_VI: dict[int, dict] = {
    1: {"question": "Tổng thời gian giải quyết thủ tục hành chính so với thời gian cho phép theo quy định của pháp luật",
        "answers": {2: "Ít hơn thời gian quy định", 1: "Bằng thời gian quy định", 0: "Nhiều hơn thời gian quy định"}},
    2: {"question": "Thời gian thực hiện giải quyết của từng cơ quan, đơn vị so với quy định",
        "answers": {2: "Tất cả đều ít hơn thời gian quy định", 1: "Bằng thời gian quy định",
                    0: "Có cơ quan, đơn vị chậm hơn thời gian quy định"}},
    3: {"question": "Số lần phải liên hệ với nơi tiếp nhận hồ sơ để hoàn thiện hồ sơ thủ tục hành chính",
        "answers": {2: "Không phải liên hệ lần nào", 1: "Một lần", 0: "Nhiều hơn một lần (không do lỗi của tôi)"}},
    4: {"question": "Số lượng cơ quan, đơn vị, tổ chức phải liên hệ để hoàn thiện hồ sơ thủ tục hành chính",
        "answers": {2: "Không phải liên hệ", 1: "Chỉ Bộ phận Một cửa", 0: "Cả các cơ quan khác"}},
    5: {"question": "Thực hiện tổ chức tiếp nhận hồ sơ, giải quyết, trả kết quả tại Bộ phận Một cửa",
        "answers": {2: "Tất cả được thực hiện tại Bộ phận Một cửa",
                    1: "Tiếp nhận và trả kết quả tại Bộ phận Một cửa", 0: "Tôi phải đến các nơi khác"}},
    6: {"question": "Mức độ công khai các thủ tục hành chính",
        "answers": {2: "Niêm yết tại nơi tiếp nhận và công khai trên mạng", 1: "Chỉ một trong hai hình thức", 0: "Không công khai"}},
    7: {"question": "Thái độ của cán bộ, công chức, viên chức khi hướng dẫn, xử lý hồ sơ",
        "answers": {2: "Trả kết quả sớm, không có phản ánh", 1: "Trả kết quả đúng hạn, không có phản ánh",
                    0: "Tôi có phản ánh đúng về cán bộ"}},
    8: {"question": "Tiếp thu, giải trình đối với các ý kiến phản ánh, kiến nghị của tổ chức, cá nhân",
        "answers": {2: "Tất cả được trả lời đúng hạn", 1: "Phần lớn được trả lời đúng hạn", 0: "Không được trả lời đúng hạn"}},
    9: {"question": "Tiến độ và chất lượng cung cấp dịch vụ công trực tuyến của cơ quan có thẩm quyền",
        "answers": {2: "Tôi thực hiện được toàn bộ trực tuyến", 1: "Tôi thực hiện được một phần trực tuyến",
                    0: "Tôi không sử dụng được"}},
}
OVERALL_VI = {
    "ease": "Mức độ thuận tiện khi sử dụng dịch vụ (dịch vụ dễ sử dụng, thời gian đáp ứng của dịch vụ khi giao tiếp, xử lý dữ liệu)",
    "overall": "Đánh giá tổng thể dịch vụ",
    Satisfaction.VERY_SATISFIED: "Rất hài lòng",
    Satisfaction.SATISFIED: "Hài lòng",
    Satisfaction.NOT_SATISFIED: "Không hài lòng",
}


def clean_scores(raw) -> tuple[dict[str, int], dict[str, list[str]]]:
    """The nine scores as {"1": 2, …} and the errors by criterion key ("criterion_<n>")."""
    scores: dict[str, int] = {}
    errors: dict[str, list[str]] = {}
    raw = raw if isinstance(raw, dict) else {}
    for criterion in CRITERIA:
        value = raw.get(criterion.key, raw.get(criterion.number))
        try:
            points = int(value)
        except (TypeError, ValueError):
            points = None
        if points not in {p for p, _answer in criterion.answers}:
            errors[f"criterion_{criterion.number}"] = [str(_("Choose an answer to this question."))]
        else:
            scores[criterion.key] = points
    return scores, errors
