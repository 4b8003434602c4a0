"""Palier's data: SQLAlchemy models, one module per aggregate.

`db` lives here rather than in `app/` so that services and models never import the web layer.
"""

from models.base import db
from models.landlord import Landlord, LandlordStaff
from models.membership import InviteCode, Membership, MembershipRole, MembershipStatus
from models.notification import Notification, NotificationStatus
from models.residence import Building, Residence
from models.user import ApiToken, User

__all__ = [
    "ApiToken",
    "Building",
    "InviteCode",
    "Landlord",
    "LandlordStaff",
    "Membership",
    "MembershipRole",
    "MembershipStatus",
    "Notification",
    "NotificationStatus",
    "Residence",
    "User",
    "db",
]
