"""A forgotten password: a link by e-mail, valid one hour, to choose a new one."""

from sqlalchemy import select

from models import LinkPurpose, User, db
from models.accounts import normalize_email
from services import account_links
from services.account_mail import send_account_mail
from services.accounts import set_password


def request_reset(email: str) -> None:
    """E-mail a reset link to the account of `email`, if there is one (the caller answers
    alike). A new link voids the member's earlier ones."""
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None or user.erased_at is not None:
        return
    account_links.void_unused(user, LinkPurpose.RESET_PASSWORD)
    token = account_links.issue(user, LinkPurpose.RESET_PASSWORD, user.email)
    send_account_mail(
        user, "reset_password", link=account_links.url(LinkPurpose.RESET_PASSWORD, token)
    )


def reset_password(token: str, new_password: str) -> User:
    """Set the new password from a reset link: every session of the member ends. Opening the
    link proves the address is theirs, so it counts as confirmed too."""
    link = account_links.consume_at_current_address(token, LinkPurpose.RESET_PASSWORD)
    user = link.user
    set_password(user, new_password)
    if user.email_verified_at is None:
        user.email_verified_at = link.used_at
    db.session.flush()
    return user
