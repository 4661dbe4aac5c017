"""The token format: `dpm_<prefix>_<secret>`.

The prefix (8 hex digits) is public: it finds the row and tells tokens apart in the UI. The secret
is 32 random bytes (URL-safe base64, 43 characters). The database keeps only the SHA-256 of the
whole token: with 256 bits of randomness nobody can guess a token from its hash, so a slow
password hash (which would cost every API call ~0.3 s) buys nothing here.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

PREFIX_BYTES = 4
SECRET_BYTES = 32
TOKEN_RE = re.compile(r"dpm_(?P<prefix>[0-9a-f]{8})_(?P<secret>[A-Za-z0-9_-]{43})")


@dataclass(frozen=True)
class NewToken:
    prefix: str
    plaintext: str
    hashed: str


def token_hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def generate() -> NewToken:
    prefix = secrets.token_hex(PREFIX_BYTES)
    plaintext = f"dpm_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    return NewToken(prefix=prefix, plaintext=plaintext, hashed=token_hash(plaintext))


def parse_prefix(plaintext: str) -> str | None:
    """The prefix of a well-formed token, or None."""
    match = TOKEN_RE.fullmatch(plaintext)
    return match["prefix"] if match else None


def matches(plaintext: str, hashed: str) -> bool:
    """Constant-time comparison, so response times do not leak how much of a hash matched."""
    return hmac.compare_digest(token_hash(plaintext), hashed)
