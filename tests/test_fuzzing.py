"""Schemathesis over the app's own OpenAPI document (/api/v1/openapi.json), against the WSGI app
on the test database: no answer is a 500, and every answer matches its schema in the document.

Three callers: anonymous (every address and parameter generated), and a resident and a staff
member of the test world, whose path ids are the world's real objects so that the generated
bodies reach the services rather than stopping at 404. Each case runs inside the test's
transaction (rolled back at the end), in an app context of its own as in production.

Every status answered must be one the document lists for that operation
(`status_code_conformance`): the document has no catch-all `default`.

Bounded: PALIER_FUZZ_EXAMPLES cases per operation and caller (10 by default, derandomized so
that the suite is repeatable); set it higher, e.g. 200, to search harder with fresh seeds.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tests.session_app import session_app
from tests.world import FEED_SECRET, World

EXAMPLES = int(os.environ.get("PALIER_FUZZ_EXAMPLES", "10"))

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", session_app())
# The coverage phase ignores max_examples: examples from the document, then generated cases.
schema.config.phases.update(phases=["examples", "fuzzing"])
schema.config.generation.update(max_examples=EXAMPLES)

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


def real_ids(world: World, path: str) -> dict:
    """Path parameters naming the world's objects, so that cases go past the lookup."""
    deal = world.loan if path.startswith("/api/v1/loans") else world.exchange
    return {
        "residence_id": world.home.id,
        "membership_id": world.membership("resident").id,
        "invite_id": world.invite.id,
        "listing_id": world.lend.id,
        "photo_id": world.photo.id,
        "deal_id": deal.id,
        "loan_id": world.loan.id,
        "exchange_id": world.exchange.id,
        "space_id": world.room.id,
        "closure_id": world.closure.id,
        "booking_id": world.pending.id,
        "feed_id": world.feed.id,
        "post_id": world.event.id,
        "user_id": world.users["solidaire"].id,
        "device_id": world.device.id,
        "secret": FEED_SECRET,
        "landlord_id": world.landlord.id,
    }


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize="PALIER_FUZZ_EXAMPLES" not in os.environ,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.parametrize("role", ["anonymous", "resident", "staff"])
def test_api(case, role, app, world):
    if role != "anonymous" and case.path_parameters:
        known = real_ids(world, case.operation.path)
        case.path_parameters = {
            name: known.get(name, value) for name, value in case.path_parameters.items()
        }
    with app.app_context():  # a context of its own, like OwnContextClient's requests
        case.call_and_validate(checks=CHECKS, headers=world.headers(role))
