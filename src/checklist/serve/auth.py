"""Accounts, who is visiting, and the per-session CSRF token every form carries.

Without accounts the page serves whoever reaches it, which is why it then listens on 127.0.0.1
only. With accounts every page but the login asks for one: a unit's account sees its own unit, a
department (宣传部) account the units listed for it (all units when none are listed).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.requests import Request

from checklist.serve.store import Store, Units

ROLES = ("unit", "department")
_hasher = PasswordHasher()
# Verifying against this when the name is unknown keeps a wrong name as slow as a wrong password.
_DUMMY = _hasher.hash("checklist-no-such-user")


@dataclass(frozen=True)
class Visitor:
    name: str  # "" when the page runs without accounts
    role: str  # "local" without accounts
    units: Units  # units this visitor may see (None: all)

    @property
    def signed_in(self) -> bool:
        return bool(self.name)


LOCAL = Visitor(name="", role="local", units=None)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(store: Store, name: str, password: str) -> bool:
    user = store.user(name)
    try:
        return _hasher.verify(user["password_hash"] if user else _DUMMY, password) and user is not None
    except (VerificationError, InvalidHashError):
        return False


def visitor(request: Request, store: Store, accounts: bool) -> Visitor | None:
    """Who this is; None when accounts exist and nobody is signed in."""
    if not accounts:
        return LOCAL
    name = request.session.get("user")
    user = store.user(name) if isinstance(name, str) else None
    if user is None:
        return None
    units = frozenset(user["units"])
    if user["role"] == "department" and not units:
        return Visitor(user["name"], "department", None)
    return Visitor(user["name"], user["role"], units)


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def csrf_ok(request: Request, sent: object) -> bool:
    token = request.session.get("csrf")
    return isinstance(token, str) and isinstance(sent, str) and hmac.compare_digest(token, sent)
