"""A "Try it" result as HTML for the Try dialog: every outside text escaped, secrets redacted unless revealed."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from mmoauth_gui.core.plural import counted
from mmoauth_gui.core.tryit import TryOutcome, TryResult

OUTCOME_LOOK = {
    TryOutcome.OK: "ok",
    TryOutcome.TOKEN_FAILED: "bad",
    TryOutcome.NOT_SENT: "bad",
    TryOutcome.REFUSED: "bad",
    TryOutcome.UNREACHABLE: "bad",
}


def _pre(text: str) -> str:
    return f"<pre style='white-space:pre-wrap; margin:0'>{escape(text)}</pre>"


def _fields(values: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td><code>{escape(k)}</code></td><td>{escape(v if isinstance(v, str) else json.dumps(v))}</td></tr>"
        for k, v in values.items()
    )
    return f"<table cellspacing='0' cellpadding='1'>{rows}</table>"


def render_result(result: TryResult, *, reveal: bool, ok_colour: str, bad_colour: str) -> str:
    data = result.to_json(reveal=reveal)
    colour = ok_colour if OUTCOME_LOOK[result.outcome] == "ok" else bad_colour
    parts = [f"<p><b><span style='color:{colour}'>{escape(result.headline())}</span></b></p>"]
    token = data["token"]
    if token is None:
        parts.append("<p><b>Connection:</b> none covers this URL — sent without OAuth.</p>")
    else:
        state = "obtained" if token["ok"] else "failed"
        parts.append(
            f"<p><b>Connection:</b> “{escape(str(token['connection_name']))}”<br>"
            f"<b>Token:</b> {state} ({escape(str(token['category']))}) — {escape(str(token['explanation']))}</p>"
        )
        hint = token.get("hint")
        if hint and not token["ok"]:
            parts.append(f"<p>{escape(str(hint))}</p>")
    response = data["response"]
    if response:
        parts.append(f"<p><b>Answer:</b> HTTP {response['status']} {escape(str(response['reason']))}</p>")
        if response["headers"]:
            parts.append(_fields(response["headers"]))
        if response["body"]:
            parts.append(_pre(response["body"][:4000]))
        parsed = response.get("command_response")
        if parsed:
            parts.append(
                f"<p><b>As Mattermost reads it:</b> {escape(str(parsed.get('response_type')))} — "
                f"{escape(str(parsed.get('text')))}"
                + (
                    f" ({counted(len(parsed.get('attachments') or []), 'attachment')})"
                    if parsed.get("attachments")
                    else ""
                )
                + "</p>"
            )
    request = data["request"]
    if request:
        sent = "sent" if data["sent"] else "not sent — the server skips a callback whose token fails"
        parts.append(f"<p><b>Request ({sent}):</b> {escape(request['method'])} {escape(request['url'])}</p>")
        parts.append(_fields(request["headers"]))
        body = request.get("form") or request.get("json")
        if body:
            parts.append("<p style='margin-bottom:0'><b>Body</b></p>" + _fields(body))
        if request.get("test_values"):
            parts.append(
                "<p><i>Test values (this computer makes them up; the server sends the real ones): "
                f"{escape(', '.join(request['test_values']))}</i></p>"
            )
    if data["error"]:
        parts.append(f"<p><b>Error:</b> {escape(data['error'])}</p>")
    for note in data["notes"]:
        parts.append(f"<p>{escape(note)}</p>")
    if data["server_log"]:
        parts.append("<p style='margin-bottom:0'><b>Server log</b></p>" + _pre("\n".join(data["server_log"])))
    return "".join(parts)
