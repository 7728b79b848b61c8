"""Forms of the public verification pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext, gettext_lazy as _

from motcua.core.forms import AccessibleFormMixin

from .codes import normalise_code
from .constants import MAX_UPLOAD_BYTES


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
