"""Accounts and their secrets: salted scrypt hashes of page passwords and API keys, and the cookie key.

- **Secrets are stored as salted scrypt hashes** (``hash_secret``): page passwords, and API keys.
  A key is ``<id>.<secret>``: the id finds its row, the secret is checked against the hash
  (``verify_secret``; ``auth`` remembers a key once checked, as scrypt is slow on purpose).
- ``create_account`` is what ``warta serve --add-user`` and ``POST /api/users`` do: a checked name,
  a role, an optional page password, and a first key, shown once.
- ``session_secret`` is the key that signs session cookies, made once in the data folder (0600).
"""

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from pipeline.errors import UsageError
from pipeline.serve.store import Store, User

#: The shortest page password accepted.
MIN_PASSWORD_LENGTH = 10
#: The most API keys one account holds: each key has rate-limit buckets of its own, so keys
#: without end would be a rate limit without end.
MAX_KEYS_PER_ACCOUNT = 20
_ACCOUNT_NAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")

# scrypt's cost: 16 MiB and some 50 ms a hash (RFC 7914's interactive-login parameters).
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P, _SCRYPT_LENGTH = 2**14, 8, 1, 32


def hash_secret(secret: str) -> str:
    """A salted scrypt hash of ``secret`` (a password or an API key's secret), as stored.

    Returns:
        ``scrypt$N$r$p$<salt hex>$<hash hex>``.
    """
    salt = os.urandom(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=_SCRYPT_LENGTH)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_secret(secret: str, stored: str) -> bool:
    """Whether ``secret`` is the one ``stored`` (a ``hash_secret`` result) was made from."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = bytes.fromhex(digest)
        found = hashlib.scrypt(secret.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except ValueError:  # a malformed stored hash matches nothing
        return False
    return hmac.compare_digest(found, expected)


def create_api_key(store: Store, user: str) -> tuple[str, str]:
    """Make a new API key for ``user``; only its hash is stored.

    Returns:
        (the key's id, the whole key to give the user: ``<id>.<secret>``, shown once).

    Raises:
        StoreError: no such account.
        UsageError: the account holds ``MAX_KEYS_PER_ACCOUNT`` keys already.
    """
    if len(store.keys(user)) >= MAX_KEYS_PER_ACCOUNT:
        raise UsageError(f"{user} has {MAX_KEYS_PER_ACCOUNT} API keys already, the most an account holds; revoke one first")
    key_id = secrets.token_urlsafe(9)
    secret = secrets.token_urlsafe(32)
    store.add_key(user, key_id, hash_secret(secret))
    return key_id, f"{key_id}.{secret}"


def create_account(store: Store, name: str, role: str, password: str | None = None) -> tuple[User, str]:
    """Create an account with a first API key (and a page password, when given).

    Args:
        store: the server's store.
        name: 1 to 64 letters, digits and ``. _ @ -``.
        role: ``reviewer`` or ``admin``.
        password: the page password (at least ``MIN_PASSWORD_LENGTH`` characters), or None for
            an account that only uses its key.

    Returns:
        The account and its key (``<id>.<secret>``; only its hash is kept, so it is shown once).

    Raises:
        UsageError: a name or password that does not fit the rules.
        StoreError: the name is taken, or the role unknown.
    """
    check_account_name(name)
    password_hash = hash_secret(check_password(password)) if password is not None else None
    user = store.add_user(name, role, password_hash)
    _, key = create_api_key(store, name)
    return user, key


def check_account_name(name: str) -> str:
    """``name`` when it is a valid account name.

    Raises:
        UsageError: it is empty, longer than 64 characters, or has other characters than
            letters, digits and ``. _ @ -``.
    """
    if not _ACCOUNT_NAME.fullmatch(name):
        raise UsageError(f"an account name is 1 to 64 letters, digits and . _ @ -; got {name!r}")
    return name


def check_password(password: str) -> str:
    """``password`` when it is long enough.

    Raises:
        UsageError: shorter than ``MIN_PASSWORD_LENGTH`` characters.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UsageError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    return password


def session_secret(path: Path) -> str:
    """The key that signs session cookies: read from ``path``, or made there once (mode 0600)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        secret = secrets.token_hex(32)
        file.write(secret + "\n")
    return secret
