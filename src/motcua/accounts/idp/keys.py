"""The demo identity provider's RSA signing key (RS256 ID tokens).

The private key lives in settings.IDP_RSA_PRIVATE_KEY_PATH (var/, never committed), is
written once by `manage.py idp_setup`, and is read into OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"]
by settings.py at start-up. `activate_signing_key` also loads it into the running process, so
a command that has just generated it can use it at once.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from oauth2_provider.settings import oauth2_settings

RSA_KEY_SIZE = 2048


def generate_rsa_private_key_pem() -> str:
    """A new RSA private key, PEM (PKCS#8), unencrypted."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_SIZE)
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode("ascii")


def ensure_rsa_private_key(path: Path) -> tuple[str, bool]:
    """Return (pem, created): the key at `path`, generated there (mode 600) if missing."""
    if path.is_file():
        return path.read_text(), False
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = generate_rsa_private_key_pem()
    # Create the file readable by its owner only before writing the secret into it.
    path.touch(mode=0o600, exist_ok=False)
    path.chmod(0o600)
    path.write_text(pem)
    return pem, True


def activate_signing_key(pem: str) -> None:
    """Make django-oauth-toolkit sign with `pem` in this process."""
    # Assigned, not mutated in place: under override_settings (tests) the change is undone.
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEY": pem}
    oauth2_settings.reload()
