"""A campaign's sending: everyone sees it, editors stop, resume and tune it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from ...db import get_session
from ...delivery.controls import DeliveryChange, DeliveryControlError
from ...i18n import current_language
from .. import delivery_controls
from ..forms import ActionForm, DeliverySettingsForm
from . import bp
from .common import campaign_or_404


def _problem(error: DeliveryControlError) -> str:
    return {
        "unknown_time_zone": _("Choose a time zone from the list."),
        "window_hours": _("The hours go from 0 to 24."),
        "window_empty": _("The window must not start and end at the same hour."),
        "window_format": _("Give both hours of the window, or neither."),
        "cap_range": _("A whole number from 1 to 100000, or empty."),
        "invalid_address": _("Not an e-mail address."),
    }.get(error.code, _("This setting cannot be saved."))


def _render(campaign, form: DeliverySettingsForm, status: int = 200) -> ResponseReturnValue:
    state = delivery_controls.delivery_state(get_session(), campaign)
    return render_template(
        "staff/delivery_controls.html", campaign=campaign, state=state, form=form,
        action_form=ActionForm(),
        time_zones=delivery_controls.time_zone_choices(current_language())), status


@bp.get("/campaigns/<slug>/delivery")
def delivery_controls_page(slug: str) -> ResponseReturnValue:
    """The campaign's sending as it is now, with the forms that change it."""
    campaign = campaign_or_404(slug)
    form = DeliverySettingsForm(
        formdata=None, window_start=campaign.send_window_start,
        window_end=campaign.send_window_end, time_zone=campaign.send_window_tz,
        cap=campaign.per_target_hourly_cap, test_recipient=campaign.test_recipient or "")
    return _render(campaign, form)


@bp.post("/campaigns/<slug>/delivery/sending")
def delivery_sending(slug: str) -> ResponseReturnValue:
    """The kill switch: stop all of the campaign's sending, or let it go again."""
    campaign = campaign_or_404(slug)
    action = request.form.get("sending")
    if not ActionForm().validate() or action not in ("stop", "go"):
        abort(400)
    db = get_session()
    if delivery_controls.set_sending(db, campaign, stop=action == "stop", actor=current_user):
        db.commit()
        flash(_("Sending stopped: letters wait in the queue.") if action == "stop" else
              _("Sending resumed: waiting letters go out at the next sweep."), "ok")
    return redirect(url_for("staff.delivery_controls_page", slug=slug), 303)


@bp.post("/campaigns/<slug>/delivery/settings")
def delivery_settings(slug: str) -> ResponseReturnValue:
    """The send window, its time zone, the hourly cap per address and test mode."""
    campaign = campaign_or_404(slug)
    form = DeliverySettingsForm()
    if not form.validate():
        return _render(campaign, form, 400)
    start, end = form.window_start.data, form.window_end.data
    if (start is None) != (end is None):
        form.window_end.errors = [_("Give both hours of the window, or neither.")]
        return _render(campaign, form, 400)
    change = DeliveryChange(
        window=(start, end) if start is not None else (), time_zone=form.time_zone.data,
        cap=form.cap.data or 0, test_recipient=(form.test_recipient.data or "").strip())
    db = get_session()
    try:
        changed = delivery_controls.update_settings(db, campaign, change, current_user)
    except DeliveryControlError as error:
        db.rollback()
        getattr(form, error.field if error.field != "window" else "window_end").errors = [
            _problem(error)]
        return _render(campaign, form, 400)
    db.commit()
    flash(_("Saved.") if changed else _("Nothing changed."), "ok")
    return redirect(url_for("staff.delivery_controls_page", slug=slug), 303)


@bp.post("/campaigns/<slug>/delivery/resume")
def delivery_resume(slug: str) -> ResponseReturnValue:
    """Lift the pause the mail service forced on all sending, once its cause is fixed."""
    campaign_or_404(slug)
    if not ActionForm().validate():
        abort(400)
    db = get_session()
    if delivery_controls.resume_after_pause(db, current_user):
        db.commit()
        flash(_("Pause lifted: waiting letters go out at the next sweep."), "ok")
    else:
        flash(_("Sending was not paused."), "ok")
    return redirect(url_for("staff.delivery_controls_page", slug=slug), 303)
