"""Reports, the moderation queue, moderators' actions and the audit log."""

from marshmallow import fields

from app.schemas.common import (
    ApiSchema,
    AuthorSchema,
    Id,
    ResponseSchema,
    at_most,
    between,
    body_until_deleted,
    enum_of,
    one_of,
    page_of,
    text,
)
from models import AuditAction, CaseOutcome, ReportReason, TargetKind
from services.moderation.actions import ModerationActionKind
from services.moderation.suspensions import MAX_SUSPENSION_DAYS

OUTCOMES = [outcome.value for outcome in CaseOutcome]


class ReportRequestSchema(ApiSchema):
    target_kind = fields.String(required=True, validate=one_of([k.value for k in TargetKind]))
    target_id = Id(required=True)
    reason = fields.String(required=True, validate=one_of([r.value for r in ReportReason]))
    text = fields.String(
        load_default="",
        validate=at_most(500),
        metadata={"description": "What is wrong, in a few words: needed when `reason` is other."},
    )


class ReportSchema(ResponseSchema):
    """A member's own report, and what moderators decided."""

    id = fields.Integer()
    target_kind = enum_of(TargetKind, attribute="case.target_kind")
    target_id = fields.Integer(attribute="case.target_id")
    reason = enum_of(ReportReason)
    text = fields.String()
    created_at = fields.DateTime()
    status = fields.Method(
        "case_status",
        metadata={"type": "string", "enum": ["open", "closed"]},
    )
    outcome = fields.String(
        attribute="case.outcome",
        allow_none=True,
        metadata={"enum": [*OUTCOMES, None], "description": "Once moderators decided."},
    )
    closed_at = fields.DateTime(attribute="case.closed_at", allow_none=True)

    def case_status(self, report):
        return "open" if report.case.closed_at is None else "closed"


ReportPageSchema = page_of(ReportSchema, "ReportPage")


class CaseReportSchema(ResponseSchema):
    """A report as moderators see it: reasons, never the reporter."""

    reason = enum_of(ReportReason)
    text = fields.String()
    created_at = fields.DateTime()


class PriorActionSchema(ResponseSchema):
    id = fields.Integer()
    action = enum_of(AuditAction)
    reason = fields.String()
    created_at = fields.DateTime()


class ContextPostSchema(ResponseSchema):
    id = fields.Integer()
    title = fields.String(allow_none=True)
    body = body_until_deleted()


class ThreadMessageSchema(ResponseSchema):
    id = fields.Integer()
    author = fields.Nested(AuthorSchema)
    body = body_until_deleted()
    created_at = fields.DateTime()


class QueueItemSchema(ResponseSchema):
    """An open case: what was reported, its context, the reports, the author's history."""

    case_id = fields.Integer(attribute="case.id")
    target_kind = enum_of(TargetKind, attribute="case.target_kind")
    target_id = fields.Integer(attribute="case.target_id")
    opened_at = fields.DateTime(attribute="case.opened_at")
    auto_hidden = fields.Function(
        lambda item: item.case.auto_hidden_at is not None,
        metadata={"type": "boolean", "description": "Hidden by reaching the reports' threshold."},
    )
    held = fields.Boolean(
        attribute="case.held", metadata={"description": "Held back by the word filter."}
    )
    escalated = fields.Boolean(
        attribute="case.escalated", metadata={"description": "About staff: for admins."}
    )
    subject = fields.Nested(AuthorSchema, attribute="case.subject")
    title = fields.String(allow_none=True)
    text = fields.String(allow_none=True, metadata={"description": "null for a member."})
    hidden = fields.Boolean()
    deleted = fields.Boolean()
    written_at = fields.DateTime(allow_none=True)
    post = fields.Nested(
        ContextPostSchema, allow_none=True, metadata={"description": "A comment's post."}
    )
    thread = fields.List(
        fields.Nested(ThreadMessageSchema),
        metadata={"description": "A message's thread, its last messages, oldest first."},
    )
    reports = fields.List(fields.Nested(CaseReportSchema), attribute="case.reports")
    prior_actions = fields.List(fields.Nested(PriorActionSchema))


QueuePageSchema = page_of(QueueItemSchema, "ModerationQueuePage")


class ModerationActionRequestSchema(ApiSchema):
    action = fields.String(
        required=True, validate=one_of([action.value for action in ModerationActionKind])
    )
    target_kind = fields.String(required=True, validate=one_of([k.value for k in TargetKind]))
    target_id = Id(required=True)
    reason = text(500, required=True, metadata={"description": "Kept in the audit log."})
    message = text(
        1000, metadata={"description": "For `warn`: what the member receives, in your words."}
    )
    days = fields.Integer(
        validate=between(1, MAX_SUSPENSION_DAYS), metadata={"description": "For `suspend`."}
    )


class AuditEntrySchema(ResponseSchema):
    id = fields.Integer()
    residence_id = fields.Integer(allow_none=True)
    action = enum_of(AuditAction)
    actor = fields.Nested(
        AuthorSchema, allow_none=True, metadata={"description": "null: the platform itself."}
    )
    target_kind = fields.String(
        allow_none=True, metadata={"enum": [*(k.value for k in TargetKind), None]}
    )
    target_id = fields.Integer(allow_none=True)
    subject = fields.Nested(AuthorSchema, allow_none=True)
    reason = fields.String()
    details = fields.Dict()
    created_at = fields.DateTime()


AuditPageSchema = page_of(AuditEntrySchema, "AuditPage")
