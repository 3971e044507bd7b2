"""Secrets: password and API-token hashes, and the server's session key.

They live in tables of their own beside the events, never in an event, and
no export, dump or copy reads them. Passwords are hashed with Argon2id at
its recommended cost; API tokens are 256-bit random secrets, which need no
key stretching, so they are hashed with Argon2id at a light cost (a script
pays it on each request).
"""

from __future__ import annotations

import hashlib
import secrets
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Column, Engine, MetaData, String, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from scaletrack.application.store import StoreURL
from scaletrack.projections.database import engine_for

_METADATA = MetaData()
PASSWORDS = Table("scaletrack_credentials", _METADATA,
                  Column("login", String(64), primary_key=True),
                  Column("password_hash", String(200), nullable=False))
TOKENS = Table("scaletrack_tokens", _METADATA,
               Column("token_id", String(32), primary_key=True),
               Column("login", String(64), nullable=False, index=True),
               Column("token_hash", String(200), nullable=False))
KEYS = Table("scaletrack_server_keys", _METADATA,
             Column("name", String(40), primary_key=True),
             Column("value", String(200), nullable=False))
SECRET_TABLES = tuple(t.name for t in _METADATA.sorted_tables)
"""Tables only the server's database role may read (docs/DEPLOYMENT.md)."""

PASSWORD_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
"""Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): a sign-in
costs about a tenth of a second, a guessed password as much."""
TOKEN_HASHER = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
_VERIFIED_TOKENS_KEPT = 1000


class Credentials:
    """The secrets of a store's accounts."""

    def __init__(self, store: StoreURL) -> None:
        self.store = store
        self._verified: dict[str, str] = {}
        """Tokens already verified in this process (by SHA-256), and their logins: a
        script's every request would otherwise pay for Argon2. Whether the token is
        still valid is the account's to say (its events), asked on every request."""

    @cached_property
    def engine(self) -> Engine:
        engine = engine_for(self.store.url)
        _METADATA.create_all(engine, checkfirst=True)
        return engine

    def create(self) -> None:
        """Create the tables now (``scaletrack init``, as the role that owns the store)."""
        self.engine.connect().close()

    def set_password(self, login: str, password: str) -> None:
        hashed = PASSWORD_HASHER.hash(password)
        with self.engine.begin() as conn:
            if conn.execute(update(PASSWORDS).where(PASSWORDS.c.login == login)
                            .values(password_hash=hashed)).rowcount == 0:
                conn.execute(insert(PASSWORDS).values(login=login, password_hash=hashed))

    def password_matches(self, login: str, password: str) -> bool:
        with self.engine.connect() as conn:
            hashed = conn.execute(select(PASSWORDS.c.password_hash)
                                  .where(PASSWORDS.c.login == login)).scalar()
        if hashed is None:
            PASSWORD_HASHER.hash(password)  # as slow as a known login: no timing oracle
            return False
        return _verifies(PASSWORD_HASHER, hashed, password)

    def add_token(self, login: str, token_id: str, secret: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(TOKENS).values(token_id=token_id, login=login,
                                               token_hash=TOKEN_HASHER.hash(secret)))

    def token_owner(self, token_id: str, secret: str) -> str | None:
        """The login whose token this is, if the secret matches."""
        seen = hashlib.sha256(f"{token_id}:{secret}".encode()).hexdigest()
        if seen in self._verified:
            return self._verified[seen]
        with self.engine.connect() as conn:
            row = conn.execute(select(TOKENS.c.login, TOKENS.c.token_hash)
                               .where(TOKENS.c.token_id == token_id)).first()
        if row is None or not _verifies(TOKEN_HASHER, row.token_hash, secret):
            return None
        if len(self._verified) >= _VERIFIED_TOKENS_KEPT:
            self._verified.clear()
        self._verified[seen] = str(row.login)
        return str(row.login)

    def remove_tokens(self, login: str, token_id: str | None = None) -> None:
        """Forget one token of an account, or all of them."""
        query = delete(TOKENS).where(TOKENS.c.login == login)
        if token_id is not None:
            query = query.where(TOKENS.c.token_id == token_id)
        with self.engine.begin() as conn:
            conn.execute(query)

    def session_key(self) -> str:
        """The key that signs session cookies, made once per store and shared by every
        server process on it (a restart keeps people signed in)."""
        query = select(KEYS.c.value).where(KEYS.c.name == "session")
        with self.engine.connect() as conn:
            key = conn.execute(query).scalar()
        if key is None:
            try:
                with self.engine.begin() as conn:
                    conn.execute(insert(KEYS).values(name="session",
                                                     value=secrets.token_urlsafe(32)))
            except IntegrityError:  # another process made it first: use theirs
                pass
            with self.engine.connect() as conn:
                key = conn.execute(query).scalar()
        return str(key)

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()


def _verifies(hasher: PasswordHasher, hashed: str, secret: str) -> bool:
    try:
        return hasher.verify(hashed, secret)
    except (VerificationError, InvalidHashError):
        return False
