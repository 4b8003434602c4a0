"""Loans of objects, from request to return."""

from flask_login import login_required
from flask_smorest import Blueprint

from app.api import rate_limits
from app.auth import signed_in_user
from app.schemas.common import PageArgs
from app.schemas.conversations import MessagePageSchema, MessageSchema, ThanksSchema
from app.schemas.loans import LoanListArgs, LoanPageSchema, LoanRequestSchema, LoanSchema
from services import conversations, loans

blp = Blueprint("loans", __name__, description="Lending, gifts and mutual help: loans")


@blp.route("/listings/<int:listing_id>/loans", methods=["POST"])
@login_required
@rate_limits.neighbour_requests
@blp.arguments(LoanRequestSchema)
@blp.response(201, LoanSchema)
def request_loan(data, listing_id):
    """Ask to borrow an object for some days (both included)."""
    return loans.request_loan(signed_in_user(), listing_id, **data)


@blp.route("/loans", methods=["GET"])
@login_required
@blp.arguments(LoanListArgs, location="query")
@blp.response(200, LoanPageSchema)
def list_loans(args):
    """My loans, as owner or borrower, newest first."""
    return loans.list_my_loans(
        signed_in_user(), args.get("role"), args.get("status"), args.get("cursor"), args["limit"]
    )


@blp.route("/loans/<int:loan_id>", methods=["GET"])
@login_required
@blp.response(200, LoanSchema)
def get_loan(loan_id):
    return loans.get_loan(signed_in_user(), loan_id)


@blp.route("/loans/<int:deal_id>/accept", methods=["POST"])
@login_required
@blp.response(200, LoanSchema)
@blp.doc(summary="The owner accepts the request")
def accept_loan(deal_id):
    return loans.accept_loan(signed_in_user(), deal_id)


@blp.route("/loans/<int:deal_id>/decline", methods=["POST"])
@login_required
@blp.response(200, LoanSchema)
@blp.doc(summary="The owner declines the request")
def decline_loan(deal_id):
    return loans.decline_loan(signed_in_user(), deal_id)


@blp.route("/loans/<int:deal_id>/cancel", methods=["POST"])
@login_required
@blp.response(200, LoanSchema)
@blp.doc(summary="The borrower cancels, before hand-over")
def cancel_loan(deal_id):
    return loans.cancel_loan(signed_in_user(), deal_id)


@blp.route("/loans/<int:deal_id>/hand-over", methods=["POST"])
@login_required
@blp.response(200, LoanSchema)
@blp.doc(summary="The owner has handed the object over")
def hand_over_loan(deal_id):
    return loans.hand_over_loan(signed_in_user(), deal_id)


@blp.route("/loans/<int:deal_id>/return", methods=["POST"])
@login_required
@blp.response(200, LoanSchema)
@blp.doc(summary="The owner has the object back")
def return_loan(deal_id):
    return loans.mark_loan_returned(signed_in_user(), deal_id)


@blp.route("/loans/<int:deal_id>/messages", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, MessagePageSchema)
@blp.doc(summary="The conversation between the two members, oldest first")
def list_loan_messages(args, deal_id):
    return conversations.list_messages(
        signed_in_user(), conversations.LOAN, deal_id, args.get("cursor"), args["limit"]
    )


@blp.route("/loans/<int:deal_id>/messages", methods=["POST"])
@login_required
@blp.arguments(MessageSchema)
@blp.response(201, MessageSchema)
@blp.doc(summary="Write to the other member")
def post_loan_message(data, deal_id):
    return conversations.post_message(signed_in_user(), conversations.LOAN, deal_id, data["body"])


@blp.route("/loans/<int:deal_id>/thanks", methods=["POST"])
@login_required
@blp.arguments(ThanksSchema)
@blp.response(201, ThanksSchema)
@blp.doc(summary="Say thank you, once, after it ended well")
def thank_for_loan(data, deal_id):
    return conversations.thank(signed_in_user(), conversations.LOAN, deal_id, data["text"])
