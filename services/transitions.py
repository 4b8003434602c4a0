"""State machines of loans and exchanges: who may move a row from which state to which."""

from dataclasses import dataclass

from models.base import utcnow
from services.errors import Conflict, Forbidden

EITHER = "either"


@dataclass(frozen=True)
class Transition:
    actor: str  # the side that may act, or EITHER
    sources: tuple  # states it may start from
    target: object  # the state it leads to


def wrong_state(row) -> Conflict:
    """The 409 for an action that the row's current state does not allow, naming that state."""
    return Conflict(
        "This action is not possible now: the current state is %(status)s.",
        status=row.status.value,
        extra={"current_status": row.status.value},
    )


def apply_transition(
    row, side: str, transition: Transition, refusals: dict[str, str], guard=None
) -> None:
    """Move `row` (acted on by `side`) along `transition`, or refuse: 403 for the wrong side
    (with `refusals[actor]`), 409 with the current state for the wrong state. `guard(row)`,
    if given, runs once those pass and before anything changes, to refuse for its own reasons."""
    if transition.actor not in (side, EITHER):
        raise Forbidden(refusals[transition.actor])
    if row.status not in transition.sources:
        raise wrong_state(row)
    if guard is not None:
        guard(row)
    row.status = transition.target
    row.status_changed_at = utcnow()
