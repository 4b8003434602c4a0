"""A residence's moderation queue: open cases, oldest first, each with what moderators need to
decide — the content, its context, the reports, and what was done about its author before.

Reporters stay anonymous here: a solidaire is a neighbour, and a reporter must not fear one.
The page is read in a fixed number of queries, whatever its length.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from models import (
    AuditEntry,
    Comment,
    Listing,
    Membership,
    MembershipRole,
    MembershipStatus,
    Message,
    ModerationCase,
    Post,
    TargetKind,
    User,
    db,
)
from services import scoping
from services.errors import Forbidden
from services.moderation.targets import Target, content_text
from services.pagination import paginate

THREAD_LENGTH = 20
PRIOR_ACTIONS = 10
MODELS = {
    TargetKind.POST: Post,
    TargetKind.COMMENT: Comment,
    TargetKind.LISTING: Listing,
    TargetKind.MESSAGE: Message,
    TargetKind.MEMBER: User,
}


@dataclass
class QueueItem:
    case: ModerationCase
    title: str | None = None
    text: str | None = None
    hidden: bool = False
    deleted: bool = False
    written_at: object = None
    post: Post | None = None  # the post a comment belongs to
    thread: list[Message] = field(default_factory=list)  # the thread a message belongs to
    prior_actions: list[AuditEntry] = field(default_factory=list)


def moderation_queue(user: User, residence_id: int, cursor: str | None, limit: int | None):
    """The open cases this moderator may act on, oldest first."""
    residence = scoping.get_residence(user, residence_id)
    if not scoping.can_moderate(user, residence.id):
        raise Forbidden("Only the residence's solidaires and its landlord's staff moderate it.")
    query = (
        select(ModerationCase)
        .where(ModerationCase.residence_id == residence.id, ModerationCase.closed_at.is_(None))
        .options(selectinload(ModerationCase.reports), selectinload(ModerationCase.subject))
    )
    if not user.is_platform_admin:
        query = query.where(ModerationCase.escalated.is_(False))
        if not scoping.can_manage(user, residence.id):
            solidaires = select(Membership.user_id).where(
                Membership.residence_id == residence.id,
                Membership.role == MembershipRole.SOLIDAIRE,
                Membership.status == MembershipStatus.ACTIVE,
            )
            query = query.where(
                ModerationCase.subject_id.not_in(solidaires),
                ModerationCase.subject_id != user.id,
            )
    page = paginate(query, [ModerationCase.opened_at, ModerationCase.id], cursor, limit)
    page.items = _described(page.items, residence.id)
    return page


def _described(cases: list[ModerationCase], residence_id: int) -> list[QueueItem]:
    by_kind = defaultdict(list)
    for case in cases:
        by_kind[case.target_kind].append(case.target_id)
    rows = {}
    for kind, ids in by_kind.items():
        model = MODELS[kind]
        for row in db.session.scalars(select(model).where(model.id.in_(ids))):
            rows[kind, row.id] = row
    posts = _by_id(
        Post, [row.post_id for (kind, _), row in rows.items() if kind == TargetKind.COMMENT]
    )
    threads = _threads([row for (kind, _), row in rows.items() if kind == TargetKind.MESSAGE])
    prior = _prior_actions({case.subject_id for case in cases}, residence_id)
    items = []
    for case in cases:
        row = rows.get((case.target_kind, case.target_id))
        item = QueueItem(case, prior_actions=prior[case.subject_id])
        if row is not None and case.target_kind != TargetKind.MEMBER:
            target = Target(case.target_kind, row, case.residence_id, case.subject_id)
            item.title, item.text = content_text(target)
            item.hidden, item.deleted = target.hidden, target.deleted
            item.written_at = row.created_at
            if case.target_kind == TargetKind.COMMENT:
                item.post = posts.get(row.post_id)
            if case.target_kind == TargetKind.MESSAGE:
                item.thread = threads[row.loan_id, row.exchange_id]
        items.append(item)
    return items


def _by_id(model, ids) -> dict:
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}


def _threads(messages: list[Message]) -> dict:
    """The last messages of each reported message's thread, oldest first, in one query."""
    threads = defaultdict(list)
    if not messages:
        return threads
    loans = {m.loan_id for m in messages if m.loan_id}
    exchanges = {m.exchange_id for m in messages if m.exchange_id}
    numbered = (
        select(
            Message.id,
            db.func.row_number()
            .over(
                partition_by=(Message.loan_id, Message.exchange_id),
                order_by=Message.id.desc(),
            )
            .label("recent"),
        )
        .where(or_(Message.loan_id.in_(loans), Message.exchange_id.in_(exchanges)))
        .subquery()
    )
    query = (
        select(Message)
        .join(numbered, numbered.c.id == Message.id)
        .where(numbered.c.recent <= THREAD_LENGTH)
        .options(selectinload(Message.author))
        .order_by(Message.id)
    )
    for message in db.session.scalars(query):
        threads[message.loan_id, message.exchange_id].append(message)
    return threads


def _prior_actions(subject_ids: set[int], residence_id: int) -> dict:
    """Each member's latest audit entries in this residence, in one query."""
    prior = defaultdict(list)
    if not subject_ids:
        return prior
    numbered = (
        select(
            AuditEntry.id,
            db.func.row_number()
            .over(partition_by=AuditEntry.subject_id, order_by=AuditEntry.id.desc())
            .label("recent"),
        )
        .where(AuditEntry.subject_id.in_(subject_ids), AuditEntry.residence_id == residence_id)
        .subquery()
    )
    query = (
        select(AuditEntry)
        .join(numbered, numbered.c.id == AuditEntry.id)
        .where(numbered.c.recent <= PRIOR_ACTIONS)
        .order_by(AuditEntry.id.desc())
    )
    for entry in db.session.scalars(query):
        prior[entry.subject_id].append(entry)
    return prior
