"""Signing in and out, and for admins the staff accounts and the audit log."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from ...app_state import app_state
from ...db import get_session
from ...rate_limits import email_rate_key, rate_limits, subnet_rate_key
from .. import auth, operations
from ..forms import ActionForm, LoginForm, UserForm
from ..models import AuditEntry, Role, StaffUser
from . import bp

# The audit page shows the latest entries; older ones stay in the table.
AUDIT_ENTRIES_SHOWN = 500


def _login_limit() -> str:
    return app_state().config.staff_login_limit


def _login_limit_per_subnet() -> str:
    return app_state().config.staff_login_limit_per_subnet


# Per client address (the limiter's default key), and per account whatever the address (the
# e-mail address typed, normalised as check_password does), so that guessing one account's
# password from many addresses is as slow as from one; and per /24 (or /64), so that trying
# many accounts needs more than a block of neighbouring addresses.
@bp.route("/login", methods=["GET", "POST"])
@rate_limits.limit(_login_limit, methods=("POST",))
@rate_limits.limit(_login_limit_per_subnet, subnet_rate_key, methods=("POST",))
@rate_limits.limit(_login_limit, email_rate_key, methods=("POST",))
def login() -> ResponseReturnValue:
    """Sign in with an e-mail address and password."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        db = get_session()
        user = auth.check_password(db, form.email.data, form.password.data)
        if user is None:
            error = _("Wrong e-mail address or password.")
        else:
            if current_user.is_authenticated:  # signing in again: the old session ends here
                auth.close_session(db, current_user)
            identity = operations.record_login(db, user,
                                               app_state().config.staff_session_max_hours)
            db.commit()
            login_user(identity)
            auth.start_session()
            return redirect(_safe_next(request.args.get("next") or ""), 303)
    return render_template("staff/login.html", form=form, error=error), 401 if error else 200


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out, on the server too: a copy of the session cookie no longer works."""
    db = get_session()
    auth.close_session(db, current_user)
    db.commit()
    logout_user()
    return redirect(url_for("staff.login"), 303)


@bp.get("/users")
def users() -> ResponseReturnValue:
    """The staff accounts, with a form for a new one."""
    return _render_users(UserForm())


@bp.post("/users")
def user_create() -> ResponseReturnValue:
    """Add a staff account."""
    form = UserForm()
    if not form.validate():
        return _render_users(form), 422
    db = get_session()
    user = operations.create_user(db, form.email.data, form.password.data, form.role.data,
                                  current_user)
    if user is None:
        flash(_("An account with this address exists already."), "error")
    else:
        db.commit()
    return redirect(url_for("staff.users"), 303)


@bp.post("/users/<int:user_id>")
def user_update(user_id: int) -> ResponseReturnValue:
    """Change an account's role, or deactivate it."""
    db = get_session()
    user = db.get(StaffUser, user_id)
    if user is None:
        abort(404)
    if not ActionForm().validate():
        abort(400)
    role = request.form.get("role", user.role)
    if role not in {r.value for r in Role}:
        abort(400)
    if not operations.update_user(db, user, role, request.form.get("active") == "1",
                                  current_user):
        flash(_("You cannot take away your own admin rights."), "error")
        return redirect(url_for("staff.users"), 303)
    db.commit()
    return redirect(url_for("staff.users"), 303)


@bp.get("/audit")
def audit() -> ResponseReturnValue:
    """The latest entries of the audit log."""
    entries = get_session().scalars(
        select(AuditEntry).order_by(AuditEntry.id.desc()).limit(AUDIT_ENTRIES_SHOWN)
    ).all()
    return render_template("staff/audit.html", entries=entries)


def _safe_next(target: str) -> str:
    """Where to go after signing in: only our own staff pages (the embed builder is one),
    never an open redirect."""
    if not target.startswith(("/staff", "/embed/builder")) or target.startswith("//"):
        return url_for("staff.dashboard")
    return target


def _render_users(form: UserForm) -> str:
    rows = get_session().scalars(select(StaffUser).order_by(StaffUser.email)).all()
    return render_template("staff/users.html", users=rows, form=form, action=ActionForm(),
                           roles=list(Role))

