"""Moderators' actions on a report's target or on a member, each with a reason, all audited.

Who moderates whom:
- a solidaire acts in their residence only, never on staff nor on another solidaire, and never
  removes anyone;
- staff act in their landlord's residences, on residents and solidaires, not on other staff;
- platform admins act on anyone, staff included (reports about staff reach them only);
- nobody acts on themselves.
"""

import enum

from sqlalchemy import select

from models import (
    AuditAction,
    AuditEntry,
    CaseOutcome,
    Membership,
    MembershipStatus,
    ModerationCase,
    Report,
    TargetKind,
    User,
    Visibility,
    db,
)
from models.base import utcnow
from notifications import outbox
from services import conversations, listings, memberships, scoping
from services.errors import Conflict, Forbidden, field_error
from services.moderation import audit, cases, suspensions
from services.moderation.targets import Target, is_solidaire, is_staff, moderated_target
from services.news import interactions, publishing


class ModerationActionKind(enum.StrEnum):
    DISMISS = "dismiss"
    HIDE = "hide"
    RESTORE = "restore"
    DELETE = "delete"
    WARN = "warn"
    SUSPEND = "suspend"
    LIFT_SUSPENSION = "lift_suspension"
    REMOVE_MEMBER = "remove_member"


DELETIONS = {
    TargetKind.POST: publishing.delete_post,
    TargetKind.COMMENT: interactions.delete_comment,
    TargetKind.LISTING: listings.delete_listing,
    TargetKind.MESSAGE: conversations.delete_message,
}
CONTENT_ONLY = {
    ModerationActionKind.HIDE,
    ModerationActionKind.RESTORE,
    ModerationActionKind.DELETE,
}
# What each action records, and how it closes the target's open case (None: leaves it open).
RECORDS = {
    ModerationActionKind.DISMISS: (AuditAction.DISMISS, CaseOutcome.DISMISSED),
    ModerationActionKind.HIDE: (AuditAction.HIDE, CaseOutcome.HIDDEN),
    ModerationActionKind.RESTORE: (AuditAction.RESTORE, CaseOutcome.RESTORED),
    ModerationActionKind.DELETE: (AuditAction.DELETE, CaseOutcome.DELETED),
    ModerationActionKind.WARN: (AuditAction.WARN, CaseOutcome.WARNED),
    ModerationActionKind.SUSPEND: (AuditAction.SUSPEND, CaseOutcome.SUSPENDED),
    ModerationActionKind.LIFT_SUSPENSION: (AuditAction.LIFT_SUSPENSION, None),
    ModerationActionKind.REMOVE_MEMBER: (AuditAction.REMOVE_MEMBER, CaseOutcome.REMOVED),
}


def take_action(
    user: User,
    residence_id: int,
    *,
    action: ModerationActionKind,
    target_kind: TargetKind,
    target_id: int,
    reason: str,
    message: str | None = None,
    days: int | None = None,
) -> AuditEntry:
    """Act on a target of the residence; the reporters and the author are told the outcome."""
    action, target_kind = ModerationActionKind(action), TargetKind(target_kind)
    residence = scoping.get_residence(user, residence_id)
    if not scoping.can_moderate(user, residence.id):
        raise Forbidden("Only the residence's solidaires and its landlord's staff moderate it.")
    target = moderated_target(residence, target_kind, target_id)
    # Two moderators deciding at once: the second waits, then sees the first's decision.
    db.session.refresh(target.row, with_for_update=True)
    case = cases.open_case_of(target)
    _check_may_act(user, residence, target, action)
    reason = reason.strip()
    if not reason:
        raise field_error("reason", "Give a reason: it is kept in the audit log.")
    if action in CONTENT_ONLY and not target.is_content:
        raise field_error("action", "This action applies to content, not to a member.")
    if action == ModerationActionKind.WARN and not (message or "").strip():
        raise field_error("message", "Write the message the member will receive.")
    if action == ModerationActionKind.SUSPEND and days is None:
        raise field_error("days", "Say for how many days.")
    if target.deleted and action != ModerationActionKind.DISMISS:
        raise Conflict("This was deleted already.")
    if action == ModerationActionKind.DISMISS and case is None:
        raise Conflict("There is no report to dismiss.")

    member = db.session.get(User, target.author_id)
    details = {}
    if action == ModerationActionKind.HIDE:
        _set_visibility(target, Visibility.HIDDEN)
    elif action == ModerationActionKind.RESTORE:
        _set_visibility(target, Visibility.VISIBLE)
    elif action == ModerationActionKind.DELETE:
        _delete(target)
    elif action == ModerationActionKind.SUSPEND:
        suspension = suspensions.suspend(member, residence, user, days)
        details["until"] = suspension.ends_at.isoformat()
    elif action == ModerationActionKind.LIFT_SUSPENSION:
        if not suspensions.lift(member, residence):
            raise Conflict("This member is not suspended.")
    elif action == ModerationActionKind.REMOVE_MEMBER:
        _remove_member(member, residence)
    elif action == ModerationActionKind.DISMISS and (case.auto_hidden_at or case.held):
        # Reports found groundless: content hidden pending review comes back.
        target.set_visibility(Visibility.VISIBLE)
    if message:
        details["message"] = message.strip()

    audit_action, outcome = RECORDS[action]
    if case is not None:
        details["case"] = case.id
    entry = audit.record(
        audit_action,
        actor=user,
        residence_id=residence.id,
        reason=reason,
        target_kind=target.kind,
        target_id=target.row.id,
        subject_id=member.id,
        details=details,
    )
    if case is not None and outcome is not None:
        _close(case, user, outcome)
    _tell_member(entry, member, action, residence, case, target)
    db.session.flush()
    return entry


