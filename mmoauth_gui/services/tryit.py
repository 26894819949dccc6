""" "Try it" over the network: one command or webhook callback end to end (docs/MATTERMOST.md §5, Appendix E).

``prepare_command`` / ``prepare_webhook`` read what the server knows (the integration, its token, the team,
the connection the server names for the URL). Then either:

- ``send_from_here``: act as Mattermost would — fetch a token with the connection's client id and token URL
  (the secret comes from the user: the server never returns it), build the request exactly as the server
  does, send it, read the answer. Channel and post fields are test values, labelled as such.
- ``run_through_server``: a real execution — ``POST /api/v4/commands/execute`` for a command, a post with a
  trigger word for a webhook — then what the server answered and what its log says.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from dataclasses import dataclass, field

import httpx

from mmoauth_gui.core.model import Command, Connection, IntegrationKind, Team
from mmoauth_gui.core.plural import counted
from mmoauth_gui.core.tryit import (
    BuiltRequest,
    CallContext,
    IntegrationAnswer,
    TokenStep,
    TryResult,
    command_request,
    parse_command_response,
    webhook_request,
)
from mmoauth_gui.core.validation.result import Category
from mmoauth_gui.core.webhooks import OutgoingWebhook
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.mattermost.errors import MattermostError, NotFound, PermissionDenied
from mmoauth_gui.services.token.client import TokenRequest, request_token
from mmoauth_gui.services.transport_errors import classify_transport_error

MAX_ANSWER = 1024 * 1024  # the server reads at most 1 MiB of an integration's answer
TEST_CHANNEL_ID = "t" * 26
TEST_CHANNEL_NAME = "town-square"
TOKEN_FAILED_LINE = "Failed to retrieve token for outgoing oauth connection"
LOOKUP_FAILED_LINE = "Failed to find an outgoing oauth connection for the webhook"
WEBHOOK_LOG_WAIT_S = 3.0
LOG_HELP = (
    "The server logs a failed token fetch as “Failed to retrieve token for outgoing oauth connection” "
    "(System Console › Server Logs, or mattermost.log)."
)


class TryError(Exception):
    """The try could not start: the integration is not there, or the server refused to say."""


@dataclass(frozen=True)
class Target:
    """What to try, as the server knows it. ``secret_token`` is the command's or webhook's own token."""

    kind: IntegrationKind
    label: str
    url: str
    team: Team
    connection: Connection | None
    command: Command | None = None
    hook: OutgoingWebhook | None = None
    callback_index: int = 0
    secret_token: str = field(default="", repr=False)
    notes: tuple[str, ...] = ()


async def _team(client: MattermostClient, team_id: str) -> Team:
    for team in await client.my_teams():
        if team.id == team_id or team.name == team_id:
            return team
    raise TryError(f"No team “{team_id}” among the account's teams.")


async def _connection_for(client: MattermostClient, url: str, team_id: str) -> tuple[Connection | None, str]:
    """The connection the server names for ``url``; when it will not say, none, and a note why."""
    try:
        return await client.connection_for_audience(url, team_id), ""
    except (PermissionDenied, NotFound) as exc:
        return None, f"The server would not say which connection serves the URL: {exc.user_message}"


async def prepare_command(client: MattermostClient, team: str, trigger: str) -> Target:
    found = await _team(client, team)
    trigger = trigger.removeprefix("/")
    commands = await client.commands(found.id)
    cmd = next((c for c in commands if c.trigger.lower() == trigger.lower() and c.goes_through_url), None)
    if cmd is None:
        raise TryError(f"No custom slash command /{trigger} with a URL in team {found.label}.")
    token = await client.command_token(cmd.id, found.id)
    conn, note = await _connection_for(client, cmd.url, found.id)
    return Target(
        IntegrationKind.COMMAND,
        f"/{cmd.trigger}",
        cmd.url,
        found,
        conn,
        command=cmd,
        secret_token=token,
        notes=(note,) if note else (),
    )


async def prepare_webhook(client: MattermostClient, hook_id: str, callback: int = 0) -> Target:
    hook = await client.outgoing_webhook(hook_id)
    if not hook.callback_urls:
        raise TryError(f"The webhook {hook.display_name or hook_id} has no callback URL.")
    if not 0 <= callback < len(hook.callback_urls):
        raise TryError(
            f"The webhook has {counted(len(hook.callback_urls), 'callback URL')}: "
            f"choose 1 to {len(hook.callback_urls)}."
        )
    team = await _team(client, hook.team_id)
    url = hook.callback_urls[callback]
    token = await client.webhook_token(hook.id)
    conn, note = await _connection_for(client, url, team.id)
    label = hook.display_name or hook.id
    if len(hook.callback_urls) > 1:
        label += f" (callback {callback + 1})"
    return Target(
        IntegrationKind.WEBHOOK,
        label,
        url,
        team,
        conn,
        hook=hook,
        callback_index=callback,
        secret_token=token,
        notes=(note,) if note else (),
    )


def _context(target: Target, client: MattermostClient, user_id: str, user_name: str, text: str) -> CallContext:
    test = {"channel_id", "channel_name"} | (
        {"trigger_id", "response_url"} if target.kind is IntegrationKind.COMMAND else {"post_id", "timestamp"}
    )
    return CallContext(
        team_id=target.team.id,
        team_domain=target.team.name,
        channel_id=TEST_CHANNEL_ID,
        channel_name=TEST_CHANNEL_NAME,
        user_id=user_id,
        user_name=user_name,
        text=text,
        site_url=client.base_url,
        post_id="p" * 26,
        timestamp_ms=int(time.time() * 1000),
        trigger_id=secrets.token_urlsafe(24),
        hook_id="c" * 26,
        test_fields=frozenset(test),
    )


async def _token(http: httpx.AsyncClient, conn: Connection, secret: str, password: str) -> tuple[TokenStep, str | None]:
    filled = conn.with_changes(client_secret=secret, credentials_password=password or conn.credentials_password)
    result = await request_token(http, TokenRequest.for_connection(filled))
    step = TokenStep(
        conn.id,
        conn.name,
        ok=result.ok,
        category=result.category,
        explanation=result.summary,
        details=result.to_json(),
    )
    header = f"{result.token_type or ''} {result.access_token}" if result.ok and result.access_token else None
    return step, header


async def _send(http: httpx.AsyncClient, req: BuiltRequest) -> tuple[IntegrationAnswer, str, bytes]:
    """Send ``req`` as built (no redirects followed); the answer, its content type and its first MiB."""
    request = http.build_request(req.method, req.url, headers=list(req.headers), content=req.body or None)
    response = await http.send(request, stream=True, follow_redirects=False)
    try:
        body = b""
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) >= MAX_ANSWER:
                body = body[:MAX_ANSWER]
                break
    finally:
        await response.aclose()
    answer = IntegrationAnswer(
        response.status_code, response.reason_phrase, tuple(response.headers.items()), body.decode("utf-8", "replace")
    )
    return answer, response.headers.get("Content-Type", ""), body


async def send_from_here(
    http: httpx.AsyncClient,
    client: MattermostClient,
    target: Target,
    *,
    text: str = "",
    client_secret: str = "",
    password: str = "",
    deadline_s: float = 30.0,
) -> TryResult:
    """Act as Mattermost: token for the connection the server names, then the request it builds."""
    me = await client.me()
    ctx = _context(target, client, me.id, me.username, text)
    step: TokenStep | None = None
    header: str | None = None
    notes = list(target.notes)
    if target.connection is not None:
        step, header = await _token(http, target.connection, client_secret, password)
    if target.kind is IntegrationKind.COMMAND and target.command is not None:
        req = command_request(target.command, target.secret_token, ctx, header)
    else:
        assert target.hook is not None
        word = target.hook.trigger_words[0] if target.hook.trigger_words else ""
        if word:
            ctx = CallContext(**{**ctx.__dict__, "text": f"{word} {text}".strip()})
        req = webhook_request(target.hook, target.url, target.secret_token, ctx, word, header)
        if step is not None and not step.ok:
            notes.append("Mattermost does not call a webhook callback whose token cannot be fetched: nothing was sent.")
            return TryResult(
                target.kind,
                target.label,
                False,
                target.url,
                step,
                False,
                req,
                None,
                "",
                notes=tuple(notes),
                test_fields=ctx.test_fields,
            )
    try:
        answer, content_type, body = await asyncio.wait_for(_send(http, req), deadline_s)
    except (httpx.TransportError, TimeoutError) as exc:
        kind, detail = classify_transport_error(exc)
        reason = f"{kind}: {detail}" if detail else kind
        return TryResult(
            target.kind,
            target.label,
            False,
            target.url,
            step,
            True,
            req,
            None,
            f"the integration did not answer ({reason})",
            unreachable=True,
            notes=tuple(notes),
            test_fields=ctx.test_fields,
        )
    if target.kind is IntegrationKind.COMMAND:
        answer = IntegrationAnswer(
            answer.status,
            answer.reason,
            answer.headers,
            answer.body,
            parse_command_response(content_type, body) if answer.status == 200 else None,
        )
    return TryResult(
        target.kind,
        target.label,
        False,
        target.url,
        step,
        True,
        req,
        answer,
        notes=tuple(notes),
        test_fields=ctx.test_fields,
    )


async def _log_lines(client: MattermostClient) -> tuple[list[str], str]:
    """The server's log lines about outgoing connections, commands and webhooks; or why none could be read."""
    try:
        lines = await client.server_log()
    except MattermostError as exc:
        return [], f"The server log could not be read ({exc.message or exc.status}). {LOG_HELP}"
    picked = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict):
            continue
        msg = str(entry.get("msg", ""))
        if "oauth connection" not in msg and "Outgoing Webhook" not in msg and "Outgoing Command" not in msg:
            continue
        picked.append(line)
    return picked, ""


