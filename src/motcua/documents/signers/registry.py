"""The signature-provider registry: how issued documents are signed (STYLE.md §4).

Entry point: `signature_providers[provider_id]` (ids are stored on IssuedDocument, never renamed).
Implementations register themselves with `@signature_providers.register` in their own module;
DocumentsConfig.ready() imports them. `default_signer_profile()` is the profile used when a
caller does not give one: SIGNING_PROVIDER with the options from settings.
"""

from __future__ import annotations

from django.conf import settings

from motcua.core.registry import Registry

from .base import SignatureProvider, SignerProfile

signature_providers: Registry[SignatureProvider] = Registry("signature_providers")

# Shown by PDF readers next to the signature. The documents are Vietnamese legal forms, so these
# stay in Vietnamese whatever the interface language.
DEFAULT_REASON = "Ký số văn bản điện tử"


def default_signer_profile(*, location: str = "") -> SignerProfile:
    """The configured provider with its options from settings (one certificate for the instance;
    a per-agency certificate is a profile whose options point at that agency's key material)."""
    return SignerProfile(provider=settings.SIGNING_PROVIDER, reason=DEFAULT_REASON, location=location)
