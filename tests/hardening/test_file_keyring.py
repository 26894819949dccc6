"""The secrets path against a real keyring: keyrings.alt's encrypted file keyring in a temp folder, reached
by this process and by CLI subprocesses (through ``PYTHON_KEYRING_BACKEND``). Secrets survive a restart,
move and go with what owns them, and reach no file but the keyring's. A plaintext file keyring counts as
none: the app keeps secrets for the session and says why.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring
from support.keyrings import FileKeyring

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.storage.paths import app_paths
from mmoauth_gui.storage.profiles import Profile, ProfileStore
from mmoauth_gui.storage.secrets import SERVICE, SESSION_ONLY_MESSAGE, SecretKind, SecretStore

# keyrings.alt (5.0.2) derives its key with pycryptodome's PBKDF2 defaults, which pycryptodome 4 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:PBKDF2 without:DeprecationWarning")


def drafts_cli(data_dir: Path, *args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MMOAUTH_")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "mmoauth_gui", "--data-dir", str(data_dir), "drafts", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=60,
    )


def files_holding(root: Path, needle: str) -> list[Path]:
    data = needle.encode()
    return [p for p in root.rglob("*") if p.is_file() and data in p.read_bytes()]


def test_profiles_and_drafts_keep_their_secrets_in_a_real_keyring_across_processes(
    file_keyring: FileKeyring, empty_sandbox: Sandbox, data_dir: Path, tmp_path: Path
) -> None:
    sb = empty_sandbox
    legacy = next(c for c in sb.demo_clients if "password" in c["grant_types"])
    secret, user = str(legacy["client_secret"]), sb.demo_user
    kr_env = file_keyring.env

    # A profile saved by the app: its token goes to the keyring, and a new session reads it back.
    store = SecretStore()
    assert store.persistent and store.reason == ""
    profiles = ProfileStore(app_paths(), store)
    profiles.save(Profile(name="Sandbox", url=sb.url))
    assert store.set(SecretKind.SERVER_TOKEN, "Sandbox", sb.admin_token) is True
    assert SecretStore().get(SecretKind.SERVER_TOKEN, "Sandbox") == sb.admin_token

    # A password-grant draft made in one process: its secret and password go to the keyring, said so.
    made = drafts_cli(
        data_dir,
        "new", "--name", "Legacy", "--client-id", str(legacy["client_id"]), "--token-url", sb.token_url,
        "--audience", "https://legacy.example.com/*", "--grant-type", "password", "--username", user["username"],
        "--secret-from-stdin",
        env=kr_env, stdin=f"{secret}\n{user['password']}\n",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "Secret not stored" not in made.stderr
    draft_id = made.stdout.split("(", 1)[1].split(")", 1)[0]
    assert file_keyring.entries(SERVICE) == {
        "server-token:sandbox",
        f"client-secret:{draft_id}",
        f"password:{draft_id}",
    }

    # Later processes find both in the keyring: validation needs neither typed again, push takes the
    # profile's token from it.
    checked = drafts_cli(data_dir, "validate", "Legacy", "--json", env=kr_env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert '"ok": true' in checked.stdout
    pushed = drafts_cli(data_dir, "push", "Legacy", "--profile", "Sandbox", "--json", env=kr_env)
    assert pushed.returncode == 0, pushed.stderr
    [created] = sb.state.connections()
    assert (created.client_secret, created.credentials_username, created.credentials_password) == (
        secret,
        user["username"],
        user["password"],
    )
    # The keyring file is encrypted, and no file under the test's folder (data, keyring) holds a secret.
    assert file_keyring.path.exists()
    for value in (secret, user["password"], sb.admin_token):
        assert files_holding(tmp_path, value) == []

    # A renamed profile takes its token along; a removed profile and a deleted draft leave nothing behind.
    profiles.rename("Sandbox", "Sandbox (renamed)")
    assert SecretStore().get(SecretKind.SERVER_TOKEN, "Sandbox (renamed)") == sb.admin_token
    assert SecretStore().get(SecretKind.SERVER_TOKEN, "Sandbox") is None
    profiles.remove("Sandbox (renamed)")
    assert drafts_cli(data_dir, "delete", "Legacy", env=kr_env).returncode == 0
    assert file_keyring.entries(SERVICE) == set()


def test_a_plaintext_file_keyring_counts_as_none(tmp_path: Path, data_dir: Path) -> None:
    plain_file = tmp_path / "plain" / "keyring_pass.cfg"
    backend = PlaintextKeyring()
    backend.file_path = str(plain_file)
    store = SecretStore(backend=backend)
    assert store.persistent is False
    assert store.reason.startswith(SESSION_ONLY_MESSAGE) and "PlaintextKeyring" in store.reason
    assert "unencrypted" in store.reason
    assert store.set(SecretKind.CLIENT_SECRET, "d1", "plain-s3cret-41") is False
    assert store.get(SecretKind.CLIENT_SECRET, "d1") == "plain-s3cret-41"
    assert not plain_file.exists()

    # The same for a process told to use it, as a user's keyringrc.cfg or environment would.
    env = {
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
        "KEYRING_PROPERTY_FILE_PATH": str(plain_file),
    }
    made = drafts_cli(
        data_dir, "new", "--name", "Plain", "--client-id", "c", "--token-url", "https://auth.example.com/token",
        "--audience", "https://plain.example.com/*", "--secret-from-stdin",
        env=env, stdin="plain-s3cret-42\n",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "Secret not stored" in made.stderr and "PlaintextKeyring" in made.stderr
    assert not plain_file.exists()
    assert files_holding(tmp_path, "plain-s3cret-42") == []
    assert type(keyring.get_keyring()).__module__ == "keyring.backends.fail"  # this process is still sealed
