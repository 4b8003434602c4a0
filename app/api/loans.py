"""Loans of objects, from request to return."""

from flask_login import login_required
from flask_smorest import Blueprint

from app.api.deals import add_thread_routes, add_transition_routes
from app.auth import signed_in_user
from app.schemas.lending import LoanListArgs, LoanPageSchema, LoanRequestSchema, LoanSchema
from services import conversations, loans

blp = Blueprint("loans", __name__, description="Lending, gifts and mutual help: loans")


@blp.route("/listings/<int:listing_id>/loans", methods=["POST"])
@login_required
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


add_transition_routes(
    blp,
    "loans",
    LoanSchema,
    {
        "accept": (loans.accept_loan, "The owner accepts the request"),
        "decline": (loans.decline_loan, "The owner declines the request"),
        "cancel": (loans.cancel_loan, "The borrower cancels, before hand-over"),
        "hand-over": (loans.hand_over_loan, "The owner has handed the object over"),
        "return": (loans.mark_loan_returned, "The owner has the object back"),
    },
)
add_thread_routes(blp, "loans", conversations.LOAN)
