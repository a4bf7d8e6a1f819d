"""Local accounts (账号): first administrator, sign-in with argon2 hashes and lockout.

On an encrypted station every active account also has its own wrapped copy of the data key in
the key file (clerk_app/store/keys.py): creating an account or resetting/changing a password
(re-)wraps that account's copy, disabling an account removes it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clerk_app.i18n import _
from clerk_app.services.station.context import SYSTEM_ACTOR, Actor, ServiceContext
from clerk_app.services.station.journal import audit
from clerk_app.services.station.permissions import Permission, Role, require
from clerk_app.store.keys import KeyFile, key_file_path
from clerk_app.store.models import User

log = logging.getLogger(__name__)

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 8


class AccountError(ValueError):
    """A problem the user can fix, in Chinese."""


@dataclass(frozen=True)
class AccountInfo:
    user_id: int
    username: str
    display_name: str
    role: str
    window: str
    active: bool
    locked: bool


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(_("密码至少 {n} 位").format(n=MIN_PASSWORD))
    if password.isdigit() or password.isalpha():
        raise AccountError(_("密码须同时包含字母和数字"))


class AccountService:
    """Create, sign in, disable and reset local accounts."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._hasher = PasswordHasher()

    def has_accounts(self) -> bool:
        with self.ctx.db.reading() as session:
            return bool(session.scalar(select(func.count(User.id))))

    def create_first_admin(self, username: str, display_name: str, password: str) -> Actor:
        """The setup dialog's administrator; only when there is no account yet."""
        if self.has_accounts():
            raise AccountError(_("已有账号，不能再次初始化管理员"))
        return self._create(SYSTEM_ACTOR, username, display_name, password, Role.ADMIN, "")

    def create(self, actor: Actor, username: str, display_name: str, password: str,
               role: Role, window: str = "") -> Actor:
        require(self.ctx, actor, Permission.MANAGE_ACCOUNTS)
        return self._create(actor, username, display_name, password, role, window)

    def _create(self, actor: Actor, username: str, display_name: str, password: str,
                role: Role, window: str) -> Actor:
        username = username.strip()
        if not username or len(username) > 40 or not username.isascii() or " " in username:
            raise AccountError(_("用户名应为 1–40 位字母、数字或符号，不含空格"))
        if not display_name.strip():
            raise AccountError(_("请填写姓名"))
        _check_password(password)
        now = self.ctx.now()
        with self.ctx.db.transaction() as session:
            if session.scalars(select(User).where(User.username == username)).first():
                raise AccountError(_("用户名「{u}」已存在").format(u=username))
            user = User(username=username, display_name=display_name.strip(), role=role.value,
                        window=window, password_hash=self._hasher.hash(password), active=True,
                        failed_logins=0, created_at=now)
            session.add(user)
            session.flush()
            audit(session, actor, "account_created", "user", username, now,
                  after={"role": role.value, "window": window})
            self._put_key_copy(username, password)  # before the commit: no account without it
            return Actor(user.id, user.username, user.display_name, user.role, user.window)

    def sign_in(self, username: str, password: str, *, password_proven: bool = False) -> Actor:
        """Check the password; lock the account for a while after repeated failures.

        A failed attempt is committed (count, lock, audit) before the error is raised.
        `password_proven`: the caller has just unwrapped this account's key copy with this
        password (argon2id, at start-up), so the second argon2 check is skipped."""
        now = self.ctx.now()
        failure: str | None = None
        with self.ctx.db.transaction() as session:
            user = session.scalars(select(User).where(User.username == username.strip())).first()
            if user is None:
                raise AccountError(_("用户名或密码不正确"))
            if not user.active:
                raise AccountError(_("该账号已停用，请联系管理员"))
            if user.locked_until and user.locked_until > now:
                minutes = int((user.locked_until - now).total_seconds() // 60) + 1
                raise AccountError(_("密码连续错误次数过多，账号已锁定，请 {m} 分钟后再试或联系管理员").format(
                    m=minutes))
            actor = Actor(user.id, user.username, user.display_name, user.role, user.window)
            try:
                if not password_proven:
                    self._hasher.verify(user.password_hash, password)
            except (VerificationError, InvalidHashError):
                user.failed_logins += 1
                if user.failed_logins >= MAX_FAILED_LOGINS:
                    user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                    user.failed_logins = 0
                    audit(session, actor, "account_locked", "user", user.username, now)
                    failure = _("密码连续错误 {n} 次，账号锁定 {m} 分钟").format(
                        n=MAX_FAILED_LOGINS, m=LOCK_MINUTES)
                else:
                    audit(session, actor, "sign_in_failed", "user", user.username, now)
                    failure = _("用户名或密码不正确（还可尝试 {n} 次）").format(
                        n=MAX_FAILED_LOGINS - user.failed_logins)
            else:
                user.failed_logins = 0
                user.locked_until = None
                if self._hasher.check_needs_rehash(user.password_hash):
                    user.password_hash = self._hasher.hash(password)
                if self._lacks_key_copy(user.username):
                    # signed in on an open database (switch user, after a conversion): the
                    # password is proven, so this account gets its copy for the next start
                    self._put_key_copy(user.username, password)
                    audit(session, actor, "key_copy_created", "user", user.username, now)
                audit(session, actor, "signed_in", "user", user.username, now)
        if failure is not None:
            raise AccountError(failure)
        return actor

    def verify_password(self, actor: Actor, password: str) -> bool:
        """For the idle screen lock: the signed-in user types the password again."""
        try:
            self.sign_in(actor.username, password)
        except AccountError:
            return False
        return True

    def list_accounts(self, actor: Actor) -> list[AccountInfo]:
        require(self.ctx, actor, Permission.MANAGE_ACCOUNTS)
        now = self.ctx.now()
        with self.ctx.db.reading() as session:
            return [AccountInfo(u.id, u.username, u.display_name, u.role, u.window, u.active,
                                bool(u.locked_until and u.locked_until > now))
                    for u in session.scalars(select(User).order_by(User.username))]

    def set_active(self, actor: Actor, username: str, active: bool) -> None:
        require(self.ctx, actor, Permission.MANAGE_ACCOUNTS)
        with self.ctx.db.transaction() as session:
            user = self._user(session, username)
            if user.id == actor.user_id and not active:
                raise AccountError(_("不能停用自己的账号"))
            user.active = active
            audit(session, actor, "account_enabled" if active else "account_disabled", "user",
                  username, self.ctx.now())
            if not active:  # the password of someone who left no longer opens the data
                self._remove_key_copy(username)

    def reset_password(self, actor: Actor, username: str, new_password: str) -> None:
        require(self.ctx, actor, Permission.MANAGE_ACCOUNTS)
        _check_password(new_password)
        with self.ctx.db.transaction() as session:
            user = self._user(session, username)
            user.password_hash = self._hasher.hash(new_password)
            user.failed_logins = 0
            user.locked_until = None
            audit(session, actor, "password_reset", "user", username, self.ctx.now())
            if user.active:
                self._put_key_copy(username, new_password)

    def change_own_password(self, actor: Actor, old_password: str, new_password: str) -> None:
        """The signed-in user changes their password; only their own key copy is re-wrapped."""
        _check_password(new_password)
        if new_password == old_password:
            raise AccountError(_("新密码不能与原密码相同"))
        with self.ctx.db.transaction() as session:
            user = session.get(User, actor.user_id)
            if user is None or not user.active:
                raise AccountError(_("该账号已停用，请联系管理员"))
            try:
                self._hasher.verify(user.password_hash, old_password)
            except (VerificationError, InvalidHashError):
                raise AccountError(_("原密码不正确")) from None
            user.password_hash = self._hasher.hash(new_password)
            audit(session, actor, "password_changed", "user", user.username, self.ctx.now())
            self._put_key_copy(user.username, new_password)

    def recover_admin(self, username: str, new_password: str) -> Actor:
        """After the recovery code opened the data: an administrator gets a new password."""
        _check_password(new_password)
        with self.ctx.db.transaction() as session:
            user = self._user(session, username)
            if user.role != Role.ADMIN.value or not user.active:
                raise AccountError(_("「{u}」不是启用中的管理员账号").format(u=username))
            user.password_hash = self._hasher.hash(new_password)
            user.failed_logins = 0
            user.locked_until = None
            actor = Actor(user.id, user.username, user.display_name, user.role, user.window)
            audit(session, actor, "password_recovered", "user", username, self.ctx.now())
            self._put_key_copy(username, new_password)
            return actor

    def admins(self) -> list[str]:
        """User names of the active administrators (the recovery dialog offers them)."""
        with self.ctx.db.reading() as session:
            return list(session.scalars(select(User.username).where(
                User.role == Role.ADMIN.value, User.active.is_(True)).order_by(User.username)))

    def accounts_without_key_copy(self) -> list[str]:
        """Active accounts that cannot sign in at start (no key copy): they need a reset."""
        if self.ctx.db.key is None:
            return []
        keys = KeyFile.load(key_file_path(self.ctx.db.path))
        with self.ctx.db.reading() as session:
            return [name for name in session.scalars(select(User.username).where(
                User.active.is_(True)).order_by(User.username)) if not keys.has_account(name)]

    # -- key copies (only on an encrypted database) --------------------------------------------

    def _put_key_copy(self, username: str, password: str) -> None:
        key = self.ctx.db.key
        if key is None:
            return
        with KeyFile.editing(key_file_path(self.ctx.db.path), key) as keys:
            keys.put_account(username, password, key)

    def _remove_key_copy(self, username: str) -> None:
        if self.ctx.db.key is None:
            return
        with KeyFile.editing(key_file_path(self.ctx.db.path)) as keys:
            keys.remove_account(username)

    def _lacks_key_copy(self, username: str) -> bool:
        if self.ctx.db.key is None:
            return False
        try:
            return not KeyFile.load(key_file_path(self.ctx.db.path)).has_account(username)
        except FileNotFoundError:
            return True

    @staticmethod
    def _user(session: Session, username: str) -> User:
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            raise AccountError(_("没有用户名为「{u}」的账号").format(u=username))
        return user