async def run_through_server(client: MattermostClient, target: Target, channel: str, *, text: str = "") -> TryResult:
    """A real execution in ``channel`` (a name in the target's team). Confirm with the user first."""
    try:
        found = await client.channel_by_name(target.team.id, channel)
    except NotFound:
        raise TryError(f"No channel named “{channel}” in team {target.team.label}.") from None
    channel_id = str(found.get("id", ""))
    before, _ = await _log_lines(client)
    step = (
        TokenStep(target.connection.id, target.connection.name, ok=True, category="unknown")
        if target.connection
        else None
    )
    notes = list(target.notes)
    if target.kind is IntegrationKind.COMMAND:
        command = f"/{target.command.trigger if target.command else target.label.lstrip('/')}"
        if text:
            command += f" {text}"
        try:
            answer = await client.execute_command(channel_id, command)
        except MattermostError as exc:
            log, why = await _new_lines(client, before)
            step = _step_from_log(step, log, readable=not why)
            status = exc.status or 0
            refused = IntegrationAnswer(status, f"from the server: {exc.error_id}", (), exc.detailed_error)
            return TryResult(
                target.kind,
                target.label,
                True,
                target.url,
                step,
                True,
                None,
                refused if status else None,
                exc.message if status else exc.user_message,
                unreachable=not status,
                notes=tuple(notes + ([why] if why else [])),
                server_log=tuple(log),
            )
        log, why = await _new_lines(client, before)
        step = _step_from_log(step, log, readable=not why)
        if why:
            notes.append(why)
        response = IntegrationAnswer(
            200, "OK", (), json.dumps(answer), parse_command_response("application/json", json.dumps(answer).encode())
        )
        return TryResult(
            target.kind,
            target.label,
            True,
            target.url,
            step,
            True,
            None,
            response,
            notes=tuple(notes),
            server_log=tuple(log),
        )
    assert target.hook is not None
    word = target.hook.trigger_words[0] if target.hook.trigger_words else ""
    message = f"{word} {text}".strip() or "test"
    await client.create_post(channel_id, message)
    await asyncio.sleep(WEBHOOK_LOG_WAIT_S)  # the server calls the webhooks after answering the post
    log, why = await _new_lines(client, before)
    mine = [line for line in log if target.hook.id in line]
    step = _step_from_log(step, mine, readable=not why)
    sent = not (step is not None and not step.ok)
    if why:
        notes.append(why)
    notes.append(
        f"Posted “{message}” in {channel}. The server does not report a webhook's answer: "
        + ("its log shows the failure above." if mine else "its log shows no failure for this webhook.")
    )
    return TryResult(
        target.kind,
        target.label,
        True,
        target.url,
        step,
        sent,
        None,
        IntegrationAnswer(200, "no failure logged") if sent else None,
        notes=tuple(notes),
        server_log=tuple(mine),
    )


async def _new_lines(client: MattermostClient, before: list[str]) -> tuple[list[str], str]:
    after, why = await _log_lines(client)
    seen = set(before)
    return [line for line in after if line not in seen], why


def _step_from_log(step: TokenStep | None, lines: list[str], *, readable: bool) -> TokenStep | None:
    """The token outcome as the server's log tells it (no line: no failure; unreadable log: unknown)."""
    if step is None:
        return None
    failed = [line for line in lines if TOKEN_FAILED_LINE in line or LOOKUP_FAILED_LINE in line]
    if failed:
        entry = json.loads(failed[-1])
        return TokenStep(
            step.connection_id,
            step.connection_name,
            ok=False,
            category=Category.OAUTH_ERROR.value,
            explanation=f"The server logged: {entry.get('msg')}: {entry.get('error', '')}",
        )
    if not readable:
        return TokenStep(step.connection_id, step.connection_name, ok=True, category="unknown", explanation=LOG_HELP)
    return TokenStep(
        step.connection_id,
        step.connection_name,
        ok=True,
        category="ok",
        explanation="The server logged no token failure.",
    )
