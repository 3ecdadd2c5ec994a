"""The store's accounts, API keys and page sessions (``users``, ``api_keys``, ``sessions``).

Only hashes are ever given to these functions: ``accounts`` makes and checks passwords and keys.
"""

import secrets
from datetime import UTC, datetime, timedelta

from pipeline.serve.database import Database, now
from pipeline.serve.records import ROLES, KeyRecord, StoreError, User


class UserStore(Database):
    """Accounts, keys and sessions; each function one transaction."""

    # --- accounts -----------------------------------------------------------------------------

    def add_user(self, name: str, role: str, password_hash: str | None) -> User:
        """Create an account.

        Raises:
            StoreError: the name is taken, or the role is not one of ``ROLES``.
        """
        if role not in ROLES:
            raise StoreError(f"a role is {' or '.join(ROLES)}; got '{role}'")
        with self._write() as db:
            if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise StoreError(f"an account named '{name}' exists already")
            db.execute("INSERT INTO users VALUES (?, ?, ?, ?)", (name, role, password_hash, now()))
        return User(name, role)

    def user(self, name: str) -> User | None:
        """The account ``name``, or None."""
        with self._read() as db:
            row = db.execute("SELECT name, role FROM users WHERE name = ?", (name,)).fetchone()
        return User(*row) if row else None

    def password_hash(self, name: str) -> str | None:
        """The stored hash of ``name``'s page password (None: no such account, or no password)."""
        with self._read() as db:
            row = db.execute("SELECT password_hash FROM users WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_password_hash(self, name: str, password_hash: str) -> None:
        """Set ``name``'s page password (its hash); ends the account's sessions.

        Raises:
            StoreError: no such account.
        """
        with self._write() as db:
            if db.execute("UPDATE users SET password_hash = ? WHERE name = ?", (password_hash, name)).rowcount == 0:
                raise StoreError(f"no account named '{name}'")
            db.execute("DELETE FROM sessions WHERE user = ?", (name,))

    def users(self) -> list[User]:
        """Every account, by name."""
        with self._read() as db:
            return [User(*row) for row in db.execute("SELECT name, role FROM users ORDER BY name")]

    # --- API keys -----------------------------------------------------------------------------

    def add_key(self, user: str, key_id: str, key_hash: str) -> KeyRecord:
        """Store an API key of ``user`` (its id and the hash of its secret).

        Raises:
            StoreError: no such account.
        """
        created = now()
        with self._write() as db:
            if not db.execute("SELECT 1 FROM users WHERE name = ?", (user,)).fetchone():
                raise StoreError(f"no account named '{user}'")
            db.execute("INSERT INTO api_keys VALUES (?, ?, ?, ?)", (key_id, user, key_hash, created))
        return KeyRecord(key_id, user, key_hash, created)

    def key(self, key_id: str) -> KeyRecord | None:
        """The API key ``key_id``, or None."""
        with self._read() as db:
            row = db.execute("SELECT id, user, hash, created_at FROM api_keys WHERE id = ?", (key_id,)).fetchone()
        return KeyRecord(*row) if row else None

    def keys(self, user: str) -> list[KeyRecord]:
        """``user``'s API keys, oldest first."""
        with self._read() as db:
            rows = db.execute("SELECT id, user, hash, created_at FROM api_keys WHERE user = ? ORDER BY created_at, id", (user,))
            return [KeyRecord(*row) for row in rows]

    def delete_key(self, user: str, key_id: str) -> bool:
        """Revoke ``user``'s key ``key_id``; False when there was no such key."""
        with self._write() as db:
            return db.execute("DELETE FROM api_keys WHERE id = ? AND user = ?", (key_id, user)).rowcount > 0

    # --- sessions -----------------------------------------------------------------------------

    def add_session(self, user: str, lifetime: timedelta) -> str:
        """Start a page session of ``user``; returns its id (random). Expired sessions are removed."""
        session_id = secrets.token_urlsafe(24)
        started = datetime.now(UTC)
        with self._write() as db:
            db.execute("DELETE FROM sessions WHERE expires_at < ?", (now(),))
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)",
                       (session_id, user, now(), (started + lifetime).isoformat(timespec="milliseconds").replace("+00:00", "Z")))
        return session_id

    def session_user(self, session_id: str) -> User | None:
        """The account of the live session ``session_id``, or None (ended, expired, unknown)."""
        with self._read() as db:
            row = db.execute(
                "SELECT users.name, users.role FROM sessions JOIN users ON users.name = sessions.user "
                "WHERE sessions.id = ? AND sessions.expires_at >= ?", (session_id, now()),
            ).fetchone()
        return User(*row) if row else None

    def end_session(self, session_id: str) -> None:
        """End the session ``session_id`` (nothing happens when there is none)."""
        with self._write() as db:
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
