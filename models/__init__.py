"""Palier's data: SQLAlchemy models, one module per aggregate.

`db` lives here rather than in `app/` so that services and models never import the web layer.
"""

from models.accounts import AccountLink, ApiToken, ConsoleSession, LinkPurpose, User
from models.base import db
from models.bookings import Booking, BookingSeries, BookingStatus, CalendarFeed
from models.content import Scope, Visibility
from models.conversations import Message, Thanks
from models.devices import Delivery, Device, NotificationPreferences
from models.exchanges import ExchangeStatus, HelpExchange
from models.exports import ExportRequest, ExportStatus
from models.landlords import Landlord, LandlordStaff
from models.listings import Listing, ListingKind, ListingPhoto, ListingStatus
from models.loans import Loan, LoanStatus
from models.memberships import (
    InviteCode,
    Membership,
    MembershipChange,
    MembershipEvent,
    MembershipRole,
    MembershipStatus,
)
from models.moderation import (
    AuditAction,
    AuditEntry,
    Block,
    CaseOutcome,
    FilteredWord,
    ModerationCase,
    Report,
    ReportReason,
    Suspension,
    TargetKind,
)
from models.news import (
    Comment,
    EventRsvp,
    PollOption,
    Post,
    PostBuilding,
    PostKind,
    PostPhoto,
    PostRead,
    PostResidence,
    PostScope,
    Reaction,
    Rsvp,
    Vote,
)
from models.notifications import Notification, NotificationStatus
from models.reports import MonthlyReport
from models.residences import Building, Residence
from models.spaces import Closure, OpeningHours, Space, SpacePhoto

__all__ = [
    "AccountLink",
    "ApiToken",
    "AuditAction",
    "AuditEntry",
    "Block",
    "Booking",
    "BookingSeries",
    "BookingStatus",
    "Building",
    "CalendarFeed",
    "CaseOutcome",
    "Closure",
    "Comment",
    "ConsoleSession",
    "Delivery",
    "Device",
    "EventRsvp",
    "ExchangeStatus",
    "ExportRequest",
    "ExportStatus",
    "FilteredWord",
    "HelpExchange",
    "InviteCode",
    "Landlord",
    "LandlordStaff",
    "LinkPurpose",
    "Listing",
    "ListingKind",
    "ListingPhoto",
    "ListingStatus",
    "Loan",
    "LoanStatus",
    "Membership",
    "MembershipChange",
    "MembershipEvent",
    "MembershipRole",
    "MembershipStatus",
    "Message",
    "ModerationCase",
    "MonthlyReport",
    "Notification",
    "NotificationPreferences",
    "NotificationStatus",
    "OpeningHours",
    "PollOption",
    "Post",
    "PostBuilding",
    "PostKind",
    "PostPhoto",
    "PostRead",
    "PostResidence",
    "PostScope",
    "Reaction",
    "Report",
    "ReportReason",
    "Residence",
    "Rsvp",
    "Scope",
    "Space",
    "SpacePhoto",
    "Suspension",
    "TargetKind",
    "Thanks",
    "User",
    "Visibility",
    "Vote",
    "db",
]
