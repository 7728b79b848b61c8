"""Five real Vietnamese procedures for the demo, built with the builder's services (the same
calls an administrator's clicks make) and published.

Legal facts used in the forms:
- Marriage: the man must be at least 20, the woman at least 18 (Law on Marriage and Family
  52/2014/QH13, art. 8(1)(a)).
- Birth registration: within 60 days of the birth (Law on Civil Status 60/2014/QH13, art. 15);
  a fee exemption applies to registration on time (Law on Civil Status, art. 11).
- Criminal record certificate: form no. 1 or no. 2 (Law on Judicial Records 28/2009/QH12, art. 41).
- Household business: the owner is an adult with full legal capacity (Civil Code 2015, art. 20).
National procedure codes are given only where we are sure of them; the others are left empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from motcua.instruction import groups as group_services
from motcua.procedures import selectors as procedure_selectors
from motcua.procedures import services as procedure_services
from motcua.procedures.models import LifeEvent, Procedure, Sector

LIFE_EVENTS = [
    ("birth", "Sinh con", "Having a baby", "Naissance d'un enfant"),
    ("marriage", "Kết hôn", "Getting married", "Mariage"),
    ("work", "Đi làm, xin việc", "Looking for work", "Recherche d'emploi"),
    ("business", "Mở hộ kinh doanh", "Starting a business", "Création d'entreprise"),
    ("housing", "Xây, sửa nhà ở", "Building a house", "Construire un logement"),
]
SECTORS = [
    ("HT", "Hộ tịch", "Civil status", "État civil"),
    ("LLTP", "Lý lịch tư pháp", "Judicial records", "Casier judiciaire"),
    ("DKKD", "Thành lập và hoạt động của hộ kinh doanh", "Household businesses", "Entreprises individuelles"),
    ("XD", "Hoạt động xây dựng", "Construction", "Construction"),
]


def c(value, label_vi, label_en="", label_fr=""):
    return {"value": value, "label_vi": label_vi, "label_en": label_en, "label_fr": label_fr}


def var(stable_id):
    return {"var": stable_id}


def const(value):
    return {"const": value}


def op(name, *args, **extra):
    return {"op": name, "args": list(args), **extra}


def age_in_years(stable_id):
    return op("date_diff", var(stable_id), op("today"), unit="years")


@dataclass
class F:
    """One field: stable id, type, Vietnamese label, attributes, children of a block."""

    stable_id: str
    type: str
    label_vi: str
    attrs: dict = field(default_factory=dict)
    children: list[F] = field(default_factory=list)


PERSON_GENDER = [c("nam", "Nam", "Male", "Homme"), c("nu", "Nữ", "Female", "Femme")]
DECLARATION = F("declaration", "signature_ack", "Cam đoan", {"required": True, "label_en": "Declaration", "label_fr": "Déclaration"})


def _person(prefix: str, who_vi: str, who_en: str, *, required=True) -> list[F]:
    return [
        F(f"{prefix}_name", "short_text", f"Họ, chữ đệm, tên {who_vi}".strip(), {"required": required, "label_en": f"Full name of {who_en}", "options": {"max_length": 100}}),
        F(f"{prefix}_birth_date", "date", f"Ngày, tháng, năm sinh {who_vi}".strip(), {"required": required, "label_en": f"Date of birth of {who_en}", "options": {"past_only": True}}),
        F(f"{prefix}_personal_id", "personal_id", f"Số định danh cá nhân {who_vi}".strip(), {"required": required, "label_en": f"Personal ID number of {who_en}"}),
        F(f"{prefix}_residence", "address", f"Nơi cư trú {who_vi}".strip(), {"required": required, "label_en": f"Residence of {who_en}"}),
    ]


@dataclass
class P:
    agency_code: str
    national_code: str
    sector: str
    life_events: list[str]
    name: tuple[str, str, str]
    summary_vi: str
    deadline: tuple[int, str]
    level: str
    result_vi: str
    legal_basis: str
    fees: list[dict]
    documents: list[dict]
    fields: list[F]
    ineligibility: list[dict] = field(default_factory=list)
    # Routing rules ({"group": key}) and the instructor groups: (key, name), the first is the default.
    routing: list[dict] = field(default_factory=list)
    groups: list[tuple[str, str]] = field(default_factory=list)
    channels: list[str] = field(default_factory=lambda: ["online", "counter", "post"])
    applicant_kinds: list[str] = field(default_factory=lambda: ["citizen"])


def procedures(province: str) -> list[P]:
    commune = f"{province}.61"  # Phường Điện Biên Phủ (see demo/services.py)
    return [
        P(
            agency_code=commune, national_code="1.001193", sector="HT", life_events=["birth"],
            name=("Đăng ký khai sinh", "Birth registration", "Déclaration de naissance"),
            summary_vi="Đăng ký khai sinh cho trẻ em sinh ra tại Việt Nam, trong thời hạn 60 ngày kể từ ngày sinh.",
            deadline=(1, "working_days"), level="full_online", result_vi="Giấy khai sinh (bản chính và bản điện tử)",
            legal_basis="Luật Hộ tịch số 60/2014/QH13; Nghị định số 123/2015/NĐ-CP; Thông tư số 04/2020/TT-BTP.",
            fees=[{"name_vi": "Lệ phí đăng ký khai sinh (miễn khi đăng ký đúng hạn)", "amount_vnd": 0, "payer": "none",
                   "exemptions": "Miễn lệ phí khi đăng ký khai sinh đúng hạn (Luật Hộ tịch, Điều 11)."}],
            documents=[{"name_vi": "Giấy chứng sinh hoặc văn bản của người làm chứng", "originals": 1, "copies": 0},
                       {"name_vi": "Văn bản ủy quyền (khi ủy quyền đăng ký)", "originals": 1, "copies": 0}],
            fields=[
                F("s_requester", "section_header", "Người đi đăng ký", {"label_en": "Person registering", "options": {"level": 1}}),
                F("relationship", "single_choice", "Quan hệ với trẻ", {"required": True, "label_en": "Relationship to the child", "options": {"choices": [
                    c("cha", "Cha", "Father", "Père"), c("me", "Mẹ", "Mother", "Mère"), c("ong_ba", "Ông, bà", "Grandparent", "Grand-parent"),
                    c("khac", "Người khác được ủy quyền", "Another authorised person", "Autre personne mandatée")]}}),
                F("mandate", "file", "Văn bản ủy quyền", {"required": True, "condition": op("eq", var("relationship"), const("khac")),
                                                          "options": {"families": ["pdf", "image"], "max_size_mb": 10}}),
                F("s_child", "section_header", "Thông tin của trẻ", {"label_en": "The child", "options": {"level": 1}}),
                F("child_name", "short_text", "Họ, chữ đệm, tên của trẻ", {"required": True, "label_en": "Child's full name", "options": {"max_length": 100}}),
                F("child_birth_date", "date", "Ngày, tháng, năm sinh", {"required": True, "label_en": "Date of birth", "options": {"past_only": True}}),
                F("child_gender", "single_choice", "Giới tính", {"required": True, "label_en": "Sex", "options": {"choices": PERSON_GENDER}}),
                F("birth_place", "address", "Nơi sinh", {"required": True, "label_en": "Place of birth", "help_vi": "Tên cơ sở y tế hoặc địa chỉ nơi sinh."}),
                F("days_since_birth", "calculated", "Số ngày kể từ ngày sinh", {"label_en": "Days since the birth", "options": {
                    "formula": op("date_diff", var("child_birth_date"), op("today"), unit="days"), "result_type": "number", "unit": "ngày"}}),
                F("late_notice", "explanation", "Đăng ký khai sinh quá hạn", {"condition": op("gt", var("days_since_birth"), const(60)), "options": {
                    "body_vi": "Đã quá 60 ngày kể từ ngày sinh: hồ sơ được giải quyết theo thủ tục đăng ký khai sinh quá hạn và có thể phải nộp lệ phí."}}),
                F("birth_certificate", "file", "Giấy chứng sinh", {"required": True, "label_en": "Medical birth certificate",
                                                                  "options": {"families": ["pdf", "image"], "max_size_mb": 10}}),
                F("s_mother", "section_header", "Thông tin người mẹ", {"label_en": "The mother", "options": {"level": 1}}),
                *_person("mother", "của mẹ", "the mother"),
                F("s_father", "section_header", "Thông tin người cha", {"label_en": "The father", "options": {"level": 1}}),
                F("father_known", "yes_no", "Có thông tin về người cha?", {"required": True, "label_en": "Is the father known?"}),
                *[F(f.stable_id, f.type, f.label_vi, {**f.attrs, "condition": op("eq", var("father_known"), const(True))})
                  for f in _person("father", "của cha", "the father")],
                F("already_registered", "yes_no", "Trẻ đã từng được đăng ký khai sinh?", {"required": True, "label_en": "Has the child's birth already been registered?"}),
                DECLARATION,
            ],
            ineligibility=[{"id": "r_twice", "condition": op("eq", var("already_registered"), const(True)),
                            "message_vi": "Việc khai sinh chỉ đăng ký một lần. Hãy làm thủ tục cấp bản sao trích lục khai sinh.",
                            "message_en": "A birth is registered only once. Ask for a copy of the birth extract instead."}],
        ),
        P(
            agency_code=f"{province}.12", national_code="", sector="LLTP", life_events=["work"],
            name=("Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam", "Criminal record certificate for Vietnamese citizens",
                  "Extrait de casier judiciaire pour les citoyens vietnamiens"),
            summary_vi="Cấp Phiếu lý lịch tư pháp số 1 hoặc số 2 cho công dân Việt Nam thường trú hoặc tạm trú trong tỉnh.",
            deadline=(10, "working_days"), level="full_online", result_vi="Phiếu lý lịch tư pháp",
            legal_basis="Luật Lý lịch tư pháp số 28/2009/QH12; Nghị định số 111/2010/NĐ-CP.",
            fees=[{"name_vi": "Phí cung cấp thông tin lý lịch tư pháp", "amount_vnd": 200000, "payer": "applicant",
                   "exemptions": "Giảm 50% cho sinh viên, người có công với cách mạng; miễn cho trẻ em, người cao tuổi, người khuyết tật, người thuộc hộ nghèo."}],
            documents=[{"name_vi": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "originals": 1, "copies": 0},
                       {"name_vi": "Bản chụp giấy tờ tùy thân", "originals": 0, "copies": 1, "replaceable_by_registry": True}],
            fields=[
                F("s_applicant", "section_header", "Người yêu cầu cấp phiếu", {"label_en": "Applicant", "options": {"level": 1}}),
                # Read from the applicant's electronic identity (VNeID claims), shown read-only.
                F("applicant_name", "registry_lookup", "Họ, chữ đệm, tên", {"label_en": "Full name",
                                                                           "options": {"source": "identity", "attribute": "full_name"}}),
                F("applicant_personal_id", "registry_lookup", "Số định danh cá nhân", {"label_en": "Personal ID number",
                                                                                      "options": {"source": "identity", "attribute": "personal_id"}}),
                F("applicant_birth_date", "date", "Ngày, tháng, năm sinh", {"required": True, "label_en": "Date of birth", "options": {"past_only": True}}),
                F("applicant_residence", "address", "Nơi cư trú", {"required": True, "label_en": "Residence"}),
                F("applicant_gender", "single_choice", "Giới tính", {"required": True, "options": {"choices": PERSON_GENDER}}),
                F("phone", "phone", "Số điện thoại", {"required": True, "label_en": "Phone number"}),
                F("email", "email", "Thư điện tử", {"label_en": "E-mail"}),
                F("id_document", "identity_document", "Ảnh căn cước", {"required": True, "label_en": "Identity card"}),
                F("s_request", "section_header", "Nội dung yêu cầu", {"label_en": "Request", "options": {"level": 1}}),
                F("form_number", "single_choice", "Loại phiếu", {"required": True, "label_en": "Certificate", "options": {"choices": [
                    c("1", "Phiếu lý lịch tư pháp số 1", "Certificate no. 1", "Extrait n° 1"),
                    c("2", "Phiếu lý lịch tư pháp số 2", "Certificate no. 2", "Extrait n° 2")]}}),
                F("purpose", "long_text", "Mục đích sử dụng phiếu", {"required": True, "label_en": "Purpose", "options": {"max_length": 500, "rows": 3}}),
                F("copies", "integer", "Số lượng phiếu yêu cầu cấp", {"required": True, "label_en": "Number of copies", "options": {"min_value": 1, "max_value": 10}}),
                F("extra_copies_fee", "calculated", "Phí cấp thêm từ phiếu thứ 3 (5.000 đồng/phiếu)", {"options": {
                    "formula": op("mul", op("max", op("sub", var("copies"), const(2)), const(0)), const(5000)), "result_type": "number", "unit": "đồng"}}),
                F("residences", "repetition", "Quá trình cư trú từ đủ 14 tuổi", {"label_en": "Places of residence since age 14",
                                                                                "options": {"min_rows": 1, "max_rows": 20, "row_label_vi": "Nơi cư trú"}},
                  children=[F("res_from", "date", "Từ ngày", {"required": True, "options": {"past_only": True}}),
                            F("res_to", "date", "Đến ngày"),
                            F("res_place", "short_text", "Nơi cư trú", {"required": True}),
                            F("res_job", "short_text", "Nghề nghiệp, nơi làm việc")]),
                F("delivery", "single_choice", "Hình thức nhận kết quả", {"required": True, "label_en": "How to receive the result", "options": {"choices": [
                    c("online", "Bản điện tử trên Cổng dịch vụ công", "Electronic copy online", "Copie électronique en ligne"),
                    c("counter", "Tại Bộ phận Một cửa", "At the one-stop desk", "Au guichet unique"),
                    c("post", "Qua dịch vụ bưu chính", "By post", "Par la poste")]}}),
                F("post_address", "address", "Địa chỉ nhận qua bưu chính", {"required": True, "condition": op("eq", var("delivery"), const("post"))}),
                DECLARATION,
            ],
            routing=[{"id": "r_form_2", "condition": op("eq", var("form_number"), const("2")), "group": "phieu-so-2"}],
            groups=[("phieu-so-1", "Tổ cấp Phiếu lý lịch tư pháp số 1"), ("phieu-so-2", "Tổ cấp Phiếu lý lịch tư pháp số 2")],
        ),
        P(
            agency_code=commune, national_code="", sector="DKKD", life_events=["business"],
            name=("Đăng ký thành lập hộ kinh doanh", "Registering a household business", "Immatriculation d'une entreprise individuelle"),
            summary_vi="Đăng ký thành lập hộ kinh doanh do một cá nhân hoặc các thành viên hộ gia đình làm chủ.",
            deadline=(3, "working_days"), level="full_online", result_vi="Giấy chứng nhận đăng ký hộ kinh doanh",
            legal_basis="Nghị định số 01/2021/NĐ-CP về đăng ký doanh nghiệp (Chương VIII).",
            fees=[{"name_vi": "Lệ phí đăng ký hộ kinh doanh", "amount_vnd": 100000, "payer": "applicant"}],
            documents=[{"name_vi": "Giấy đề nghị đăng ký hộ kinh doanh", "originals": 1, "copies": 0},
                       {"name_vi": "Biên bản họp thành viên hộ gia đình (nếu có)", "originals": 1, "copies": 0}],
            applicant_kinds=["citizen", "business"],
            fields=[
                F("s_business", "section_header", "Hộ kinh doanh", {"label_en": "The business", "options": {"level": 1}}),
                F("business_name", "short_text", "Tên hộ kinh doanh", {"required": True, "label_en": "Business name", "help_vi": "Gồm “Hộ kinh doanh” và tên riêng."}),
                F("business_address", "address", "Địa điểm kinh doanh", {"required": True, "label_en": "Business address"}),
                F("business_phone", "phone", "Điện thoại", {"required": True}),
                F("activities", "multiple_choice", "Ngành, nghề kinh doanh", {"required": True, "label_en": "Activities", "options": {
                    "min_selections": 1, "choices": [
                        c("ban_le", "Bán lẻ hàng hóa", "Retail", "Commerce de détail"), c("an_uong", "Dịch vụ ăn uống", "Food service", "Restauration"),
                        c("sua_chua", "Sửa chữa xe có động cơ", "Vehicle repair", "Réparation de véhicules"),
                        c("luu_tru", "Dịch vụ lưu trú ngắn ngày", "Short-stay accommodation", "Hébergement"),
                        c("nong_san", "Kinh doanh nông sản", "Farm produce", "Produits agricoles")]}}),
                F("capital", "money_vnd", "Vốn kinh doanh", {"required": True, "label_en": "Capital (VND)"}),
                F("employees", "integer", "Số lao động", {"label_en": "Number of workers", "options": {"min_value": 0, "max_value": 1000}}),
                F("s_owner", "section_header", "Chủ hộ kinh doanh", {"label_en": "Owner", "options": {"level": 1}}),
                *_person("owner", "của chủ hộ", "the owner"),
                F("owner_tax_code", "tax_code", "Mã số thuế cá nhân", {"label_en": "Personal tax code"}),
                F("family_run", "yes_no", "Do các thành viên hộ gia đình cùng đăng ký?", {"required": True, "label_en": "Run by family members together?"}),
                F("members", "repetition", "Thành viên hộ gia đình", {"condition": op("eq", var("family_run"), const(True)),
                                                                    "options": {"min_rows": 1, "max_rows": 20, "row_label_vi": "Thành viên"}},
                  children=[F("member_name", "short_text", "Họ và tên", {"required": True}),
                            F("member_personal_id", "personal_id", "Số định danh cá nhân", {"required": True}),
                            F("member_share", "percentage", "Tỷ lệ vốn góp")]),
                F("meeting_minutes", "file", "Biên bản họp thành viên", {"required": True, "condition": op("eq", var("family_run"), const(True))}),
                DECLARATION,
            ],
            ineligibility=[{"id": "r_adult", "condition": op("lt", age_in_years("owner_birth_date"), const(18)),
                            "message_vi": "Chủ hộ kinh doanh phải là người đã thành niên (đủ 18 tuổi).",
                            "message_en": "The owner must be an adult (18 or over)."}],
        ),
        P(
            agency_code=commune, national_code="", sector="XD", life_events=["housing"],
            name=("Cấp giấy phép xây dựng nhà ở riêng lẻ", "Building permit for a house", "Permis de construire une maison individuelle"),
            summary_vi="Cấp giấy phép xây dựng mới nhà ở riêng lẻ trong đô thị, trung tâm cụm xã hoặc khu vực có quy hoạch.",
            deadline=(15, "working_days"), level="full_online", result_vi="Giấy phép xây dựng",
            legal_basis="Luật Xây dựng số 50/2014/QH13, sửa đổi bởi Luật số 62/2020/QH14; Nghị định số 175/2024/NĐ-CP.",
            fees=[{"name_vi": "Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ", "amount_vnd": 75000, "payer": "applicant"}],
            documents=[{"name_vi": "Đơn đề nghị cấp giấy phép xây dựng", "originals": 1, "copies": 0},
                       {"name_vi": "Giấy tờ chứng minh quyền sử dụng đất", "originals": 0, "copies": 1, "replaceable_by_registry": True},
                       {"name_vi": "Bản vẽ thiết kế xây dựng", "originals": 2, "copies": 0}],
            channels=["online", "counter"],
            fields=[
                F("s_owner", "section_header", "Chủ đầu tư", {"label_en": "Owner", "options": {"level": 1}}),
                *_person("owner", "của chủ đầu tư", "the owner"),
                F("owner_phone", "phone", "Điện thoại", {"required": True}),
                F("co_owners", "repetition", "Đồng chủ sở hữu (nếu có)", {"label_en": "Co-owners (if any)",
                                                                          "options": {"min_rows": 0, "max_rows": 5}}, children=[
                    F("co_owner_name", "short_text", "Họ, chữ đệm, tên", {"required": True, "label_en": "Full name", "options": {"max_length": 100}}),
                    F("co_owner_personal_id", "personal_id", "Số định danh cá nhân", {"required": True, "label_en": "Personal ID number"}),
                ]),
                F("s_plot", "section_header", "Thửa đất", {"label_en": "The plot", "options": {"level": 1}}),
                F("plot_number", "short_text", "Số thửa", {"required": True, "label_en": "Plot number", "options": {"max_length": 20}}),
                F("map_sheet", "short_text", "Tờ bản đồ số", {"required": True, "label_en": "Map sheet", "options": {"max_length": 20}}),
                F("land_certificate", "formatted_text", "Số giấy chứng nhận quyền sử dụng đất", {"required": True, "options": {
                    "pattern": "[A-Z]{2}[0-9]{6}", "example": "DG123456", "max_length": 8, "uppercase": True, "remove_spaces": True}}),
                F("plot_address", "address", "Địa chỉ thửa đất", {"required": True}),
                F("plot_area", "decimal", "Diện tích thửa đất", {"required": True, "options": {"min_value": "1", "max_value": "100000", "unit": "m²"}}),
                F("plot_shape", "map", "Vị trí và ranh giới thửa đất", {"required": True, "label_en": "Location and outline of the plot",
                                                                        "help_vi": "Vẽ ranh giới thửa đất trên bản đồ, hoặc nhập tọa độ các góc.",
                                                                        "options": {"kinds": ["Polygon"], "max_vertices": 100}}),
                F("s_building", "section_header", "Công trình", {"label_en": "The building", "options": {"level": 1}}),
                F("footprint", "decimal", "Diện tích xây dựng tầng 1", {"required": True, "options": {"min_value": "1", "unit": "m²"}}),
                F("floors", "integer", "Số tầng", {"required": True, "options": {"min_value": 1, "max_value": 30}}),
                F("height", "decimal", "Chiều cao công trình", {"required": True, "options": {"min_value": "1", "max_value": "200", "unit": "m"}}),
                F("density", "calculated", "Mật độ xây dựng", {"options": {
                    "formula": op("round", op("mul", op("div", var("footprint"), var("plot_area")), const(100)), const(1)),
                    "result_type": "number", "decimal_places": 1, "unit": "%"}}),
                F("land_certificate_scan", "file", "Bản sao giấy chứng nhận quyền sử dụng đất", {"required": True, "label_en": "Copy of the land-use certificate",
                                                                                                   "options": {"families": ["pdf", "image"]}}),
                F("drawings", "file", "Bản vẽ thiết kế", {"required": True, "options": {"families": ["pdf"], "multiple": True, "max_files": 10, "max_size_mb": 50}}),
                F("design_review", "file", "Báo cáo kết quả thẩm tra thiết kế", {"required": True, "condition": op("gte", var("floors"), const(7)),
                                                                                  "help_vi": "Bắt buộc với nhà từ 7 tầng trở lên.",
                                                                                  "options": {"families": ["pdf"]}}),
                DECLARATION,
            ],
            ineligibility=[{"id": "r_footprint", "condition": op("gt", var("footprint"), var("plot_area")),
                            "message_vi": "Diện tích xây dựng tầng 1 không thể lớn hơn diện tích thửa đất.",
                            "message_en": "The ground-floor area cannot exceed the plot area."}],
        ),
        P(
            agency_code=commune, national_code="1.000894", sector="HT", life_events=["marriage"],
            name=("Đăng ký kết hôn", "Marriage registration", "Enregistrement du mariage"),
            summary_vi="Đăng ký kết hôn giữa công dân Việt Nam với nhau cư trú ở trong nước.",
            deadline=(1, "working_days"), level="partial_online", result_vi="Giấy chứng nhận kết hôn",
            legal_basis="Luật Hôn nhân và gia đình số 52/2014/QH13; Luật Hộ tịch số 60/2014/QH13; Nghị định số 123/2015/NĐ-CP.",
            fees=[{"name_vi": "Lệ phí đăng ký kết hôn", "amount_vnd": 0, "payer": "none", "exemptions": "Miễn lệ phí đăng ký kết hôn trong nước."}],
            documents=[{"name_vi": "Tờ khai đăng ký kết hôn", "originals": 1, "copies": 0},
                       {"name_vi": "Giấy xác nhận tình trạng hôn nhân", "originals": 1, "copies": 0, "replaceable_by_registry": True}],
            channels=["online", "counter"],
            fields=[
                F("s_bride", "section_header", "Bên nữ", {"label_en": "Bride", "options": {"level": 1}}),
                *_person("bride", "bên nữ", "the bride"),
                F("s_groom", "section_header", "Bên nam", {"label_en": "Groom", "options": {"level": 1}}),
                *_person("groom", "bên nam", "the groom"),
                F("s_status", "section_header", "Tình trạng hôn nhân", {"label_en": "Marital status", "options": {"level": 1}}),
                F("married_before", "yes_no", "Một trong hai bên đã từng kết hôn?", {"required": True, "label_en": "Was either of you married before?"}),
                F("divorce_proof", "file", "Giấy tờ chứng minh việc kết hôn trước đã chấm dứt", {"required": True,
                                                                                               "condition": op("eq", var("married_before"), const(True))}),
                F("ceremony_date", "date", "Ngày mong muốn tổ chức trao giấy chứng nhận", {"label_en": "Preferred date for the ceremony", "options": {"future_only": True}}),
                DECLARATION,
            ],
            ineligibility=[
                {"id": "r_groom_age", "condition": op("lt", age_in_years("groom_birth_date"), const(20)),
                 "message_vi": "Nam phải từ đủ 20 tuổi trở lên (Luật Hôn nhân và gia đình, Điều 8).", "message_en": "The man must be 20 or over."},
                {"id": "r_bride_age", "condition": op("lt", age_in_years("bride_birth_date"), const(18)),
                 "message_vi": "Nữ phải từ đủ 18 tuổi trở lên (Luật Hôn nhân và gia đình, Điều 8).", "message_en": "The woman must be 18 or over."},
            ],
        ),
    ]


def _add_fields(actor, revision, specs: list[F], parent=None) -> None:
    for spec in specs:
        created = procedure_services.add_field(
            actor=actor, revision=revision, stable_id=spec.stable_id, type=spec.type, label_vi=spec.label_vi, parent=parent, **spec.attrs
        )
        if spec.children:
            _add_fields(actor, revision, spec.children, parent=created)


@transaction.atomic
def load_demo_procedures(*, actor, province_code: str) -> int:
    """Create and publish the five procedures once (idempotent: skipped when they exist)."""
    from motcua.agencies.models import Agency

    for slug, vi, en, fr in LIFE_EVENTS:
        LifeEvent.objects.update_or_create(slug=slug, defaults={"name_vi": vi, "name_en": en, "name_fr": fr})
    for code, vi, en, fr in SECTORS:
        Sector.objects.update_or_create(code=code, defaults={"name_vi": vi, "name_en": en, "name_fr": fr})
    created = 0
    for spec in procedures(province_code):
        agency = Agency.objects.get(eid_code=spec.agency_code)
        if Procedure.objects.filter(agency=agency, name_vi=spec.name[0]).exists():
            continue
        procedure = procedure_services.create_procedure(
            actor=actor, agency=agency, national_code=spec.national_code, sector=Sector.objects.get(code=spec.sector),
            name_vi=spec.name[0], name_en=spec.name[1], name_fr=spec.name[2], summary_vi=spec.summary_vi,
            level=spec.level, deadline_amount=spec.deadline[0], deadline_unit=spec.deadline[1], legal_basis=spec.legal_basis,
            result_vi=spec.result_vi, applicant_kinds=spec.applicant_kinds, channels=spec.channels,
            life_events=list(LifeEvent.objects.filter(slug__in=spec.life_events)),
        )
        procedure_services.set_fees(actor=actor, procedure=procedure, fees=spec.fees)
        procedure_services.set_required_documents(actor=actor, procedure=procedure, documents=spec.documents)
        draft = procedure_selectors.get_draft(procedure=procedure)
        _add_fields(actor, draft, spec.fields)
        procedure_services.set_rules(actor=actor, revision=draft, ineligibility_rules=spec.ineligibility,
                                     routing_rules=spec.routing)
        procedure_services.publish_revision(actor=actor, procedure=procedure)
        for key, name in spec.groups:
            group_services.create_group(actor=actor, procedure=procedure, name=name, key=key)
        created += 1
    return created
