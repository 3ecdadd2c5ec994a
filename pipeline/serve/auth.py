"""Who is asking, and whether they may: accounts, API keys, page sessions, CSRF, rate limits.

- **Secrets are stored as salted scrypt hashes** (``hash_secret``): page passwords, and API keys.
  A key is ``<id>.<secret>``: the id finds its row, the secret is checked against the hash. scrypt
  is slow on purpose (tens of milliseconds), so a key checked once is remembered for the life
  of the process as the SHA-256 of the whole key beside the stored hash it matched; a key
  revoked (its row gone or changed) is never taken from that memory.
- **A caller** is resolved from, in order: ``Authorization: Bearer <key>``, an ``api_key`` field
  of the body (LibreTranslate clients send it so; the handler passes it), the page session.
- **Sessions**: Starlette's ``SessionMiddleware`` signs the cookie (HttpOnly, SameSite=Strict)
  with a secret made once and kept in the data folder (mode 0600). The cookie holds the id of
  a row in the ``sessions`` table (so logging out ends a session for good, and changing a
  password ends them all) and the CSRF token. Every state-changing request that authenticates
  by session must send that token, in the ``X-CSRF-Token`` header or a ``csrf_token`` form field;
  a request with a key needs none (a browser never adds a key by itself).
- **Rate limits**: a token bucket per key, per session, or (for a client with neither, and for
  logins) per address: ``--rate-limit`` requests a minute, and for ``/translate`` also
  ``--max-chars`` characters a minute. The address is the socket's peer; ``X-Forwarded-For`` is
  read only with ``--trust-forwarded-for``, and then only its last entry (the one the office's
  own proxy appended: anything before it is what the client claimed).

The page (``pages.py``) uses ``current_user``, ``login``, ``logout`` and ``csrf_token``; the API
calls ``admit`` first in every handler.
"""

import hashlib
import hmac
import math
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from pipeline.errors import UsageError
from pipeline.serve import ServeOptions
from pipeline.serve.store import Store, User

#: How long a page session lasts (the cookie and its row).
SESSION_LIFETIME = timedelta(days=7)
#: The session cookie's name.
SESSION_COOKIE = "warta_session"
#: The shortest page password accepted.
MIN_PASSWORD_LENGTH = 10
_ACCOUNT_NAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")
#: Methods that change nothing: they need no CSRF token.
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

# scrypt's cost: 16 MiB and some 50 ms a hash (RFC 7914's interactive-login parameters).
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P, _SCRYPT_LENGTH = 2**14, 8, 1, 32
# Buckets kept before idle (full) ones are dropped: clients by address must not grow memory.
_MAX_BUCKETS = 10_000
_MAX_REMEMBERED_KEYS = 10_000


class RateLimited(Exception):
    """A client went over its rate limit (answered 429).

    Attributes:
        retry_after: whole seconds until the request would be accepted.
    """

    def __init__(self, retry_after: int):
        super().__init__(f"too many requests; try again in {retry_after} s")
        self.retry_after = retry_after


