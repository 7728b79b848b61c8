"""Signature providers: importing this package registers every implementation."""

from . import pem, pkcs12  # noqa: F401
