"""Users, passwords and invitations.

- Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's second recommended set);
  a password is refused when shorter than MIN_PASSWORD_LENGTH or when it is a common one, alone or
  with digits and symbols around it (publishing/common_passwords.txt).
- An invitation is a link signed with the server's secret key (itsdangerous), valid 7 days and
  once: it names an invitation row, which is marked used when she chooses her password. A new
  invitation raises the user's credential epoch: older links stop working and her open sessions end,
  which is how a forgotten password is reset (the operator invites her again).
- The app sends no mail: the operator passes the link.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

import config
from publishing import db, territory
from publishing.db import Invitation, User
from web import public_url

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200  # argon2 would hash a megabyte; nobody types one
INVITATION_DAYS = 7
COMMON_PASSWORDS = Path(__file__).resolve().parent / "common_passwords.txt"
_HASHER = PasswordHasher()  # argon2id
# A hash of nothing anyone can type (a random token, thrown away), checked when the address is unknown,
# so that an unknown address and a wrong password cost the same time and get the same answer. Written
# here rather than hashed at import: hashing cost every process 0,2 s of CPU and 64 MiB at start. Its
# parameters must be the hasher's (tests/test_publishing_web.py checks it), or the two would not cost the same.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$f7eHOCqeFimIOMSVGNQIyg$fYdSnB6qqC5eVlz76+yk6wY1QbclQjdzQgy5lR0Kp4A"
_SALT = "carte-invitation"
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")


class AccountError(ValueError):
    """A refused account operation, with a message for the person (French and English keys)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def secret_key() -> str:
    """CARTE_SECRET_KEY, or a key generated once into the instance folder (shared by workers and restarts)."""
    configured, path = db.configured_or_instance_file("secret_key", "secret_key")
    if configured:
        return configured
    try:
        with open(path, "x", encoding="ascii") as f:  # "x": two workers starting at once never both write
            f.write(secrets.token_urlsafe(48))
        path.chmod(0o600)
    except FileExistsError:
        pass
    return path.read_text(encoding="ascii").strip()


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, email: str = "") -> str | None:
    """Why `password` is refused (a message code), or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "too_short"
    if len(password) > MAX_PASSWORD_LENGTH:
        return "too_long"
    folded = password.lower()
    core = re.sub(r"^[\d\W_]+|[\d\W_]+$", "", folded)
    local = email.split("@")[0].lower()
    if folded in _common() or core in _common() or (local and core == local) or len(set(folded)) < 4:
        return "common"
    return None


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def normal_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not EMAIL.match(email):
        raise AccountError("bad_email")
    return email


def invite(s: Session, email: str, role: str, alliance_id: str | None, by: str, address: str = "") -> str:
    """Create (or reset) the user and return the invitation token (signed, 7 days, usable once)."""
    if role not in db.ROLES:
        raise AccountError("bad_role")
    email = normal_email(email)
    alliance = territory.find_alliance(alliance_id).alliance_id if role == "coordinator" else None
    user = s.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        user = User(email=email, role=role, alliance_id=alliance, credential_epoch=0, created_at=db.now())
        s.add(user)
    else:
        # A new invitation resets the password: the old one, old links and open sessions stop working.
        user.role, user.alliance_id = role, alliance
        user.password_hash = None
        user.credential_epoch += 1
    s.flush()
    invitation = Invitation(user_id=user.id, created_at=db.now(), created_by=by,
                            expires_at=db.now() + dt.timedelta(days=INVITATION_DAYS))
    s.add(invitation)
    s.flush()
    db.journal(s, "invite", actor=by, alliance_id=alliance, subject=email, detail={"role": role}, address=address)
    return _serializer().dumps({"i": invitation.id, "e": user.credential_epoch})


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key(), salt=_SALT)


def invitation_for(s: Session, token: str) -> tuple[Invitation, User]:
    """The invitation a token names, if still valid; AccountError("invitation_invalid") otherwise."""
    try:
        data = _serializer().loads(token, max_age=INVITATION_DAYS * 24 * 3600)
        invitation = s.get(Invitation, int(data["i"]))
        epoch = int(data["e"])
    except (BadSignature, SignatureExpired, KeyError, TypeError, ValueError):
        raise AccountError("invitation_invalid") from None
    if invitation is None or invitation.used_at is not None:
        raise AccountError("invitation_invalid")
    user = s.get(User, invitation.user_id)
    expires = invitation.expires_at if invitation.expires_at.tzinfo else invitation.expires_at.replace(tzinfo=dt.timezone.utc)
    if user is None or user.credential_epoch != epoch or expires < db.now():
        raise AccountError("invitation_invalid")
    return invitation, user


def accept(s: Session, token: str, password: str, address: str = "") -> User:
    """She chooses her password through her invitation (used once)."""
    invitation, user = invitation_for(s, token)
    problem = password_problem(password, user.email)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    invitation.used_at = db.now()
    db.journal(s, "password_set", actor=user.email, user_id=user.id, alliance_id=user.alliance_id,
               subject=user.email, address=address)
    return user


def authenticate(s: Session, email: str, password: str, address: str = "") -> User | None:
    """The user if the address and password match; None otherwise, in the same time either way."""
    email = (email or "").strip().lower()[:254]
    user = s.execute(select(User).where(User.email == email)).scalar_one_or_none() if email else None
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    try:
        _HASHER.verify(stored, (password or "")[:MAX_PASSWORD_LENGTH])
        ok = user is not None and stored is not _DUMMY_HASH
    except (VerificationError, InvalidHashError):
        ok = False
    db.journal(s, "sign_in" if ok else "sign_in_failed", actor=email or "?", user_id=user.id if ok else None,
               alliance_id=user.alliance_id if ok else None, subject=email, address=address)
    if ok and _HASHER.check_needs_rehash(stored):
        user.password_hash = hash_password(password)
    return user if ok else None


def invitation_url(token: str) -> str:
    base = public_url.configured()
    if not base:
        host = config.get("host")
        base = f"http://{'[' + host + ']' if ':' in host else host}:{config.get('port')}"
    return f"{base}/publier/invitation/{token}"
