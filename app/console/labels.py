"""Words for the states and kinds the console shows, in the member's language."""

from flask_babel import lazy_gettext

REPORT_REASONS = {
    "spam": lazy_gettext("Spam or advertising"),
    "harassment": lazy_gettext("Harassment"),
    "discrimination": lazy_gettext("Discrimination or hate"),
    "dangerous": lazy_gettext("Dangerous"),
    "scam": lazy_gettext("Scam"),
    "private_information": lazy_gettext("Private information"),
    "other": lazy_gettext("Other"),
}

TARGET_KINDS = {
    "post": lazy_gettext("A news post"),
    "comment": lazy_gettext("A comment"),
    "listing": lazy_gettext("A listing"),
    "message": lazy_gettext("A private message"),
    "member": lazy_gettext("A member"),
}

MODERATION_ACTIONS = {
    "dismiss": lazy_gettext("Dismiss the reports (nothing wrong)"),
    "hide": lazy_gettext("Hide"),
    "restore": lazy_gettext("Show again"),
    "delete": lazy_gettext("Delete"),
    "warn": lazy_gettext("Warn the member"),
    "suspend": lazy_gettext("Suspend the member"),
    "lift_suspension": lazy_gettext("Lift the suspension"),
    "remove_member": lazy_gettext("Remove from the residence"),
}

ROLES = {
    "resident": lazy_gettext("Resident"),
    "solidaire": lazy_gettext("Habitant solidaire"),
    "staff": lazy_gettext("Staff"),
}

MEMBERSHIP_STATUSES = {
    "pending": lazy_gettext("Waiting for approval"),
    "active": lazy_gettext("Active"),
    "suspended": lazy_gettext("Access suspended"),
    "left": lazy_gettext("Left"),
}

# The audit log's entries: the moderators' actions, and what the platform did by itself.
AUDIT_ACTIONS = {
    "dismiss": lazy_gettext("Reports dismissed"),
    "hide": lazy_gettext("Hidden"),
    "restore": lazy_gettext("Shown again"),
    "delete": lazy_gettext("Deleted"),
    "warn": lazy_gettext("Warning"),
    "suspend": lazy_gettext("Suspension"),
    "lift_suspension": lazy_gettext("Suspension lifted"),
    "remove_member": lazy_gettext("Removed from the residence"),
    "auto_hide": lazy_gettext("Hidden after reports"),
    "hold": lazy_gettext("Held by the word filter"),
    "role_change": lazy_gettext("Role changed"),
    "membership_change": lazy_gettext("Membership changed"),
}
