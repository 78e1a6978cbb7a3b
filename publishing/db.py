"""The one module that reaches the database: models, engine, migrations and the data version.

SQLAlchemy 2 models; Alembic migrations in `publishing/migrations`, applied by `migrate()` when the
app starts (so `make run` on a fresh clone needs no set-up). SQLite at `instance/carte.db` by
default, PostgreSQL through `CARTE_DATABASE_URL` (`postgresql+psycopg://…`).

Rules the tables keep:
- versions and their rows are written once and never updated (a withdrawal is a row of its own);
- nothing is deleted;
- `journal` is append-only: who, what, when, from which address;
- `corrections` (reports from anyone) are kept; only their status moves, new → treated;
- `data_version` holds one number, raised by every write that changes what the public sees: each
  worker reads it (at most once a second) to know when to reload.
"""
from __future__ import annotations

import datetime as dt
import os
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    select,
    update,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

import config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
ROLES = ("operator", "coordinator")
# A submission's life: uploaded and previewed by its coordinator (draft), waiting for an operator,
# sent back to its coordinator with a message, or approved (it became a version).
DRAFT, SUBMITTED, SENT_BACK, APPROVED = "draft", "submitted", "sent_back", "approved"
STATUSES = (DRAFT, SUBMITTED, SENT_BACK, APPROVED)
# A correction someone reported: new until an operator marks it treated (« nouveau », « traité »).
CORRECTION_NEW, CORRECTION_TREATED = "new", "treated"


def now() -> dt.datetime:
    """Aware UTC time, stored as such on both databases."""
    return dt.datetime.now(dt.timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class AllianceSetting(Base):
    """What an operator decided for one Alliance (a missing row means the defaults)."""

    __tablename__ = "alliance_settings"
    alliance_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    publish_without_review: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored folded to lower case
    role: Mapped[str] = mapped_column(String(16))
    alliance_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # None for operators
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)  # None until she chooses one
    # Raised by each new invitation: older links stop working and signed-in sessions end.
    credential_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class Invitation(Base):
    __tablename__ = "invitations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_by: Mapped[str] = mapped_column(String(254))


class Submission(Base):
    """One file a coordinator sent: its valid rows, the importer's report, the difference, her note."""

    __tablename__ = "submissions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alliance_id: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    file_name: Mapped[str] = mapped_column(String(255))
    rows: Mapped[list[Any]] = mapped_column(JSON)  # valid rows, data.schema.PROJECT_COLUMNS, JSON values
    report: Mapped[dict[str, Any]] = mapped_column(JSON)  # rows read/valid, errors, warnings
    difference: Mapped[dict[str, Any]] = mapped_column(JSON)  # publishing.difference, against `base_version`
    base_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decision_message: Mapped[str] = mapped_column(Text, default="")


class Version(Base):
    """Version N of an Alliance's publication: written once, never changed."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("alliance_id", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alliance_id: Mapped[str] = mapped_column(String(64), index=True)
    number: Mapped[int] = mapped_column(Integer)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    approved_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    mandataire: Mapped[str] = mapped_column(String(255))  # who publishes, as the public reads it


class VersionRow(Base):
    __tablename__ = "version_rows"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    project_id: Mapped[str] = mapped_column(String(128))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # data.schema.PROJECT_COLUMNS, JSON values


class Withdrawal(Base):
    """A version taken back: the previous one (if any) is current again. The version itself stays."""

    __tablename__ = "withdrawals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class Correction(Base):
    """« Signaler une erreur ou un projet manquant »: what anyone wrote, without an account.

    Kept as sent (text, link, contact), with where it came from (a local page of the site, a project
    id that existed when it was sent) and the Alliance it concerns when the server could tell (so
    that her coordinator sees it). Only its status changes, from new to treated, by an operator.
    """

    __tablename__ = "corrections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)
    text: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str] = mapped_column(String(2000), default="")
    contact: Mapped[str] = mapped_column(String(254), default="")
    page: Mapped[str] = mapped_column(String(1000))
    project_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    alliance_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    lang: Mapped[str] = mapped_column(String(2), default="fr")
    address: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="new")
    treated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    treated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class DataVersion(Base):
    """One row (id 1): the number every worker compares with the data it holds."""

    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class JournalEntry(Base):
    __tablename__ = "journal"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor: Mapped[str] = mapped_column(String(254))  # an address, or « ligne de commande »
    action: Mapped[str] = mapped_column(String(64))
    alliance_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    subject: Mapped[str] = mapped_column(String(255), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    address: Mapped[str] = mapped_column(String(64), default="")


# ---------------------------------------------------------------- engine, per process

_engines: dict[tuple[int, str], Engine] = {}
_lock = threading.Lock()


def configured_or_instance_file(setting: str, file_name: str) -> tuple[str, Path | None]:
    """(the setting's value, None) when it is set; else ("", the file of that name in the instance
    folder, the folder created when missing): what the app keeps by itself when nobody configured it."""
    configured = config.get(setting).strip()
    if configured:
        return configured, None
    path = Path(config.get("instance_dir")) / file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    return "", path


def database_url() -> str:
    """CARTE_DATABASE_URL, or the SQLite file under instance/."""
    url, path = configured_or_instance_file("database_url", "carte.db")
    return url or f"sqlite:///{path}"


# What the driver raises when the database cannot be reached (down, wrong host or port, refused
# password, missing database): the app then says so in one line instead of a traceback.
UNREACHABLE = (OperationalError, InterfaceError)
# Seconds PostgreSQL gets to answer a new connection: a host that drops packets fails fast instead
# of holding a request (or the start) for the system's TCP timeout, about two minutes.
CONNECT_TIMEOUT_SECONDS = 5


class DatabaseUnreachable(RuntimeError):
    """The configured database does not answer; the message names the setting and the host, never the password."""


def unreachable(error: Exception, url: str | None = None) -> DatabaseUnreachable:
    """`error` (one of UNREACHABLE) as one line: the setting, the address without its password, the driver's reason."""
    url = url or database_url()
    parsed = make_url(url)
    shown = parsed.render_as_string(hide_password=True)
    setting = "CARTE_DATABASE_URL" if config.get("database_url").strip() else "CARTE_INSTANCE_DIR (SQLite)"
    where = f"{parsed.host}:{parsed.port or 5432}" if parsed.host else (parsed.database or "?")
    reason = " ".join(str(getattr(error, "orig", None) or error).split())  # one line, whatever the driver wrote
    if parsed.password:
        reason = reason.replace(str(parsed.password), "***")
    return DatabaseUnreachable(f"{setting} = {shown} : base de données injoignable sur {where} ({reason[:300]})")


