"""Public verification pages: find a document by its code, check a file against it, download it.

No sign-in: the random code printed on a document (and in its QR code) is what opens its page.
The pages work without JavaScript; uploads are checked in memory and never stored.
"""

from __future__ import annotations

import re

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.errors import NotFound

from . import selectors
from .constants import LOOKUP_LIMIT, MAX_UPLOAD_BYTES, UPLOAD_LIMIT
from .forms import CodeLookupForm, FileCheckForm
from .models import IssuedDocument
from .ratelimit import allow
from .verification import check_file

# Room for the multipart envelope and the CSRF token around the file itself.
_FORM_OVERHEAD = 64 * 1024


def _too_many_requests(request):
    return render(
        request,
        "error.html",
        {"title": _("Too many attempts"), "message": _("Please wait a few minutes, then try again.")},
        status=429,
    )


@require_GET
def document_lookup(request):
    form = CodeLookupForm(request.GET or None)
    if form.is_bound and form.is_valid():
        try:
            document = selectors.get_issued_document(code=form.cleaned_data["code"])
        except NotFound:
            if not allow(request, scope="unknown-code", limit=LOOKUP_LIMIT):
                return _too_many_requests(request)
            form.add_error("code", _("No document has this code. Check the code printed on the document."))
        else:
            return redirect("documents:document-detail", code=document.code)
    return render(request, "documents/document_lookup.html", {"form": form})


class _SizeLimitHandler(FileUploadHandler):
    """Drops an uploaded file as soon as it grows past the limit (for uploads sent without a
    Content-Length); the view then says the file is too large."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.too_large = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


class _RateLimited(Exception):
    pass


def _get_document(request, code: str) -> IssuedDocument:
    """The document, or Http404; unknown codes count towards the address's lookup limit."""
    try:
        return selectors.get_issued_document(code=code)
    except NotFound as error:
        if not allow(request, scope="unknown-code", limit=LOOKUP_LIMIT):
            raise _RateLimited() from error
        raise Http404(str(error.message)) from error


@csrf_exempt  # checked by _check_upload once the size limit is in place (Django's documented pattern)
@require_http_methods(["GET", "HEAD", "POST"])
def document_detail(request, code):
    try:
        document = _get_document(request, code)
    except _RateLimited:
        return _too_many_requests(request)
    if request.method != "POST":
        if document.code != code:
            return redirect("documents:document-detail", code=document.code)
        return _render_detail(request, document, form=FileCheckForm())

    try:
        content_length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        content_length = 0
    if content_length > MAX_UPLOAD_BYTES + _FORM_OVERHEAD:
        # Answered without reading the body: nothing in it would be used.
        return _render_too_large(request, document)
    limiter = _SizeLimitHandler(request, MAX_UPLOAD_BYTES)
    request.upload_handlers.insert(0, limiter)
    return _check_upload(request, document, limiter)


@csrf_protect
def _check_upload(request, document: IssuedDocument, limiter: _SizeLimitHandler):
    if not allow(request, scope=f"upload:{document.code}", limit=UPLOAD_LIMIT):
        return _too_many_requests(request)
    files = request.FILES  # parses the body, through the size limiter
    if limiter.too_large:
        return _render_too_large(request, document)
    form = FileCheckForm(files=files)
    if not form.is_valid():
        return _render_detail(request, document, form=form)
    upload = form.cleaned_data["file"]
    upload.seek(0)
    check = check_file(document=document, data=upload.read())
    return _render_detail(request, document, form=FileCheckForm(), check=check)


def _render_too_large(request, document):
    form = FileCheckForm(data={}, files={}, too_large=True)
    return _render_detail(request, document, form=form, status=413)


def _render_detail(request, document, *, form, check=None, status=200):
    issuer = document.agency.name if document.agency_id else document.signer_name
    context = {"document": document, "form": form, "check": check, "issuer": issuer}
    return render(request, "documents/document_detail.html", context, status=status)


@require_GET
def document_download(request, code):
    try:
        document = _get_document(request, code)
    except _RateLimited:
        return _too_many_requests(request)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("The file of this document is not available.")) from error
    reference = re.sub(r"[^A-Za-z0-9._-]+", "-", document.reference).strip("-")
    filename = f"{document.kind}-{reference or document.code}.pdf"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
    response["X-Robots-Tag"] = "noindex"
    return response
