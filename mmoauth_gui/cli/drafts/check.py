"""``drafts validate``: the rule check and the token request, from this computer."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from mmoauth_gui.cli.drafts.render import print_validation
from mmoauth_gui.cli.drafts.workspace import find_draft, open_store, operation_secrets
from mmoauth_gui.cli.support import (
    Exit,
    fail,
    print_json,
)
from mmoauth_gui.core.drafts.model import Draft
from mmoauth_gui.core.rules import check_connection, has_errors
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.services.drafts_sync import (
    validate_draft,
)
from mmoauth_gui.storage.drafts import DraftStore
from mmoauth_gui.storage.drafts_async import AsyncDraftStore

# ---- validate -------------------------------------------------------------------------------------


def run_validate(args: argparse.Namespace) -> int:
    store = open_store()
    draft = find_draft(store, args.draft)
    draft = operation_secrets(args, store, draft, creating=True)
    problems = check_connection(store.with_secrets(draft), require_secret=True)
    if args.ca_file and not Path(args.ca_file).is_file():
        fail(f"CA file {args.ca_file} does not exist or is not a file.", Exit.USAGE)
    draft, result = asyncio.run(_validate_async(store, draft, args.auth_method, args.ca_file or None))
    ok = result.ok and not has_errors(problems)
    if args.json:
        print_json(
            {
                "draft": draft.summary(),
                "ok": ok,
                "problems": [p.as_dict() for p in problems],
                "validation": result.to_json(),
            }
        )
    else:
        print_validation(draft, problems, result)
    return Exit.OK if ok else Exit.CHECK_FAILED


async def _validate_async(
    store: DraftStore, draft: Draft, auth: str, ca_file: str | None
) -> tuple[Draft, ValidationResult]:
    from mmoauth_gui.services.http import make_http_client

    async with make_http_client(ca_file=ca_file) as http:
        return await validate_draft(http, AsyncDraftStore(store), draft, auth=auth)