class CsrfRefused(Exception):
    """A state-changing request by session without the session's CSRF token (answered 403)."""

    def __init__(self) -> None:
        super().__init__("missing or wrong CSRF token: send the page's token in the X-CSRF-Token header")


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
    """
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


@dataclass
class _Bucket:
    requests: float
    characters: float
    stamp: float


class RateLimiter:
    """Token buckets, one per client: requests a minute and characters a minute.

    Args:
        requests_per_minute: the bucket's size and refill per minute; 0 for no limit.
        characters_per_minute: the same for characters (``/translate``).
    """

    def __init__(self, requests_per_minute: int, characters_per_minute: int):
        self.requests_per_minute = requests_per_minute
        self.characters_per_minute = characters_per_minute
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def check(self, client: str, requests: int = 1, characters: int = 0) -> None:
        """Take ``requests`` and ``characters`` from ``client``'s bucket.

        Raises:
            RateLimited: the bucket has not enough left; nothing is taken then.
        """
        if self.requests_per_minute <= 0:
            return
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get(client)
            if bucket is None:
                if len(self._buckets) >= _MAX_BUCKETS:
                    self._drop_idle(now)
                bucket = self._buckets[client] = _Bucket(self.requests_per_minute, self.characters_per_minute, now)
            self._refill(bucket, now)
            short = [(requests - bucket.requests) * 60 / self.requests_per_minute]
            if characters:
                short.append((characters - bucket.characters) * 60 / max(self.characters_per_minute, 1))
            wait = max(short)
            if wait > 0:
                raise RateLimited(max(1, math.ceil(wait)))
            bucket.requests -= requests
            bucket.characters -= characters

    def __len__(self) -> int:
        return len(self._buckets)

    def _refill(self, bucket: _Bucket, now: float) -> None:
        minutes = (now - bucket.stamp) / 60
        bucket.requests = min(self.requests_per_minute, bucket.requests + minutes * self.requests_per_minute)
        bucket.characters = min(self.characters_per_minute, bucket.characters + minutes * self.characters_per_minute)
        bucket.stamp = now

    def _drop_idle(self, now: float) -> None:
        # A full bucket is the same as none; if every bucket is in use, the oldest half goes.
        for client, bucket in list(self._buckets.items()):
            self._refill(bucket, now)
            if bucket.requests >= self.requests_per_minute and bucket.characters >= self.characters_per_minute:
                del self._buckets[client]
        if len(self._buckets) >= _MAX_BUCKETS:
            for client in sorted(self._buckets, key=lambda name: self._buckets[name].stamp)[: _MAX_BUCKETS // 2]:
                del self._buckets[client]


@dataclass
class AuthState:
    """What the functions of this module need, kept on the app (``app.state.auth``).

    Attributes:
        store: the server's store.
        options: its limits and trust settings.
        limiter: the rate limiter.
        remembered_keys: key id -> (the stored hash it matched, SHA-256 of the whole key).
    """

    store: Store
    options: ServeOptions
    limiter: RateLimiter
    remembered_keys: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def create(cls, store: Store, options: ServeOptions) -> "AuthState":
        """The state for a server with ``options``."""
        return cls(store, options, RateLimiter(options.rate_limit, options.max_chars))

    def key_user(self, key: str) -> tuple[str, User] | None:
        """(key id, account) of a valid API key; None for a malformed, unknown or revoked one."""
        key_id, dot, secret = key.strip().partition(".")
        if not dot or not key_id or not secret or len(key) > 200:
            return None
        record = self.store.key(key_id)
        if record is None:
            return None
        fingerprint = hashlib.sha256(key.strip().encode()).digest()
        with self.lock:
            remembered = self.remembered_keys.get(key_id)
        if remembered is None or remembered[0] != record.hash or not hmac.compare_digest(remembered[1], fingerprint):
            if not verify_secret(secret, record.hash):
                return None
            with self.lock:
                if len(self.remembered_keys) >= _MAX_REMEMBERED_KEYS:
                    self.remembered_keys.clear()
                self.remembered_keys[key_id] = (record.hash, fingerprint)
        user = self.store.user(record.user)
        return (key_id, user) if user is not None else None


@dataclass(frozen=True)
class Caller:
    """Who sent a request.

    Attributes:
        user: the account, or None.
        via: how it was recognised: ``key``, ``session``, or "" for nobody.
        client: the rate limiter's name for the caller (its key, session or address).
        key_given: a key was presented, valid or not (LibreTranslate answers 403 to a wrong key,
            400 to none).
    """

    user: User | None
    via: str
    client: str
    key_given: bool = False


def _state(request: Any) -> AuthState:
    state: AuthState = request.app.state.auth
    return state


def client_address(request: Any) -> str:
    """The client's address for limits: the socket's peer, or with ``--trust-forwarded-for`` the
    last ``X-Forwarded-For`` entry (the one the office's proxy appended)."""
    peer = request.client.host if request.client else "unknown"
    if _state(request).options.trust_forwarded_for:
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1][:100]
    return peer


