"""The publishing workflow: moves (moves.py), the steps publishing waits for (steps.py)
and the one service that makes a move (service.py)."""

from .moves import (
    PUBLIC_MOVES,
    TRANSITIONS,
    InvalidTransition,
    Move,
    available_transitions,
    can_transition,
    parts_moving,
    permission_name,
)
from .service import restore_state, transition
from .steps import STEPS, steps_for

__all__ = [
    "PUBLIC_MOVES",
    "STEPS",
    "TRANSITIONS",
    "InvalidTransition",
    "Move",
    "available_transitions",
    "can_transition",
    "parts_moving",
    "permission_name",
    "restore_state",
    "steps_for",
    "transition",
]