def _check_may_act(user: User, residence, target: Target, action: ModerationActionKind) -> None:
    if target.author_id == user.id:
        raise Forbidden("You cannot moderate yourself or what you wrote.")
    if user.is_platform_admin:
        return
    # A warning or a suspension follows the member everywhere: roles count wherever held.
    if is_staff(target.author_id):
        raise Forbidden("Only the platform's administrators act on the landlord's staff.")
    if scoping.can_manage(user, residence.id):
        return
    if action == ModerationActionKind.REMOVE_MEMBER:
        raise Forbidden("Only the landlord's staff can remove a member from the residence.")
    if is_solidaire(target.author_id):
        raise Forbidden("Solidaires do not act on another solidaire: the landlord's staff do.")


def _set_visibility(target: Target, visibility: Visibility) -> None:
    if target.row.visibility == visibility == Visibility.HIDDEN:
        raise Conflict("This is hidden already.")
    if target.row.visibility == visibility:
        raise Conflict("This is not hidden.")
    target.set_visibility(visibility)


def _delete(target: Target) -> None:
    """The same deletion as the author's: gone for everyone, photos no longer served."""
    DELETIONS[target.kind](target.row)


def _remove_member(member: User, residence) -> None:
    membership = db.session.scalar(
        select(Membership)
        .where(Membership.user_id == member.id, Membership.residence_id == residence.id)
        .with_for_update()
    )
    if membership is None or membership.status == MembershipStatus.LEFT:
        raise Conflict("This member has already left the residence.")
    memberships.set_status(membership, MembershipStatus.LEFT, reason="moderation")


def _close(case: ModerationCase, user: User, outcome: CaseOutcome) -> None:
    case.closed_at = utcnow()
    case.closed_by_id = user.id
    case.outcome = outcome


def _tell_member(entry, member, action, residence, case, target) -> None:
    """The author (or reported member) hears what was decided; each reporter hears the outcome.

    A dismissal is not told to an author who never knew of the reports (nothing was hidden).
    """
    link = f"palier://moderation/{entry.id}"
    params = {"reason": entry.reason, "message": entry.details.get("message", "")}
    told_of_review = case is not None and (case.auto_hidden_at or case.held)
    if action != ModerationActionKind.DISMISS or told_of_review:
        kind = f"moderation_{action.value}"
        if action == ModerationActionKind.DISMISS:
            kind = "moderation_restore"
        if action == ModerationActionKind.SUSPEND:
            params["until"] = suspensions.suspended_until(member).astimezone(residence.zone)
        outbox.enqueue([member], kind, params, key=f"{kind}:{entry.id}", link=link)
    if case is not None and action != ModerationActionKind.LIFT_SUSPENSION:
        reporters = list(
            db.session.scalars(
                select(User)
                .join(Report, Report.reporter_id == User.id)
                .where(Report.case_id == case.id)
            )
        )
        outcome = "report_dismissed" if action == ModerationActionKind.DISMISS else "report_upheld"
        outbox.enqueue(
            reporters, outcome, {}, key=f"{outcome}:{case.id}", link="palier://me/reports"
        )
