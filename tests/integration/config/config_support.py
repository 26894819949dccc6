"""The seed and helpers of the connections-as-code tests: three connections, commands routed through two."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

SEED: dict[str, Any] = {
    # the token endpoint is the sandbox's own, on loopback: allowed as a real server would need it
    "settings": {"ServiceSettings.AllowedUntrustedInternalConnections": "127.0.0.0/8"},
    "teams": [
        {
            "name": "alpha",
            "display_name": "Alpha",
            "commands": [
                {"trigger": "deploy", "url": "https://a.example.com/hook"},
                {"trigger": "billing", "url": "https://b.example.com/x"},
                {"trigger": "other", "url": "https://elsewhere.example.com/run"},
            ],
        }
    ],
    "connections": [
        {
            "name": "Alpha",
            "client_id": "mattermost-commands",
            "client_secret": "{secret:mattermost-commands}",
            "oauth_token_url": "{token_url}",
            "audiences": ["https://a.example.com/*"],
        },
        {
            "name": "Billing",
            "client_id": "mattermost-commands",
            "client_secret": "{secret:mattermost-commands}",
            "oauth_token_url": "{token_url}",
            "audiences": ["https://b.example.com/x"],
        },
        {
            "name": "Spare",
            "client_id": "reports-bot",
            "client_secret": "{secret:reports-bot}",
            "oauth_token_url": "{token_url}",
            "audiences": ["https://spare.example.com/*"],
        },
    ],
}


def config_cli(*args: str, token: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m mmoauth_gui config ...`` as a subprocess, stdin not a terminal."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MMOAUTH_") or k == "MMOAUTH_DATA_DIR"}
    full_env = {k: v for k, v in full_env.items() if not k.startswith("MM_OAUTH_")}
    full_env["MMOAUTH_SERVER_TOKEN"] = token
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "mmoauth_gui", "config", *args],
        input="",
        capture_output=True,
        text=True,
        env=full_env,
        timeout=60,
    )


def export(sb: Any, path: Path) -> str:
    result = config_cli("export", "--server", sb.url, "--out", str(path), token=sb.admin_token)
    assert result.returncode == 0, result.stderr
    return path.read_text(encoding="utf-8")
