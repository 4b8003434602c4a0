"""Loans of objects, from request to return, with their conversation and thanks."""

from flask_login import login_required

from app.api import rate_limits
from app.auth import signed_in_user
from app.openapi import ApiBlueprint
from app.schemas.common import PageArgs
from app.schemas.conversations import (
    MessagePageSchema,
    MessageRequestSchema,
    MessageSchema,
    ThanksRequestSchema,
    ThanksSchema,
)
from app.schemas.loans import LoanListArgs, LoanPageSchema, LoanRequestSchema, LoanSchema
from services import conversations, loans

blp = ApiBlueprint(
    "loans",
    __name__,
    description="Borrowing an object from a neighbour: request, acceptance, hand-over, return.",
)


@blp.route("/listings/<int:listing_id>/loans", methods=["POST"])
@login_required
@rate_limits.neighbour_requests
@blp.arguments(LoanRequestSchema)
@blp.response(201, LoanSchema)
@blp.errors(403, 409)
def request_loan(data, listing_id):
    """Ask to borrow an object

    For some days, both included, starting today at the earliest and lasting at most 90 days.
    The owner is told. 409 when the listing is paused or closed.
    """
    return loans.request_loan(signed_in_user(), listing_id, **data)


@blp.route("/loans", methods=["GET"])
@login_required
@blp.arguments(LoanListArgs, location="query")
@blp.response(200, LoanPageSchema)
def list_loans(args):
    """List my loans

    The loans I take part in, as owner or borrower, newest first; filter by my role or the
    loan's status.
    """
    return loans.list_my_loans(
        signed_in_user(), args.get("role"), args.get("status"), args.get("cursor"), args["limit"]
    )


@blp.route("/loans/<int:loan_id>", methods=["GET"])
@login_required
@blp.response(200, LoanSchema)
def get_loan(loan_id):
    """Get a loan

    Only its owner and its borrower see a loan; anyone else gets 404.
    """
    return loans.get_loan(signed_in_user(), loan_id)


@blp.route("/loans/<int:loan_id>/accept", methods=["POST"])
@login_required
@blp.response(200, LoanSchema)
@blp.errors(403, 409)
def accept_loan(loan_id):
    """Accept a loan request

    The owner promises the object for the requested days. 409 names the days already promised
    to someone else (`conflicting_period`) or the loan's current state (`current_status`).
    403 when either of the two blocks the other (the loan can still be declined, cancelled).
    """
    return loans.accept_loan(signed_in_user(), loan_id)


@blp.route("/loans/<int:loan_id>/decline", methods=["POST"])
@login_required
@blp.response(200, LoanSchema)
@blp.errors(403, 409)
def decline_loan(loan_id):
    """Decline a loan request

    The owner says no, before the object is handed over; the borrower is told.
    """
    return loans.decline_loan(signed_in_user(), loan_id)


@blp.route("/loans/<int:loan_id>/cancel", methods=["POST"])
@login_required
@blp.response(200, LoanSchema)
@blp.errors(403, 409)
def cancel_loan(loan_id):
    """Cancel a loan request

    The borrower withdraws, before the object is handed over; the owner is told.
    """
    return loans.cancel_loan(signed_in_user(), loan_id)


@blp.route("/loans/<int:loan_id>/hand-over", methods=["POST"])
@login_required
@blp.response(200, LoanSchema)
@blp.errors(403, 409)
def hand_over_loan(loan_id):
    """Record the hand-over

    The owner has given the object to the borrower; from the day after the due day the loan
    is overdue until it is returned. 403 when either of the two blocks the other.
    """
    return loans.hand_over_loan(signed_in_user(), loan_id)


@blp.route("/loans/<int:loan_id>/return", methods=["POST"])
@login_required
@blp.response(200, LoanSchema)
@blp.errors(403, 409)
def return_loan(loan_id):
    """Record the return

    The owner has the object back: the loan is over, and both sides may say thank you.
    """
    return loans.mark_loan_returned(signed_in_user(), loan_id)


@blp.route("/loans/<int:loan_id>/messages", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, MessagePageSchema)
def list_loan_messages(args, loan_id):
    """Read a loan's conversation

    The private messages between the owner and the borrower, oldest first.
    """
    return conversations.list_messages(
        signed_in_user(), conversations.LOAN, loan_id, args.get("cursor"), args["limit"]
    )


@blp.route("/loans/<int:loan_id>/messages", methods=["POST"])
@login_required
@blp.arguments(MessageRequestSchema)
@blp.response(201, MessageSchema)
@blp.errors(403)
def post_loan_message(data, loan_id):
    """Write in a loan's conversation

    The other side gets a notification that says who wrote, never what. 403 when either of
    the two blocks the other.
    """
    return conversations.post_message(signed_in_user(), conversations.LOAN, loan_id, data["body"])


@blp.route("/loans/<int:loan_id>/thanks", methods=["POST"])
@login_required
@blp.arguments(ThanksRequestSchema)
@blp.response(201, ThanksSchema)
@blp.errors(403, 409)
def thank_for_loan(data, loan_id):
    """Say thank you for a loan

    Once per side, after the object came back (409 before, or a second time); not between
    members who block one another (403).
    """
    return conversations.thank(signed_in_user(), conversations.LOAN, loan_id, data["text"])
