"""Generated data: commands and connections for the preview, drafts, seeds for the sandbox.

The preview workload: commands on a few hundred hosts; connections with 3 audiences each, exact and wildcard
mixed; deterministic for a seed.
"""

from __future__ import annotations

import random
from typing import Any

from mmoauth_gui.core.model import Command, Connection, Team


def preview_workload(n_commands: int, n_connections: int, seed: int = 7) -> tuple[list[Command], list[Connection]]:
    rng = random.Random(seed)
    hosts = [f"https://svc{i}.example.com" for i in range(max(1, n_connections // 3))]
    commands = []
    for i in range(n_commands):
        host = rng.choice(hosts)
        path = rng.choice([f"/hooks/cmd{i}", f"/api/v{rng.randint(1, 3)}/cmd{i}", f"/slash?cmd={i}"])
        commands.append(
            Command(id=f"c{i:05d}", team_id=f"t{i % 20:02d}", trigger=f"cmd{i}", url=host + path, method="P")
        )
    connections = []
    for j in range(n_connections):
        auds = []
        for k in range(3):
            host = rng.choice(hosts)
            kind = (j + k) % 3
            if kind == 0:
                auds.append(rng.choice(commands).url)  # an exact command URL
            elif kind == 1:
                auds.append(f"{host}/api/v{rng.randint(1, 3)}/*")
            else:
                auds.append(f"{host}/hooks/cmd{rng.randint(0, n_commands)}")  # mostly unused
        connections.append(
            Connection(
                id=f"k{j:04d}",
                name=f"conn {j}",
                client_id=f"client-{j}",
                oauth_token_url="https://auth.example.com/oauth2/token",
                audiences=tuple(auds),
            )
        )
    return commands, connections


def teams_of(commands: list[Command]) -> list[Team]:
    ids = sorted({c.team_id for c in commands})
    return [Team(id=t, name=f"team-{t}", display_name=f"Team {t}") for t in ids]


def draft_connection(i: int) -> Connection:
    return Connection(
        name=f"Draft connection {i}",
        client_id=f"draft-client-{i}",
        oauth_token_url=f"https://auth{i % 7}.example.com/oauth2/token",
        audiences=(f"https://svc{i}.example.com/api/*", f"https://svc{i}.example.com/hooks/cmd{i}"),
    )


def sync_seed(n_teams: int, commands_per_team: int, n_webhooks: int = 0) -> dict[str, Any]:
    """A sandbox seed with ``n_teams`` teams of ``commands_per_team`` custom commands each, ``n_webhooks``
    outgoing webhooks spread over the teams, and a few connections."""
    teams = []
    for t in range(n_teams):
        hooks = [
            {
                "display_name": f"Hook {h}",
                "trigger_words": [f"hook{h}"],
                "callback_urls": [f"https://svc{h % 50}.example.com/hooks/{h}", f"https://backup.example.com/{h}"],
            }
            for h in range(t, n_webhooks, n_teams)
        ]
        commands = [
            {
                "trigger": f"cmd{t}-{i}",
                "url": f"https://svc{i % 50}.example.com/t{t}/cmd{i}",
                "method": "P",
                "display_name": f"Command {i}",
                "description": f"Command {i} of team {t}",
            }
            for i in range(commands_per_team)
        ]
        teams.append(
            {"name": f"team-{t:02d}", "display_name": f"Team {t}", "commands": commands, "outgoing_webhooks": hooks}
        )
    connections = [
        {
            "name": f"conn {j}",
            "client_id": f"client-{j}",
            "client_secret": "bench-secret",
            "oauth_token_url": "https://auth.example.com/oauth2/token",
            "audiences": [f"https://svc{j}.example.com/*"],
        }
        for j in range(10)
    ]
    return {"teams": teams, "connections": connections}


def validation_seed(n_connections: int, token_url: str) -> dict[str, Any]:
    """A sandbox seed whose ``n_connections`` connections all use ``token_url`` (the slow endpoint)."""
    connections = [
        {
            "name": f"Slow endpoint {j:03d}",
            "client_id": f"bench-client-{j}",
            "client_secret": f"bench-secret-{j}",
            "oauth_token_url": token_url,
            "audiences": [f"https://svc{j}.example.com/*"],
        }
        for j in range(n_connections)
    ]
    team = {
        "name": "bench",
        "display_name": "Bench",
        "commands": [
            {"trigger": f"cmd{i}", "url": f"https://svc{i}.example.com/hook", "method": "P"} for i in range(10)
        ],
    }
    # the endpoint is on loopback: a real server refuses that unless AllowedUntrustedInternalConnections allows it
    settings = {"ServiceSettings.AllowedUntrustedInternalConnections": "127.0.0.0/8"}
    return {"teams": [team], "connections": connections, "settings": settings}
