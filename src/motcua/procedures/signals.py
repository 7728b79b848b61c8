"""Hooks other apps subscribe to (third-party style, STYLE.md §3): procedures does not import them.

`revision_published(sender=Revision, revision=…, procedure=…, actor=…)` is sent inside the
publication's transaction, so a receiver's writes commit or roll back with it (dossiers purges
the test dossiers filed on the draft).

`procedure_cloned(sender=Procedure, procedure=<the copy>, source=…, actor=…)` is sent inside the
clone's transaction, once the copy and its draft exist (documents copies the result templates)."""

from django.dispatch import Signal

revision_published = Signal()
procedure_cloned = Signal()
