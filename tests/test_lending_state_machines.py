"""Random sequences of actions by owners, borrowers and third parties on loans and exchanges.

After every step: no object is promised twice over overlapping days, no gift goes to two
members, a final state never changes, and only the side allowed to act changed anything.
"""

from contextlib import suppress
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from app.transactions import unit_of_work
from models import (
    ExchangeStatus,
    HelpExchange,
    Listing,
    ListingKind,
    Loan,
    LoanStatus,
    Membership,
    User,
    db,
)
from services import accounts, exchanges, loans
from services.errors import ServiceError
from tests.world import build_world, today

PEOPLE = ("owner", "alice", "bruno", "outsider")
LOAN_ACTIONS = {
    "accept": loans.accept_loan,
    "decline": loans.decline_loan,
    "cancel": loans.cancel_loan,
    "hand_over": loans.hand_over_loan,
    "mark_returned": loans.mark_loan_returned,
}
EXCHANGE_ACTIONS = {
    "accept": exchanges.accept_exchange,
    "decline": exchanges.decline_exchange,
    "cancel": exchanges.cancel_exchange,
    "complete": exchanges.complete_exchange,
}
# The rules, written out here independently of the services: (who acts, from, to).
LOAN_RULES = {
    "accept": ("owner", {LoanStatus.REQUESTED}, LoanStatus.ACCEPTED),
    "decline": ("owner", {LoanStatus.REQUESTED, LoanStatus.ACCEPTED}, LoanStatus.DECLINED),
    "cancel": ("borrower", {LoanStatus.REQUESTED, LoanStatus.ACCEPTED}, LoanStatus.CANCELLED),
    "hand_over": ("owner", {LoanStatus.ACCEPTED}, LoanStatus.HANDED_OVER),
    "mark_returned": ("owner", {LoanStatus.HANDED_OVER}, LoanStatus.RETURNED),
}
EXCHANGE_RULES = {
    "accept": ({"owner"}, {ExchangeStatus.PROPOSED}, ExchangeStatus.ACCEPTED),
    "decline": (
        {"owner"},
        {ExchangeStatus.PROPOSED, ExchangeStatus.ACCEPTED},
        ExchangeStatus.DECLINED,
    ),
    "cancel": (
        {"member"},
        {ExchangeStatus.PROPOSED, ExchangeStatus.ACCEPTED},
        ExchangeStatus.CANCELLED,
    ),
    "complete": ({"owner", "member"}, {ExchangeStatus.ACCEPTED}, ExchangeStatus.DONE),
}
LOAN_FINAL = {LoanStatus.RETURNED, LoanStatus.DECLINED, LoanStatus.CANCELLED}
EXCHANGE_FINAL = {ExchangeStatus.DONE, ExchangeStatus.DECLINED, ExchangeStatus.CANCELLED}


class Lending(RuleBasedStateMachine):
    connection = None  # the test's connection, set by the test below

    loans_made = Bundle("loans")
    exchanges_made = Bundle("exchanges")

    def __init__(self):
        super().__init__()
        self.savepoint = self.connection.begin_nested()
        world = build_world()
        self.people = {"owner": world.users["resident"], "outsider": world.users["other_resident"]}
        for name in ("alice", "bruno"):
            user = User(
                email=f"{name}@sm.palier",
                display_name=name,
                password_hash=accounts.hash_password("x" * 12),
            )
            db.session.add_all([user, Membership(user=user, residence=world.home)])
            self.people[name] = user
        self.drill = world.lend
        self.gift = Listing(
            residence=world.home,
            owner=self.people["owner"],
            kind=ListingKind.GIVE,
            category="books",
            title="Livres",
            scope="residence",
        )
        db.session.add(self.gift)
        db.session.commit()
        self.known = {}  # (table, id) -> last status seen

    def teardown(self):
        db.session.remove()
        self.savepoint.rollback()

    @rule(
        target=loans_made,
        who=st.sampled_from(PEOPLE),
        start=st.integers(0, 8),
        length=st.integers(0, 4),
    )
    def request_loan(self, who, start, length):
        first = today() + timedelta(days=start)
        try:
            with unit_of_work():
                loan = loans.request_loan(
                    self.people[who], self.drill.id, first, first + timedelta(days=length)
                )
        except ServiceError:
            assert who in ("owner", "outsider")  # own object; out of reach
            return None
        assert who in ("alice", "bruno")
        self.known[("loan", loan.id)] = loan.status
        return loan.id

    @rule(target=exchanges_made, who=st.sampled_from(PEOPLE))
    def ask_for_gift(self, who):
        try:
            with unit_of_work():
                exchange = exchanges.propose_exchange(self.people[who], self.gift.id)
        except ServiceError:
            return None
        assert who in ("alice", "bruno")
        self.known[("exchange", exchange.id)] = exchange.status
        return exchange.id

    @rule(
        loan_id=loans_made,
        action=st.sampled_from(sorted(LOAN_ACTIONS)),
        who=st.sampled_from(PEOPLE),
    )
    def act_on_loan(self, loan_id, action, who):
        if loan_id is None:
            return
        before = db.session.get(Loan, loan_id).status
        with suppress(ServiceError), unit_of_work():
            LOAN_ACTIONS[action](self.people[who], loan_id)
        after = db.session.get(Loan, loan_id)
        if after.status != before:
            actor, sources, target = LOAN_RULES[action]
            assert (actor == "owner" and who == "owner") or after.borrower_id == self.people[who].id
            assert actor == ("owner" if who == "owner" else "borrower")
            assert before in sources and after.status == target
        self.known[("loan", loan_id)] = after.status

    @rule(
        exchange_id=exchanges_made,
        action=st.sampled_from(sorted(EXCHANGE_ACTIONS)),
        who=st.sampled_from(PEOPLE),
    )
    def act_on_exchange(self, exchange_id, action, who):
        if exchange_id is None:
            return
        before = db.session.get(HelpExchange, exchange_id).status
        with suppress(ServiceError), unit_of_work():
            EXCHANGE_ACTIONS[action](self.people[who], exchange_id)
        after = db.session.get(HelpExchange, exchange_id)
        if after.status != before:
            actors, sources, target = EXCHANGE_RULES[action]
            assert who == "owner" or after.member_id == self.people[who].id
            assert ("owner" if who == "owner" else "member") in actors
            assert before in sources and after.status == target
        self.known[("exchange", exchange_id)] = after.status

    @invariant()
    def never_promised_twice(self):
        if not hasattr(self, "drill"):
            return
        held = db.session.scalars(
            select(Loan).where(
                Loan.listing_id == self.drill.id,
                Loan.status.in_([LoanStatus.ACCEPTED, LoanStatus.HANDED_OVER]),
            )
        ).all()
        for a in held:
            for b in held:
                if a.id < b.id:
                    assert a.due_on < b.starts_on or b.due_on < a.starts_on, (a.id, b.id)
        takers = db.session.scalars(
            select(HelpExchange).where(
                HelpExchange.listing_id == self.gift.id,
                HelpExchange.status.in_([ExchangeStatus.ACCEPTED, ExchangeStatus.DONE]),
            )
        ).all()
        assert len(takers) <= 1

    @invariant()
    def final_states_stay_final(self):
        if not hasattr(self, "known"):
            return
        for (table, row_id), seen in self.known.items():
            model = Loan if table == "loan" else HelpExchange
            now = db.session.get(model, row_id).status
            if seen in LOAN_FINAL | EXCHANGE_FINAL:
                assert now == seen


def test_loans_and_gifts_under_random_actions(isolated_database):
    Lending.connection = isolated_database
    run_state_machine_as_test(
        Lending,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
