"""``mmoauth-gui drafts …`` as a user runs it: separate processes, secrets from the environment or stdin.

The suite seals the keyring to none (tests/conftest.py), so each process is a new session: a secret given
to ``new`` is not there for ``push`` and must be given again (the command says so).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mmoauth_gui.sandbox import Sandbox


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


class Cli:
    """Runs the CLI in a subprocess with ``--data-dir``; keeps every output for the secrets scan."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.outputs: list[str] = []

    def __call__(self, *args: str, stdin: str = "", env: dict[str, str] | None = None) -> Result:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("MMOAUTH_")}
        full_env.update(env or {})
        proc = subprocess.run(
            [sys.executable, "-m", "mmoauth_gui", "--data-dir", str(self.data_dir), "drafts", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=full_env,
            timeout=60,
        )
        self.outputs += [proc.stdout, proc.stderr]
        return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli(data_dir: Path) -> Cli:
    return Cli(data_dir)


def test_offline_drafting_needs_no_server(cli: Cli) -> None:
    made = cli("new", "--name", "Half done", "--audience", "ftp://files.example.com", "--json")
    assert made.code == 0, made.err
    body = made.json()
    assert body["status"] == "new" and body["complete"] is False
    fields = sorted({p["field"] for p in body["problems"] if p["severity"] == "error"})
    assert fields == ["audiences", "client_id", "client_secret", "oauth_token_url"]

    text = cli("new", "--name", "Other", "--client-id", "c", "--token-url", "https://auth.example.com/token")
    assert text.code == 0 and "It is incomplete" in text.out and "Client Secret is required" in text.out

    listing = cli("list", "--json").json()
    assert [d["name"] for d in listing["drafts"]] == ["Half done", "Other"]
    assert all(d["secret_needed"] for d in listing["drafts"])

    fixed = cli("edit", "Half done", "--audience", "https://files.example.com/*", "--note", "for files", "--json")
    assert fixed.code == 0
    assert fixed.json()["connection"]["audiences"] == ["https://files.example.com/*"]
    assert fixed.json()["note"] == "for files"
    shown = cli("show", "Half done")
    assert "https://files.example.com/*" in shown.out and "for files" in shown.out

    refused = cli("validate", "Other")
    assert refused.code == 1 and "Client Secret is required" in refused.out

    nothing = cli("edit", "Other")
    assert nothing.code == 2 and "Nothing to change" in nothing.err
    unknown = cli("show", "Nope")
    assert unknown.code == 2 and "No draft with id or name “Nope”" in unknown.err

    gone = cli("delete", "Other", "--json")
    assert gone.code == 0 and gone.json()["deleted"]["name"] == "Other"
    assert [d["name"] for d in cli("list", "--json").json()["drafts"]] == ["Half done"]


def test_a_corrupt_draft_file_is_named_and_the_rest_listed(cli: Cli, data_dir: Path) -> None:
    assert cli("new", "--name", "Fine").code == 0
    broken = data_dir / "data" / "drafts" / "0123456789ab.json"
    broken.write_text('{"kind": "draft", "schema": 1, "id": "0123456789ab", "connection": ')
    listing = cli("list")
    assert listing.code == 0 and "Fine" in listing.out
    assert "0123456789ab.json could not be read" in listing.err and "it was kept as 0123456789ab.json.corrupt-" in (
        listing.err
    )
    assert list(broken.parent.glob("0123456789ab.json.corrupt-*"))


def test_full_flow_never_writes_a_secret(cli: Cli, empty_sandbox: Sandbox, data_dir: Path, tmp_path: Path) -> None:
    sb = empty_sandbox
    client = sb.demo_clients[0]
    secret = str(client["client_secret"])
    server_env = {"MMOAUTH_SERVER_TOKEN": sb.admin_token}

    made = cli(
        "new",
        "--name", "Billing",
        "--client-id", str(client["client_id"]),
        "--token-url", sb.token_url,
        "--audience", "https://billing.example.com/*",
        "--server", sb.url,
        "--secret-from-stdin",
        stdin=secret + "\n",
    )  # fmt: skip
    assert made.code == 0, made.err
    assert "Secret not stored" in made.err  # no keyring here: said, not hidden
    draft_id = made.out.split("(", 1)[1].split(")", 1)[0]

    # A new process has lost the secret: validation asks for it; from the environment it works.
    assert cli("validate", draft_id).code == 1
    ok = cli("validate", "Billing", "--json", env={"MMOAUTH_CLIENT_SECRET": secret})
    assert ok.code == 0, ok.out + ok.err
    assert ok.json()["validation"]["ok"] is True and ok.json()["draft"]["validation"] == "valid"
    wrong = cli("validate", "Billing", "--secret-from-stdin", stdin="not-the-secret\n")
    assert wrong.code == 1 and "invalid_client" in wrong.out

    pushed = cli("push", "Billing", "--server", sb.url, "--json", env={**server_env, "MMOAUTH_CLIENT_SECRET": secret})
    assert pushed.code == 0, pushed.err
    conn_id = pushed.json()["connection"]["id"]
    stored = sb.state.connection(conn_id)
    assert stored is not None and stored.client_secret == secret and pushed.json()["action"] == "created"

    # The server copy changes; the draft changes too: push stops and names the conflict.
    current = sb.state.connection(conn_id)
    assert current is not None
    sb.state.replace_connection(current.with_changes(name="Billing (edited on server)"))
    assert cli("edit", "Billing", "--audience", "https://billing.example.com/v2/*").code == 0
    conflict = cli("push", "Billing", "--server", sb.url, env=server_env)
    assert conflict.code == 1
    assert f"Conflict on draft “Billing” ({draft_id})" in conflict.err and "name" in conflict.err
    assert "--force" in conflict.err and "--take-theirs" in conflict.err and "--merge" in conflict.err
    as_json = cli("push", "Billing", "--server", sb.url, "--json", env=server_env)
    assert as_json.code == 1 and as_json.json()["conflict"]["differences"][0]["field"] == "name"
    assert cli("list", "--json").json()["drafts"][0]["status"] == "conflict"

    merged = cli("push", "Billing", "--server", sb.url, "--merge", "name=theirs", "--json", env=server_env)
    assert merged.code == 0, merged.err
    after = sb.state.connection(conn_id)
    assert after is not None and after.name == "Billing (edited on server)"
    assert after.audiences == ("https://billing.example.com/v2/*",) and after.client_secret == secret

    # Once more, resolved the other two ways.
    current = sb.state.connection(conn_id)
    assert current is not None
    sb.state.replace_connection(current.with_changes(audiences=("https://server-side.example.com/*",)))
    # by id: the draft took the server's name
    assert cli("push", draft_id, "--server", sb.url, env=server_env).code == 1
    assert cli("push", draft_id, "--server", sb.url, "--force", env=server_env).code == 0  # the draft wins
    forced = sb.state.connection(conn_id)
    assert forced is not None and forced.audiences == ("https://billing.example.com/v2/*",)
    sb.state.replace_connection(forced.with_changes(name="Billing (server again)"))
    assert cli("edit", "Billing (edited on server)", "--note", "local note only").code == 0
    assert cli("edit", "Billing (edited on server)", "--name", "Billing local").code == 0
    pulled_conflict = cli("pull", "Billing local", "--server", sb.url, env=server_env)
    assert pulled_conflict.code == 1 and "Conflict on draft" in pulled_conflict.err
    theirs = cli("pull", "Billing local", "--server", sb.url, "--take-theirs", "--json", env=server_env)
    assert theirs.code == 0 and theirs.json()["draft"]["name"] == "Billing (server again)"
    assert theirs.json()["draft"]["status"] == "in_sync"

    # Pull a connection made on the server into a new draft.
    other = sb.state.add_connection("Pager", "pager", "pager-secret-zz", sb.token_url, ["https://pager.example.com"])
    pulled = cli("pull", other.id, "--server", sb.url, "--json", env=server_env)
    assert pulled.code == 0 and pulled.json()["action"] == "created"

    # Export (drafts, then the server's connections) and import elsewhere, with clashes.
    exported = tmp_path / "drafts.json"
    assert cli("export", "--out", str(exported)).code == 0
    server_export = tmp_path / "server.json"
    assert cli("export", "--out", str(server_export), "--server", sb.url, env=server_env).code == 0
    assert len(json.loads(server_export.read_text())["drafts"]) == 2
    clash = cli("import", str(server_export))
    assert clash.code == 0 and "already identical" in clash.out  # same content: not a clash
    assert cli("edit", "Pager", "--client-id", "pager-2").code == 0
    refused = cli("import", str(server_export))
    assert refused.code == 2 and "Choose with --on-clash" in refused.err and "“Pager”" in refused.err
    renamed = cli("import", str(server_export), "--on-clash", "rename", "--json")
    assert renamed.code == 0 and [d["name"] for d in renamed.json()["renamed"]] == ["Pager (imported)"]
    elsewhere = Cli(tmp_path / "elsewhere")
    imported = elsewhere("import", str(exported), "--json")
    assert imported.code == 0 and len(imported.json()["added"]) == 2
    cli.outputs += elsewhere.outputs

    # The secrets scan: no file written anywhere by the app, nor any output, holds a secret or the token.
    needles = [secret, sb.admin_token, "pager-secret-zz", "not-the-secret"]
    written = [p for root in (data_dir, tmp_path / "elsewhere", tmp_path) for p in root.rglob("*") if p.is_file()]
    assert any(p.suffix == ".json" for p in written)
    for path in written:
        content = path.read_bytes()
        for needle in needles:
            assert needle.encode() not in content, f"{needle[:4]}… found in {path}"
    for output in cli.outputs:
        for needle in needles:
            assert needle not in output


def test_push_to_a_profile_target_and_the_failures_it_names(cli: Cli, empty_sandbox: Sandbox) -> None:
    from mmoauth_gui.storage.paths import app_paths
    from mmoauth_gui.storage.profiles import Profile, ProfileStore

    sb = empty_sandbox
    client = sb.demo_clients[0]
    ProfileStore(app_paths(cli.data_dir)).save(Profile("staging", sb.url))
    made = cli(
        "new", "--name", "Aimed", "--client-id", str(client["client_id"]), "--token-url", sb.token_url,
        "--audience", "https://aimed.example.com", "--server", "staging", "--json",
    )  # fmt: skip
    assert made.code == 0 and made.json()["target"]["server"] == "staging"

    # No secret in this new session: the push is refused before anything is sent, and says how to give it.
    no_secret = cli("push", "Aimed", env={"MMOAUTH_SERVER_TOKEN": sb.admin_token})
    assert no_secret.code == 1 and "Client Secret is required" in no_secret.err
    assert "MMOAUTH_CLIENT_SECRET" in no_secret.err and sb.state.connections() == []
    # No token at all: a usage error naming where a token comes from.
    no_token = cli("push", "Aimed")
    assert no_token.code == 2 and "MMOAUTH_SERVER_TOKEN" in no_token.err

    pushed = cli(
        "push", "Aimed", "--secret-from-stdin", "--json",
        stdin=f"{client['client_secret']}\n", env={"MMOAUTH_SERVER_TOKEN": sb.admin_token},
    )  # fmt: skip
    assert pushed.code == 0, pushed.err
    assert [c.name for c in sb.state.connections()] == ["Aimed"]  # the profile's server
    again = cli("push", "Aimed", env={"MMOAUTH_SERVER_TOKEN": sb.admin_token})
    assert again.code == 0 and "already in sync" in again.out

    # A server that does not answer: exit 3 with the reason.
    down = cli("pull", "Aimed", "--server", "http://127.0.0.1:9", env={"MMOAUTH_SERVER_TOKEN": "x"})
    assert down.code == 3 and "connection refused" in down.err


def test_a_password_grant_draft_is_validated_created_and_renamed(cli: Cli, empty_sandbox: Sandbox) -> None:
    sb = empty_sandbox
    client = next(c for c in sb.demo_clients if "password" in c["grant_types"])
    secret, user = str(client["client_secret"]), sb.demo_user
    secrets_env = {"MMOAUTH_CLIENT_SECRET": secret, "MMOAUTH_PASSWORD": user["password"]}
    made = cli(
        "new", "--name", "Legacy", "--client-id", str(client["client_id"]), "--token-url", sb.token_url,
        "--audience", "https://legacy.example.com/*", "--grant-type", "password", "--username", user["username"],
        "--json", env=secrets_env,
    )  # fmt: skip
    assert made.code == 0, made.err
    assert made.json()["connection"]["grant_type"] == "password" and made.json()["complete"] is True

    # A new process: without the password, validation says what is missing; with it, the grant works.
    missing = cli("validate", "Legacy", env={"MMOAUTH_CLIENT_SECRET": secret})
    assert missing.code == 1 and "Password is required" in missing.out
    wrong = cli("validate", "Legacy", env={**secrets_env, "MMOAUTH_PASSWORD": "not-the-password"})
    assert wrong.code == 1 and "invalid_grant" in wrong.out
    ok = cli("validate", "Legacy", "--json", env=secrets_env)
    assert ok.code == 0, ok.out + ok.err
    assert ok.json()["validation"]["ok"] is True and ok.json()["draft"]["validation"] == "valid"

    server_env = {"MMOAUTH_SERVER_TOKEN": sb.admin_token}
    pushed = cli("push", "Legacy", "--server", sb.url, "--json", env={**server_env, **secrets_env})
    assert pushed.code == 0, pushed.err
    [created] = sb.state.connections()
    assert (created.credentials_username, created.credentials_password, created.client_secret) == (
        user["username"],
        user["password"],
        secret,
    )

    # Renamed and pushed again with no secret given: the server keeps the secret and the password.
    assert cli("edit", "Legacy", "--name", "Legacy (renamed)").code == 0
    renamed = cli("push", "Legacy (renamed)", "--server", sb.url, "--json", env=server_env)
    assert renamed.code == 0, renamed.err
    updated = sb.state.connection(created.id)
    assert updated is not None and updated.name == "Legacy (renamed)"
    assert (updated.credentials_username, updated.credentials_password, updated.client_secret) == (
        user["username"],
        user["password"],
        secret,
    )
    for output in cli.outputs:
        assert user["password"] not in output and secret not in output
