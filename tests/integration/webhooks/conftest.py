"""A sandbox whose commands and webhook callbacks point at the test's own recording endpoint.

``/good/…`` URLs are covered by a connection with the demo client's right secret, ``/bad/…`` by one with a wrong
secret (its token is refused), ``/none/…`` by no connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support.recorder import Recorder

from mmoauth_gui.sandbox import Sandbox

CLIENT = "mattermost-commands"


def webhook_seed(rec_url: str) -> dict[str, Any]:
    return {
        # the token endpoint is on loopback: allowed as a real server would need it
        "settings": {"ServiceSettings.AllowedUntrustedInternalConnections": "127.0.0.0/8"},
        "teams": [
            {
                "name": "eng",
                "display_name": "Engineering",
                "channels": ["town-square", "builds"],
                "commands": [
                    {"trigger": "deploy", "url": f"{rec_url}/good/deploy", "method": "P"},
                    {"trigger": "status", "url": f"{rec_url}/good/status?env=prod", "method": "G"},
                    {"trigger": "broken", "url": f"{rec_url}/bad/broken", "method": "P"},
                    {"trigger": "plain", "url": f"{rec_url}/none/plain", "method": "P"},
                ],
                "outgoing_webhooks": [
                    {
                        "display_name": "Notifier",
                        "trigger_words": ["ship"],
                        "callback_urls": [f"{rec_url}/good/notify", f"{rec_url}/bad/notify", f"{rec_url}/none/notify"],
                        "content_type": "application/json",
                    },
                    {
                        "display_name": "Form hook",
                        "trigger_words": ["build"],
                        "trigger_when": 1,
                        "callback_urls": [f"{rec_url}/good/form"],
                        "channel": "builds",
                        "creator": "user",
                    },
                ],
            },
            {"name": "ops", "display_name": "Operations", "user_role": "member", "commands": []},
        ],
        "connections": [
            {
                "name": "Good",
                "client_id": CLIENT,
                "client_secret": "{secret:mattermost-commands}",
                "oauth_token_url": "{token_url}",
                "audiences": [f"{rec_url}/good/*"],
            },
            {
                "name": "Refused",
                "client_id": CLIENT,
                "client_secret": "wrong-secret",
                "oauth_token_url": "{token_url}",
                "audiences": [f"{rec_url}/bad/*"],
            },
        ],
    }


@pytest.fixture
def hooks_sandbox(recorder: Recorder) -> Iterator[Sandbox]:
    with Sandbox(seed=webhook_seed(recorder.url)) as sb:
        yield sb
