"""Reports (signalements) and the cases that group them by target, for the residence's queue.

A target has at most one open case. The case row is locked while a report is added, so that ten
members reporting at the same instant make one case, one auto-hide and one notification.
"""

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from models import (
    AuditAction,
    ModerationCase,
    Report,
    ReportReason,
    Residence,
    TargetKind,
    User,
    Visibility,
    db,
)
from models.base import utcnow
from notifications import outbox
from services.errors import Conflict, InvalidInput, NotFound, field_error
from services.moderation import audit
from services.moderation.targets import NOT_FOUND, Target, is_staff, reported_target
from services.moderation.words import matching_words
from services.pagination import Page, paginate


def report(
    user: User, *, target_kind: TargetKind, target_id: int, reason: ReportReason, text: str = ""
) -> Report:
    """A member reports content or a member; reaching the residence's threshold hides it."""
    target_kind, reason = TargetKind(target_kind), ReportReason(reason)
    target = reported_target(user, target_kind, target_id)
    if target.author_id == user.id:
        raise InvalidInput("You cannot report yourself or what you wrote.")
    text = text.strip()
    if reason == ReportReason.OTHER and not text:
        raise field_error("text", "Say in a few words what is wrong.")
    # The target's row first, then its case: the order moderators' actions lock them in.
    db.session.refresh(target.row, with_for_update=True)
    if target.deleted:
        raise NotFound(NOT_FOUND)
    case = _open_case(target)
    new = Report(case_id=case.id, reporter_id=user.id, reason=reason, text=text)
    try:
        with db.session.begin_nested():
            db.session.add(new)
    except IntegrityError:
        raise Conflict("You have already reported this; moderators will look at it soon.") from None
    _hide_at_threshold(case, target)
    return new


def _open_case(target: Target, *, held: bool = False) -> ModerationCase:
    """The target's open case, locked; opened now if there is none."""
    case = open_case_of(target)
    if case is not None:
        return case
    try:
        with db.session.begin_nested():
            case = ModerationCase(
                residence_id=target.residence_id,
                target_kind=target.kind,
                target_id=target.row.id,
                subject_id=target.author_id,
                # About staff: for the platform's admins, not for the staff's colleagues.
                escalated=is_staff(target.author_id),
                held=held,
            )
            db.session.add(case)
        return case
    except IntegrityError:
        # Another report opened it at the same instant and has committed: join it.
        return open_case_of(target)


def open_case_of(target: Target) -> ModerationCase | None:
    """The target's open case, if any, locked until the unit of work ends."""
    return db.session.scalar(
        select(ModerationCase)
        .where(
            ModerationCase.target_kind == target.kind,
            ModerationCase.target_id == target.row.id,
            ModerationCase.closed_at.is_(None),
        )
        .with_for_update()
    )


def _hide_at_threshold(case: ModerationCase, target: Target) -> None:
    """Hide the content pending review once enough distinct members reported it.

    Never staff's content (an alert must not vanish because three people disliked it): the
    platform's admins review it first.
    """
    if not target.is_content or case.escalated or case.auto_hidden_at is not None:
        return
    if target.hidden or target.deleted:
        return
    threshold = db.session.scalar(
        select(Residence.auto_hide_threshold).where(Residence.id == case.residence_id)
    )
    reporters = db.session.scalar(select(func.count(Report.id)).where(Report.case_id == case.id))
    if reporters < threshold:
        return
    target.set_visibility(Visibility.HIDDEN)
    case.auto_hidden_at = utcnow()
    audit.record(
        AuditAction.AUTO_HIDE,
        actor=None,
        residence_id=case.residence_id,
        reason=f"Reported by {reporters} members",
        target_kind=target.kind,
        target_id=target.row.id,
        subject_id=target.author_id,
        details={"case": case.id, "reports": reporters},
    )
    _tell_author(case, target, "content_under_review")


def hold_if_filtered(
    target_kind: TargetKind, row, residence: Residence, author: User, *texts: str
) -> bool:
    """Hold new or edited content back for review when it matches the landlord's word filter.

    The content stays hidden (its author still sees it, marked as under review) until a
    moderator restores or deletes it. Staff's own texts are not filtered.
    """
    if is_staff(author.id):
        return False
    words = matching_words(residence.landlord_id, *texts)
    if not words:
        return False
    target = Target(target_kind, row, residence.id, author.id)
    target.set_visibility(Visibility.HIDDEN)
    case = _open_case(target, held=True)
    case.held = True
    audit.record(
        AuditAction.HOLD,
        actor=None,
        residence_id=residence.id,
        reason="Matches the landlord's word filter",
        target_kind=target_kind,
        target_id=row.id,
        subject_id=author.id,
        details={"case": case.id, "words": words},
    )
    _tell_author(case, target, "content_held")
    db.session.flush()
    return True


def refuse_changes_under_review(target_kind: TargetKind, target_id: int) -> None:
    """Reported or held content keeps the text moderators are asked about until they decide:
    its author may delete it, not rewrite it."""
    under_review = (
        select(ModerationCase.id)
        .where(
            ModerationCase.target_kind == target_kind,
            ModerationCase.target_id == target_id,
            ModerationCase.closed_at.is_(None),
        )
        .exists()
    )
    if db.session.scalar(select(under_review)):
        raise Conflict(
            "This is waiting for a moderator: it cannot be changed until they have looked at "
            "it. You can still delete it."
        )


def _tell_author(case: ModerationCase, target: Target, kind: str) -> None:
    outbox.enqueue(
        [db.session.get(User, target.author_id)],
        kind,
        {},
        key=f"{kind}:case:{case.id}",
        link=f"palier://{target.kind.value}s/{target.row.id}",
    )


def my_reports(user: User, cursor: str | None, limit: int | None) -> Page:
    """The member's own reports, newest first, with their case's outcome."""
    query = select(Report).where(Report.reporter_id == user.id).options(selectinload(Report.case))
    return paginate(query, [Report.id], cursor, limit, descending=True)
