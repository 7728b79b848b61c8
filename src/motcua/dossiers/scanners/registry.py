"""The antivirus-scanner registry: how uploaded files are checked for viruses.

Entry points: `scanners[scanner_id]` (ids are stored on Attachment.scanner, never renamed) and
`active_scanner()`: "clamd" when settings.CLAMD_URL is set, otherwise "noop", which scans
nothing and marks files "not scanned" so that the interface can say so. Implementations
register themselves with `@scanners.register` in their own module; importing the `scanners`
package imports them all.
"""

from __future__ import annotations

from django.conf import settings

from motcua.core.registry import Registry

from .base import Scanner

scanners: Registry[Scanner] = Registry("scanners")


def active_scanner() -> Scanner:
    return scanners["clamd" if settings.CLAMD_URL else "noop"]