def _sqlite_pragmas(connection, _record) -> None:
    # WAL: readers (every worker's once-a-second look at data_version) never wait for a writer;
    # busy_timeout: two writers queue instead of failing at once.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def engine(url: str | None = None) -> Engine:
    """The engine of this process for `url` (default: the configured one).

    Keyed by process id: gunicorn forks its workers after the master loaded the app, and a
    connection must never be shared across a fork.
    """
    url = url or database_url()
    key = (os.getpid(), url)
    with _lock:
        if key not in _engines:
            options = {"connect_args": {"connect_timeout": CONNECT_TIMEOUT_SECONDS}} if url.startswith("postgresql") else {}
            made = create_engine(url, pool_pre_ping=True, **options)
            if made.dialect.name == "sqlite":
                event.listen(made, "connect", _sqlite_pragmas)
            _engines[key] = made
        return _engines[key]


def dispose_all() -> None:
    """Close every pooled connection of this process (tests switching databases)."""
    with _lock:
        for made in _engines.values():
            made.dispose()
        _engines.clear()


@contextmanager
def session(url: str | None = None) -> Iterator[Session]:
    """A session in one transaction: committed at the end, rolled back on any error."""
    maker = sessionmaker(engine(url), expire_on_commit=False)
    with maker.begin() as s:
        yield s


def migrate(url: str | None = None) -> None:
    """Bring the database to the latest migration (creates it when new). Safe to call at every start."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine(url).begin() as connection:
        # Already at the latest migration (every start but the first): one SELECT, instead of alembic's
        # whole upgrade machinery (0,15 s of CPU at each start of each process).
        if MigrationContext.configure(connection).get_current_heads() == (_head_revision(),):
            return
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


@lru_cache(maxsize=1)
def _head_revision() -> str:
    """The newest migration of publishing/migrations (read once per process: the files do not change)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


# ---------------------------------------------------------------- the data version

def read_data_version(url: str | None = None) -> int:
    """The one number a worker reads to know whether the public data changed."""
    with engine(url).connect() as connection:
        value = connection.execute(select(DataVersion.number).where(DataVersion.id == 1)).scalar()
    return int(value or 0)


def bump_data_version(s: Session) -> int:
    """Raise the data version inside the caller's transaction (so it changes with the data, or not at all)."""
    s.execute(update(DataVersion).where(DataVersion.id == 1).values(number=DataVersion.number + 1, changed_at=now()))
    return int(s.execute(select(DataVersion.number).where(DataVersion.id == 1)).scalar_one())


def journal(s: Session, action: str, *, actor: str, user_id: int | None = None, alliance_id: str | None = None,
            subject: str = "", detail: dict | None = None, address: str = "") -> None:
    """Append one line to the journal, in the caller's transaction."""
    s.add(JournalEntry(action=action, actor=actor, user_id=user_id, alliance_id=alliance_id, subject=subject[:255],
                       detail=detail or {}, address=(address or "")[:64], at=now()))
