"""A change of e-mail address: asked for with the password, confirmed from the new address,
the old address told once it is done."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import LinkPurpose, User, db
from models.accounts import normalize_email
from services import account_links
from services.account_mail import send_account_mail
from services.accounts import check_current_password
from services.errors import Conflict, field_error


def request_change(user: User, current_password: str, new_email: str) -> None:
    """E-mail a confirmation link to the new address; the account keeps its address until the
    link is opened. When the new address already has an account, its owner is told instead,
    and the caller gets the same answer (it reveals nobody's account). A new request voids
    the earlier links."""
    check_current_password(user, current_password)
    new_email = normalize_email(new_email)
    if new_email == user.email:
        raise field_error("new_email", "This is already the address of your account.")
    account_links.void_unused(user, LinkPurpose.CHANGE_EMAIL)
    owner = db.session.scalar(select(User).where(User.email == new_email))
    if owner is not None:
        send_account_mail(owner, "change_email_taken")
        return
    token = account_links.issue(user, LinkPurpose.CHANGE_EMAIL, new_email)
    send_account_mail(
        user,
        "change_email",
        address=new_email,
        link=account_links.url(LinkPurpose.CHANGE_EMAIL, token),
    )


def confirm_change(token: str) -> User:
    """Make the link's address the account's (confirmed, since the link was opened there) and
    tell the old address. 409 when another account took the address meanwhile."""
    link = account_links.consume(token, LinkPurpose.CHANGE_EMAIL)
    user = link.user
    old_email = user.email
    try:
        with db.session.begin_nested():
            user.email = link.email
            user.email_verified_at = link.used_at
    except IntegrityError:
        raise Conflict("This address is now used by another account.") from None
    # Links sent to the old address (address check, password reset) prove nothing any more.
    account_links.void_unused(user, LinkPurpose.VERIFY_EMAIL)
    account_links.void_unused(user, LinkPurpose.RESET_PASSWORD)
    send_account_mail(user, "email_changed", address=old_email, email=user.email)
    return user