def _bearer(request: Any) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def resolve(request: Any, api_key: str | None = None) -> Caller:
    """Who sent ``request``: from the Bearer key, else ``api_key`` (a body field), else the session.

    The answer is kept on the request (``request.state.caller``), so a handler and the page
    may both ask. Checking a key the first time takes scrypt's time (tens of milliseconds).
    """
    cached: Caller | None = getattr(request.state, "caller", None)
    if cached is not None and (cached.user is not None or not api_key):
        return cached
    state = _state(request)
    key = _bearer(request) or (api_key.strip() if isinstance(api_key, str) and api_key.strip() else None)
    if key is not None:
        found = state.key_user(key)
        if found is not None:
            caller = Caller(found[1], "key", f"key:{found[0]}", key_given=True)
        else:
            caller = Caller(None, "", f"address:{client_address(request)}", key_given=True)
    else:
        session_id = request.session.get("sid") if "session" in request.scope else None
        user = state.store.session_user(session_id) if isinstance(session_id, str) else None
        if user is not None:
            caller = Caller(user, "session", f"session:{session_id}")
        else:
            caller = Caller(None, "", f"address:{client_address(request)}")
    request.state.caller = caller
    return caller


def current_user(request: Any) -> User | None:
    """The account behind ``request`` (Bearer key, or the page session), or None."""
    return resolve(request).user


def csrf_token(request: Any) -> str:
    """The session's CSRF token (made and kept in the session cookie on first use).

    Every state-changing request that authenticates by session must send it back, in the
    ``X-CSRF-Token`` header or a ``csrf_token`` form field.
    """
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def csrf_valid(request: Any, submitted: str | None = None) -> bool:
    """Whether the request carries the session's CSRF token (header, else ``submitted``: a form field)."""
    token = request.session.get("csrf") if "session" in request.scope else None
    given = request.headers.get("x-csrf-token") or submitted
    return isinstance(token, str) and bool(token) and isinstance(given, str) and hmac.compare_digest(given.encode(), token.encode())


def admit(request: Any, api_key: str | None = None, characters: int = 0, csrf_field: str | None = None) -> Caller:
    """What every API handler calls first: who is asking, within their rate limit, with their CSRF token.

    Args:
        request: the request.
        api_key: an ``api_key`` field of the body, when the handler read one.
        characters: characters to count against the caller's character limit (``/translate``).
        csrf_field: a ``csrf_token`` form field, when the handler read one.

    Returns:
        The caller (``user`` None when nobody is recognised: the handler answers 401, or as
        LibreTranslate does).

    Raises:
        RateLimited: over the caller's limit.
        CsrfRefused: a state-changing request by session without the session's token.
    """
    caller = resolve(request, api_key)
    _state(request).limiter.check(caller.client, 1, characters)
    if caller.via == "session" and request.method not in SAFE_METHODS and not csrf_valid(request, csrf_field):
        raise CsrfRefused()
    return caller


_UNUSED_HASH: list[str] = []


def login(request: Any, name: str, password: str) -> User | None:
    """Check a page login and start a session (the cookie is set with the response).

    Attempts count against the client address's rate limit, so passwords cannot be tried fast.

    Returns:
        The account, or None when the name and password do not match one.

    Raises:
        RateLimited: too many attempts from this address.
    """
    state = _state(request)
    state.limiter.check(f"login:{client_address(request)}")
    stored = state.store.password_hash(name)
    if stored is None:
        # the same work for an unknown name, so timing does not tell which names exist
        if not _UNUSED_HASH:
            _UNUSED_HASH.append(hash_secret(secrets.token_hex(8)))
        verify_secret(password, _UNUSED_HASH[0])
        return None
    if not verify_secret(password, stored):
        return None
    user = state.store.user(name)
    if user is None:
        return None
    old = request.session.get("sid")
    if isinstance(old, str):
        state.store.end_session(old)
    request.session.clear()
    request.session["sid"] = state.store.add_session(user.name, SESSION_LIFETIME)
    request.session["csrf"] = secrets.token_urlsafe(32)  # a new token with the new session
    request.state.caller = Caller(user, "session", f"session:{request.session['sid']}")
    return user


def logout(request: Any) -> None:
    """End the request's page session (its row and the cookie's content)."""
    session_id = request.session.get("sid")
    if isinstance(session_id, str):
        _state(request).store.end_session(session_id)
    request.session.clear()
    request.state.caller = Caller(None, "", f"address:{client_address(request)}")
