"""The tables of after the reveal: the prediction round's estimates, the action plan,
and archiving a session (``SessionStore`` inherits these methods).

Each change is one durable write of its table under the session lock, like every
other change of the session document (see the package docstring).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB

from coherence_tui.domain.vocabulary import PREDICTING_LEVELS
from coherence_tui.storage.schema import (
    _ACTIONS_TABLE,
    _PARTICIPANTS_TABLE,
    _PREDICTIONS_TABLE,
    ActionRejected,
    AnswerRejected,
    SessionArchived,
    SessionError,
    _Meta,
    _one_line,
    _order_by_id,
)

if TYPE_CHECKING:
    from coherence_tui.domain.model import SessionSettings, SessionState
    from coherence_tui.domain.plan import Action, ActionDraft
    from coherence_tui.domain.vocabulary import Prediction
    from coherence_tui.storage.durable import DurableStorage


class PlanTables:
    """Estimates, actions and the archive; mixed into ``SessionStore``."""

    if TYPE_CHECKING:  # what the methods use of ``SessionStore``
        path: Path
        _db: TinyDB
        _storage: DurableStorage

        def _writing(self) -> AbstractContextManager[_Meta]: ...
        def _check_open(self, meta: _Meta) -> None: ...
        def _reject(self, reason: str) -> AnswerRejected: ...
        def _participant_id(self, meta: _Meta, participant: str) -> int: ...
        def _update_head(
            self, key: str, prepare: Callable[[_Meta], SessionSettings | SessionState]
        ) -> None: ...

    def archive(self) -> None:
        """Archive an ended session: from now on its action plan and state are final.

        Idempotent; ``SessionError`` if the session has not ended. Durable on return.
        """

        def prepare(meta: _Meta) -> SessionState:
            state = meta.head.state
            if not state.ended:
                raise SessionError(f"{self.path}: end the session before archiving it")
            return state.model_copy(update={"archived": True})

        self._update_head("state", prepare)

    def _check_plan_open(self, meta: _Meta) -> None:
        if meta.head.state.archived:
            raise SessionArchived(
                f"{self.path}: the session is archived; its action plan can no longer change"
            )

    def record_prediction(self, participant: str, item: str, value: int | None) -> Prediction:
        """Record (or overwrite) one estimate of the prediction round; durable on return.

        Refused (``AnswerRejected``) unless the session runs a prediction round, the item is
        one of its ``predict`` statements, the participant is board or management and the
        value is 0..100 or ``None`` (no estimate); ``SessionEnded`` once ended.
        """
        from coherence_tui.domain.vocabulary import Prediction, check_prediction

        try:
            value = check_prediction(value)
        except ValueError as error:
            raise self._reject(str(error)) from None
        with self._writing() as meta:
            self._check_open(meta)
            head = meta.head
            if not head.settings.prediction_round:
                raise self._reject("this session has no prediction round")
            if item not in {i.id for i in head.questionnaire.items if i.predict}:
                raise self._reject(f"{item!r} is not a statement of the prediction round")
            doc_id = str(self._participant_id(meta, participant))
            level = self._storage.read()[_PARTICIPANTS_TABLE][doc_id]["level"]
            if level not in {lv.value for lv in PREDICTING_LEVELS}:
                raise self._reject(
                    f"participant {participant!r} is {level}: only board and management estimate"
                )

            def put(table: dict[int, dict[str, Any]]) -> None:
                doc = table.setdefault(int(doc_id), {"code": participant, "estimates": {}})
                doc["estimates"][item] = value
                _order_by_id(table)

            self._db.table(_PREDICTIONS_TABLE, cache_size=0)._update_table(put)  # type: ignore[arg-type]
        return Prediction(participant, item, value)

    def _plan_change(
        self, change: Callable[[_Meta, dict[int, dict[str, Any]]], Action | None]
    ) -> Action | None:
        """One durable write of the actions table, refused once the session is archived."""
        result: list[Action | None] = [None]
        with self._writing() as meta:
            self._check_plan_open(meta)

            def apply(table: dict[int, dict[str, Any]]) -> None:
                result[0] = change(meta, table)
                ordered = sorted(table.items())
                table.clear()
                table.update(ordered)

            self._db.table(_ACTIONS_TABLE, cache_size=0)._update_table(apply)  # type: ignore[arg-type]
        return result[0]

    def _checked_draft(self, draft: ActionDraft, meta: _Meta, recorded: Any) -> ActionDraft:
        from pydantic import ValidationError

        from coherence_tui.domain.plan import ActionDraft, checked_action
        from coherence_tui.domain.plan import problem as _action_problem

        try:
            fresh = ActionDraft.model_validate(draft.model_dump())
            checked_action(fresh, meta.head.questionnaire, recorded)
        except ValidationError as error:
            raise ActionRejected(f"{self.path}: {_action_problem(error)}") from None
        except ValueError as error:
            raise ActionRejected(f"{self.path}: {_one_line(str(error))}") from None
        return fresh

    def add_action(self, draft: ActionDraft) -> Action:
        """Add an action numbered after the highest so far, recorded today (UTC); durable."""

        from coherence_tui.domain.plan import Action, next_action_id

        def add(meta: _Meta, table: dict[int, dict[str, Any]]) -> Action:
            today = datetime.now(UTC).date()
            fresh = self._checked_draft(draft, meta, today)
            action_id = next_action_id({f"A{doc_id}" for doc_id in table})
            action = Action(**fresh.model_dump(), id=action_id, recorded=today)
            table[int(action_id[1:])] = action.model_dump(mode="json")
            return action

        action = self._plan_change(add)
        assert action is not None
        return action

    def update_action(self, action_id: str, draft: ActionDraft) -> Action:
        """Replace an action's fields (its number and recording day stay); durable."""

        from coherence_tui.domain.plan import Action

        def update(meta: _Meta, table: dict[int, dict[str, Any]]) -> Action:
            known = self._known_action(table, action_id)
            fresh = self._checked_draft(draft, meta, known.recorded)
            action = Action(**fresh.model_dump(), id=known.id, recorded=known.recorded)
            table[int(known.id[1:])] = action.model_dump(mode="json")
            return action

        action = self._plan_change(update)
        assert action is not None
        return action

    def remove_action(self, action_id: str) -> None:
        """Take an action off the plan; durable."""

        def remove(meta: _Meta, table: dict[int, dict[str, Any]]) -> None:
            known = self._known_action(table, action_id)
            del table[int(known.id[1:])]

        self._plan_change(remove)

    def _known_action(self, table: dict[int, dict[str, Any]], action_id: str) -> Action:
        from coherence_tui.domain.plan import Action

        number = action_id[1:] if action_id.startswith("A") else ""
        doc = table.get(int(number)) if number.isdigit() else None
        if doc is None:
            raise ActionRejected(f"{self.path}: no action {action_id!r} in the plan")
        return Action.model_validate(doc)
