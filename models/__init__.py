"""Palier's data: SQLAlchemy models, one module per aggregate.

`db` lives here rather than in `app/` so that services and models never import the web layer.
"""

from models.base import db
from models.content import Scope, Visibility
from models.conversation import Message, Thanks
from models.device import Delivery, Device, NotificationPreferences
from models.exchange import ExchangeStatus, HelpExchange
from models.landlord import Landlord, LandlordStaff
from models.listing import Listing, ListingKind, ListingPhoto, ListingStatus
from models.loan import Loan, LoanStatus
from models.membership import InviteCode, Membership, MembershipRole, MembershipStatus
from models.notification import Notification, NotificationStatus
from models.post import (
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
from models.residence import Building, Residence
from models.space import (
    Booking,
    BookingSeries,
    BookingStatus,
    CalendarFeed,
    Closure,
    OpeningHours,
    Space,
    SpacePhoto,
)
from models.user import ApiToken, User

__all__ = [
    "ApiToken",
    "Booking",
    "BookingSeries",
    "BookingStatus",
    "Building",
    "CalendarFeed",
    "Closure",
    "Comment",
    "Delivery",
    "Device",
    "EventRsvp",
    "ExchangeStatus",
    "HelpExchange",
    "InviteCode",
    "Landlord",
    "LandlordStaff",
    "Listing",
    "ListingKind",
    "ListingPhoto",
    "ListingStatus",
    "Loan",
    "LoanStatus",
    "Membership",
    "MembershipRole",
    "MembershipStatus",
    "Message",
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
    "Residence",
    "Rsvp",
    "Scope",
    "Space",
    "SpacePhoto",
    "Thanks",
    "User",
    "Visibility",
    "Vote",
    "db",
]
