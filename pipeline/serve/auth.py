"""Who is asking, and whether they may: API keys, page sessions, CSRF tokens, and the rate limit.

- **A caller** is resolved from, in order: ``Authorization: Bearer <key>``, an ``api_key`` field
  of the body (LibreTranslate clients send it so; the handler passes it), the page session. A
  key is checked with scrypt (``accounts.verify_secret``, tens of milliseconds), so a key checked
  once is remembered for the life of the process as the SHA-256 of the whole key beside the
  stored hash it matched; a key revoked (its row gone or changed) is never taken from that memory.
- **Sessions**: Starlette's ``SessionMiddleware`` signs the cookie (HttpOnly, ``SameSite=Lax``:
  a review link opened from e-mail or chat arrives with the session) with a secret made once
  and kept in the data folder. The cookie holds the id of a row in the ``sessions`` table (so
  logging out ends a session for good, and changing a password ends them all) and the CSRF
  token. Every state-changing request that authenticates by session must send that token, in
  the ``X-CSRF-Token`` header or a ``csrf_token`` form field (the login and logout forms too); a
  request with a key needs none (a browser never adds a key by itself). GETs change no review.
- **Rate limits** (``ratelimit``): a key or a session has two buckets of ``--rate-limit``
  requests a minute, one for reads (GET, HEAD) and one for changes, so the page's polling never
  starves its own edits; a client with neither, and every login, is limited by address; and
  ``/translate`` also counts ``--max-chars`` characters a minute. The address is the socket's
  peer; ``X-Forwarded-For`` is read only with ``--trust-forwarded-for``, and then only its last
  entry (the one the office's own proxy appended: anything before it is what the client claimed).

The page (``pages.py``) uses ``current_user``, ``login``, ``logout``, ``csrf_token`` and
``csrf_valid``; the API calls ``admit`` first in every handler.
"""

import hashlib
import hmac
import ipaddress
import secrets
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from pipeline.serve import ServeOptions
from pipeline.serve.accounts import hash_secret, verify_secret
from pipeline.serve.cleaning import is_text
from pipeline.serve.ratelimit import RateLimiter
from pipeline.serve.store import Store, User

#: How long a page session lasts (the cookie and its row).
SESSION_LIFETIME = timedelta(days=7)
#: The session cookie's name.
SESSION_COOKIE = "warta_session"
#: The cookie's SameSite: a link from another site (e-mail, chat) is a top-level GET and brings
#: the session; another site's form or script request does not (and would lack the CSRF token).
SESSION_SAME_SITE: Literal["lax"] = "lax"
#: Methods that change nothing: they need no CSRF token, and count against the read bucket.
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

_MAX_REMEMBERED_KEYS = 10_000


class CsrfRefused(Exception):
    """A state-changing request by session without the session's CSRF token (answered 403)."""

    def __init__(self) -> None:
        super().__init__("missing or wrong CSRF token: send the page's token in the X-CSRF-Token header")


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

    def key_user(self, key: str, address: str | None = None) -> tuple[str, User] | None:
        """(key id, account) of a valid API key; None for a malformed, unknown or revoked one.

        A key not checked before costs scrypt's time and memory: with the caller's ``address``,
        each such check takes a request from the address's own ``keycheck`` bucket first, so a
        stream of wrong secrets for a known key id is refused before the work, not after it.

        Raises:
            RateLimited: the address checked too many keys too fast.
        """
        key_id, dot, secret = key.strip().partition(".")
        if not dot or not key_id or not secret or len(key) > 200 or not is_text(key):
            return None
        record = self.store.key(key_id)
        if record is None:
            return None
        fingerprint = hashlib.sha256(key.strip().encode()).digest()
        with self.lock:
            remembered = self.remembered_keys.get(key_id)
        if remembered is None or remembered[0] != record.hash or not hmac.compare_digest(remembered[1], fingerprint):
            if address is not None:
                self.limiter.check(f"keycheck:{address}")
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
    last ``X-Forwarded-For`` entry (the one the office's proxy appended).

    An IPv6 address counts as its /64 network: one host holds a whole /64 (SLAAC, privacy
    addresses) and could otherwise take a new bucket for every request.
    """
    address = request.client.host if request.client else "unknown"
    if _state(request).options.trust_forwarded_for:
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()]
        if forwarded:
            address = forwarded[-1][:100]
    try:
        parsed = ipaddress.ip_address(address.strip("[]").split("%")[0])
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


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
        found = state.key_user(key, client_address(request))
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


def rate_client(caller: Caller, method: str) -> str:
    """The rate limiter's name for a request of ``caller``: a key or session has a read lane and a
    write lane (so polling never starves edits); a caller by address has one bucket."""
    if caller.user is None:
        return caller.client
    return f"{caller.client}:{'read' if method in SAFE_METHODS else 'write'}"


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
    _state(request).limiter.check(rate_client(caller, request.method), 1, characters)
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
