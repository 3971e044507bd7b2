"""Ed25519 signatures over a bundle's manifest.

The manifest lists the SHA-256 of every other file, so signing its exact
bytes signs the whole bundle. Keys are PEM files (PKCS#8 private key,
SubjectPublicKeyInfo public key), readable by OpenSSL; the signature is the
64 raw bytes in base64 on one line (docs/AUDIT.md shows how to check it
with OpenSSL alone).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from scaletrack.audit.chain import BAD_SIGNATURE, MANIFEST, SIGNATURE, Fault, Invalid
from scaletrack.domain.errors import InvalidInput, NotFound


def keygen(private_path: Path) -> tuple[Path, Path]:
    """Write a new key pair: the private key at ``private_path`` (owner-only), ``.pub`` beside."""
    public_path = private_path.with_name(private_path.name + ".pub")
    for path in (private_path, public_path):
        if path.exists():
            raise InvalidInput(f"{path} exists; a key is never overwritten",
                               hint="give another file name")
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as f:
        f.write(private_pem)
    public_path.write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return private_path, public_path


def raw_public(key: Ed25519PublicKey) -> str:
    """The 32 raw bytes of a public key, in base64 (as the manifest names its signer)."""
    return base64.b64encode(key.public_bytes(serialization.Encoding.Raw,
                                             serialization.PublicFormat.Raw)).decode()


def fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, in hex: short enough to read out over the phone."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def load_private(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(_read(path), password=None)
    except (ValueError, TypeError):
        raise InvalidInput(f"{path} is not an unencrypted PEM private key",
                           hint="give the key file scaletrack keygen wrote") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInput(f"{path} is not an Ed25519 private key",
                           hint="make one with scaletrack keygen")
    return key


def load_public(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(_read(path))
    except ValueError:
        raise InvalidInput(f"{path} is not a PEM public key",
                           hint="give the .pub file scaletrack keygen wrote") from None
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput(f"{path} is not an Ed25519 public key")
    return key


def sign(key: Ed25519PrivateKey, manifest: bytes) -> bytes:
    """The signature file's content for a manifest's exact bytes."""
    return base64.b64encode(key.sign(manifest)) + b"\n"


def check_signature(bundle: Path, key: Ed25519PublicKey) -> None:
    """Raise :class:`Invalid` (bad signature) unless ``key`` signed this manifest."""
    try:
        manifest = (bundle / MANIFEST).read_bytes()
        encoded = (bundle / SIGNATURE).read_bytes()
    except FileNotFoundError as missing:
        raise Invalid(Fault(BAD_SIGNATURE, f"{Path(str(missing.filename)).name} is missing: "
                            "the bundle is not signed")) from None
    try:
        key.verify(base64.b64decode(encoded.strip(), validate=True), manifest)
    except (InvalidSignature, binascii.Error, ValueError):
        raise Invalid(Fault(BAD_SIGNATURE, f"{SIGNATURE} is not a signature of "
                            f"{MANIFEST} by the key given")) from None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"no key file {path}") from None
