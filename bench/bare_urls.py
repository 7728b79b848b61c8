"""Bench-only URLconf (ROOT_URLCONF=bench.bare_urls): the product's URLs plus a bare view that
inserts one row, the floor the submission benchmark (bench/submission.py) compares against.

Never part of the product: motcua.urls does not know this module. The bench table is not a
migration of any app; bench/submission.py creates it with the schema editor."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from motcua.urls import handler400, handler403, handler404, handler500  # noqa: F401 (same error pages)


class BareRow(models.Model):
    """One row per bare request: who posted, for which dossier id in the URL, when."""

    user_id = models.BigIntegerField()
    public_id = models.UUIDField()
    created_at = models.DateTimeField()

    class Meta:
        app_label = "bench"  # not an installed app: no migration, table made by the benchmark
        db_table = "bench_bare_row"


@login_required(login_url="accounts:citizen-login")
@require_POST
def bare_insert(request, public_id):
    """The same request as a submission (session, user, CSRF, POST) doing one INSERT."""
    BareRow.objects.create(user_id=request.user.pk, public_id=public_id, created_at=timezone.now())
    return HttpResponseRedirect(f"/bench/bare/{public_id}/done/")


urlpatterns = [
    path("bench/bare/<uuid:public_id>/", bare_insert, name="bench-bare-insert"),
    path("", include("motcua.urls")),
]
