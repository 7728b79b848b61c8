"""Forms of the public verification pages, and of the result templates (back office)."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext, gettext_lazy as _

from motcua.core.forms import AccessibleFormMixin

from .codes import normalise_code
from .constants import MAX_UPLOAD_BYTES, RESULT_TEMPLATE_TITLE_MAX_LENGTH


class CodeLookupForm(AccessibleFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        help_text=_("It is printed next to the QR code, for example 7K3M-Q9XD-2HBT."),
        max_length=40,
        error_messages={"required": _("Enter the verification code printed on the document.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if code is None:
            raise ValidationError(_("A verification code has 12 letters and digits, for example 7K3M-Q9XD-2HBT."), code="malformed")
        return code


def too_large_message() -> str:
    return gettext("This file is larger than %(size)s. Choose the PDF file of the document.") % {"size": filesizeformat(MAX_UPLOAD_BYTES)}


class FileCheckForm(AccessibleFormMixin, forms.Form):
    file = forms.FileField(
        label=_("PDF file to check"),
        error_messages={
            "required": _("Choose the PDF file to check."),
            "empty": _("This file is empty. Choose the PDF file of the document."),
            "invalid": _("No file was received. Choose the PDF file to check."),
        },
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, too_large: bool = False, **kwargs):
        """`too_large`: the upload was refused before it was read; the form only says so."""
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.fields["file"].help_text = gettext(
            "The PDF file you received or downloaded, %(size)s at most. It is only compared with the original, never kept."
        ) % {"size": filesizeformat(MAX_UPLOAD_BYTES)}

    def full_clean(self):
        if not self.too_large:
            return super().full_clean()
        self._errors = ErrorDict()
        self.cleaned_data = {}
        self.add_error("file", ValidationError(too_large_message(), code="too_large"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(too_large_message(), code="too_large")
        upload.seek(0)
        head = upload.read(1024)
        upload.seek(0)
        # ISO 32000: a PDF starts with "%PDF-" (readers look in the first 1024 bytes).
        if b"%PDF-" not in head:
            raise ValidationError(
                _("This file is not a PDF. Choose the PDF file of the document (its name usually ends in .pdf)."), code="not_pdf"
            )
        return upload


class ResultTemplateForm(AccessibleFormMixin, forms.Form):
    """The wording of a procedure's result document for one kind of decision (back office).
    Placeholders are checked by documents.result_templates, whose messages land on the fields."""

    title = forms.CharField(
        label=_("Title of the document"),
        help_text=_("Printed in capitals under the letterhead, for example GIẤY XÁC NHẬN. Placeholders work here too."),
        max_length=RESULT_TEMPLATE_TITLE_MAX_LENGTH,
        widget=forms.TextInput(attrs={"lang": "vi"}),
        error_messages={"required": _("Enter the title of the document."),
                        "max_length": _("Write at most %(limit_value)s characters (it has %(show_value)s).")},
    )
    body = forms.CharField(
        label=_("Text of the document"),
        help_text=_("Plain text in Vietnamese. Leave an empty line between paragraphs. Write placeholders in square "
                    "brackets, such as [applicant.name] or [field:identifier]; the list is below."),
        # The length is checked by the service once line breaks are normalised (browsers post
        # "\r\n"), so that the limit is the one the administrator sees.
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "true", "lang": "vi"}),
        error_messages={"required": _("Write the text of the document.")},
    )
