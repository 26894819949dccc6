"""How drafts, their problems, validations, conflicts and import clashes are printed (text or JSON)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from mmoauth_gui.cli.support import (
    print_json,
)
from mmoauth_gui.core.drafts.exchange import Clash
from mmoauth_gui.core.drafts.model import Draft, SecretState
from mmoauth_gui.core.rules import FIELD_LABELS, Problem, has_errors
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.services.drafts_sync import (
    Conflict,
)
from mmoauth_gui.storage.drafts import DraftStore
from mmoauth_gui.storage.secrets import SESSION_ONLY_MESSAGE

SECRET_STATE_TEXT = {
    SecretState.STORED: "stored in the system keyring",
    SecretState.SESSION: "secret not stored (no usable keyring): kept for this command only",
    SecretState.MISSING: "missing: needed to create the connection",
    SecretState.NOT_NEEDED: "none given (the server keeps its own)",
}


def problem_lines(problems: Sequence[Problem]) -> list[str]:
    lines = []
    for p in problems:
        label = FIELD_LABELS.get(p.field, p.field)
        kind = "missing/invalid" if p.is_error else "warning"
        lines.append(f"  {kind}: {label}: {p.message}")
    return lines


def draft_json(store: DraftStore, draft: Draft, problems: Sequence[Problem] | None = None) -> dict[str, Any]:
    out = draft.to_json()
    out["status"] = draft.status.value
    out["secret"] = store.secret_state(draft).value
    if problems is not None:
        out["problems"] = [p.as_dict() for p in problems]
        out["complete"] = not has_errors(problems)
    return out


def saved_message(verb: str, store: DraftStore, draft: Draft, problems: Sequence[Problem]) -> None:
    print(f"{verb} draft “{draft.name or '(no name)'}” ({draft.id}), status {draft.status.label.lower()}.")
    state = store.secret_state(draft)
    if state is SecretState.SESSION:
        print(f"note: {store.secrets.reason or SESSION_ONLY_MESSAGE}", file=sys.stderr)
    errors = [p for p in problems if p.is_error]
    if errors:
        print(f"It is incomplete; before it can be pushed ({len(errors)} to fix):")
    for line in problem_lines(problems):
        print(line)


def print_validation(draft: Draft, problems: Sequence[Problem], result: ValidationResult) -> None:
    head = f"“{draft.name or '(no name)'}” ({draft.id})"
    if problems:
        print(f"Rules for {head}:")
        for line in problem_lines(problems):
            print(line)
    if result.ok:
        print(f"OK      {head}: {result.summary}")
    elif result.category == "config":
        print(f"NOT SENT {head}: {result.hint}")
    else:
        parts = [f"FAILED  {head}: {result.summary}"]
        if result.error_description and result.error_description not in result.summary:
            parts.append(f"The endpoint said: {result.error_description}")
        rest = result.hint.split(". ", 1)[1] if ". " in result.hint else ""
        if rest:
            parts.append(rest)
        print(" ".join(parts))
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)


def print_conflict(conflict: Conflict, args: argparse.Namespace) -> None:
    ref = conflict.draft_id
    how = (
        f"Keep yours: `mmoauth-gui drafts push {ref} --force`; take the server's: "
        f"`mmoauth-gui drafts pull {ref} --take-theirs`; merge: "
        f"`mmoauth-gui drafts push {ref} --merge FIELD=mine|theirs`."
    )
    if args.json:
        print_json({"error": "conflict", "conflict": conflict.to_json(), "resolve": how})
    print(f"mmoauth-gui: {conflict.message}", file=sys.stderr)
    for diff in conflict.differences:
        print(
            f"  {FIELD_LABELS.get(diff.field, diff.field)}: yours {diff.mine!r}, server {diff.theirs!r} "
            f"(changed by: {diff.changed_by})",
            file=sys.stderr,
        )
    print(how, file=sys.stderr)


def clash_json(clash: Clash) -> dict[str, Any]:
    return {"name": clash.entry.name, "draft_id": clash.existing.id, "fields": clash.fields}
