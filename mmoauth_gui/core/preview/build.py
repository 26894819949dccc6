"""Which slash commands and webhook callbacks carry which connection's token (docs/MATTERMOST.md §5–7), and
what a change would do. Both kinds go through one code path (``Integration``); only the words differ.

Work is per distinct command URL (many commands share one). A full build asks, for every audience, which
URLs it matches (``UrlSet.matched_by``: a bisect and the matches, no loop over every URL), so its cost is
the number of audiences plus the number of matches. A what-if re-evaluates only the URLs matched by the
audiences that a change adds or removes, which keeps one keystroke's update in the milliseconds.

When several connections match one URL the server's choice is not public: that is ``ambiguous``, never a
guess. The server's own ``?audience=`` answer, when known, is the ground truth shown beside the prediction.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from mmoauth_gui.core.audience import AudienceIndex, NearMisses, UrlSet, audience_matches
from mmoauth_gui.core.model import Connection, IntegrationKind
from mmoauth_gui.core.preview.diff import ChangeKind, PreviewDiff, UrlChange, change_kind
from mmoauth_gui.core.webhooks import Integration, WebhookCallback, failure_mode

_NONE: tuple[str, ...] = ()


class Status(StrEnum):
    LINKED = "linked"  # exactly one connection matches: its token replaces the command token
    UNLINKED = "unlinked"  # none matches: the command is sent with its own token, no OAuth
    AMBIGUOUS = "ambiguous"  # several match: the server picks one by a rule that is not public
    MISMATCH = "mismatch"  # the server's answer differs from the prediction


def _order(item: Integration) -> tuple[str, int, str, str]:
    return item.sort_key


def connection_key(conn: Connection) -> str:
    """How the preview names a connection: its server id, or its name for one not saved yet."""
    return conn.id or conn.name


def status_of(matches: Sequence[str], server_known: bool, server_connection_id: str | None) -> Status:
    if server_known:
        if len(matches) == 1 and server_connection_id != matches[0]:
            return Status.MISMATCH
        if not matches and server_connection_id is not None:
            return Status.MISMATCH
        if len(matches) > 1 and server_connection_id not in matches:
            return Status.MISMATCH
    if not matches:
        return Status.UNLINKED
    return Status.LINKED if len(matches) == 1 else Status.AMBIGUOUS


@dataclass(frozen=True, slots=True)
class UrlVerdict:
    """The prediction for one distinct command URL, and the server's answer when it was asked."""

    url: str
    matches: tuple[str, ...]
    server_known: bool = False
    server_connection_id: str | None = None

    @property
    def connection_id(self) -> str | None:
        """The connection the server will use when exactly one matches; None otherwise."""
        return self.matches[0] if len(self.matches) == 1 else None

    @property
    def effective_connection_id(self) -> str | None:
        """The server's answer when known (the ground truth), else the prediction."""
        return self.server_connection_id if self.server_known else self.connection_id

    @property
    def status(self) -> Status:
        return status_of(self.matches, self.server_known, self.server_connection_id)


@dataclass(frozen=True, slots=True)
class PreviewRow:
    """One command (or webhook callback) with its verdict. ``explanation`` says in words why it has its status."""

    command: Integration
    verdict: UrlVerdict
    explanation: str

    @property
    def team_id(self) -> str:
        return self.command.team_id

    @property
    def command_id(self) -> str:
        return self.command.id

    @property
    def kind(self) -> IntegrationKind:
        return self.command.kind

    @property
    def row_key(self) -> str:
        """Unique per row: a command's id, or a webhook's id with its callback's position."""
        cmd = self.command
        return f"{cmd.id}#{cmd.index}" if isinstance(cmd, WebhookCallback) else cmd.id

    @property
    def trigger(self) -> str:
        """A command's trigger; a webhook's trigger words, comma-separated."""
        cmd = self.command
        return cmd.trigger_text() if isinstance(cmd, WebhookCallback) else cmd.trigger

    @property
    def label(self) -> str:
        return self.command.label

    @property
    def url(self) -> str:
        return self.command.url

    @property
    def matches(self) -> tuple[str, ...]:
        return self.verdict.matches

    @property
    def connection_id(self) -> str | None:
        return self.verdict.connection_id

    @property
    def server_connection_id(self) -> str | None:
        return self.verdict.server_connection_id

    @property
    def status(self) -> Status:
        return self.verdict.status

    def to_json(self) -> dict[str, Any]:
        cmd = self.command
        out: dict[str, Any] = {
            "kind": cmd.kind.value,
            "team_id": self.team_id,
            "command_id": self.command_id,
            "trigger": self.trigger,
            "url": self.url,
            "matches": list(self.matches),
            "connection_id": self.connection_id,
            "server_connection_id": self.server_connection_id,
            "server_checked": self.verdict.server_known,
            "status": self.status.value,
            "method": "",
            "display_name": cmd.display_name,
            "explanation": self.explanation,
        }
        if isinstance(cmd, WebhookCallback):
            del out["command_id"]
            out.update(
                {
                    "id": cmd.id,
                    "webhook_id": cmd.id,
                    "callback_index": cmd.index,
                    "trigger_words": list(cmd.hook.trigger_words),
                    "channel_id": cmd.hook.channel_id,
                    "content_type": cmd.hook.body_content_type,
                    "method": "P",
                }
            )
        else:
            out["id"] = cmd.id
            out["method"] = cmd.method
        return out


ChangeSet = Mapping[str, Connection | None]
"""A hypothetical change: connection key → the connection as it would be saved (None: deleted)."""


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Building makes a great many objects and no cycles: the cyclic collector would scan the growing heap
    again and again for nothing (a third of the time at 100,000 commands)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class Preview:
    """Integrations (commands and webhook callbacks) × connections → who uses what. Immutable: :meth:`apply`
    returns a new preview. "Command" in the names below means either kind."""

    def __init__(
        self,
        commands: Iterable[Integration],
        connections: Iterable[Connection],
        server_answers: Mapping[str, str | None] | None = None,
    ) -> None:
        with _collector_paused():
            self._build(commands, connections, server_answers)

    def _build(
        self,
        commands: Iterable[Integration],
        connections: Iterable[Connection],
        server_answers: Mapping[str, str | None] | None,
    ) -> None:
        kept = sorted((c for c in commands if c.goes_through_url), key=_order)
        self._commands: tuple[Integration, ...] = tuple(kept)
        # Tuples: most URLs have one command, and a tuple of one takes half the memory of a list of one.
        by_url: dict[str, tuple[Integration, ...]] = {}
        shared: dict[str, list[Integration]] = {}  # the URLs of several commands
        for cmd in kept:
            if cmd.url not in by_url:
                by_url[cmd.url] = (cmd,)
            elif cmd.url in shared:
                shared[cmd.url].append(cmd)
            else:
                shared[cmd.url] = [*by_url[cmd.url], cmd]
        for url, cmds in shared.items():
            by_url[url] = tuple(cmds)
        self._by_url = by_url
        self._url_set = UrlSet(by_url)
        self._connections: dict[str, Connection] = {connection_key(c): c for c in connections}
        self._index = AudienceIndex((k, c.audiences) for k, c in self._connections.items())
        self._near_misses: NearMisses | None = None  # built on the first near_miss_note
        answers = server_answers or {}
        self._server: dict[str, str | None] = {u: answers[u] for u in by_url if u in answers}

        hits: dict[str, list[str]] = {}
        self._urls_of: dict[str, frozenset[str]] = {}
        for key, conn in self._connections.items():
            mine: set[str] = set()
            for aud in set(conn.audiences):
                mine.update(self._url_set.matched_by(aud))
            self._urls_of[key] = frozenset(mine)
            for url in mine:
                hits.setdefault(url, []).append(key)
        self._verdicts: dict[str, UrlVerdict] = {}
        for url in by_url:
            found = hits.get(url)
            matches = tuple(sorted(found)) if found else _NONE
            self._verdicts[url] = UrlVerdict(url, matches, url in self._server, self._server.get(url))
        self._rows: list[PreviewRow] | None = None

    # -- what is there ---------------------------------------------------------------------------------

    @property
    def commands(self) -> tuple[Integration, ...]:
        """The commands previewed (those that go through their URL), sorted by team and trigger."""
        return self._commands

    @property
    def connections(self) -> dict[str, Connection]:
        return dict(self._connections)

    @property
    def server_answers(self) -> dict[str, str | None]:
        return dict(self._server)

    @property
    def server_checked(self) -> bool:
        return bool(self._server)

    def urls(self) -> list[str]:
        return list(self._by_url)

    def commands_at(self, url: str) -> list[Integration]:
        return list(self._by_url.get(url, ()))

    def verdict(self, url: str) -> UrlVerdict:
        return self._verdicts[url]

    def verdicts(self) -> dict[str, UrlVerdict]:
        """The verdict per distinct command URL."""
        return dict(self._verdicts)

    def urls_matched_by(self, audience: str) -> list[str]:
        """The command URLs ``audience`` matches (the reverse lookup)."""
        return self._url_set.matched_by(audience)

    def matches_for(self, url: str) -> list[str]:
        """Every connection matching ``url``, even one no command uses (the index, not the cache)."""
        return self._index.match(url)

    def name_of(self, key: str | None) -> str:
        if key is None:
            return ""
        conn = self._connections.get(key)
        return conn.name if conn and conn.name else key

    def rows(self) -> list[PreviewRow]:
        if self._rows is None:
            with _collector_paused():
                self._rows = self._make_rows()
        return self._rows

    def _make_rows(self) -> list[PreviewRow]:
        explained: dict[tuple[str, IntegrationKind], str] = {}
        texts: dict[str, str] = {}  # URLs matched by one audience share one text: keep it once
        rows = []
        for cmd in self._commands:
            v = self._verdicts[cmd.url]
            kind = cmd.kind
            text = explained.get((cmd.url, kind))
            if text is None:
                text = self.explain(v, kind)
                text = explained[(cmd.url, kind)] = texts.setdefault(text, text)
            rows.append(PreviewRow(cmd, v, text))
        return rows

    def filter_rows(
        self,
        *,
        team_id: str | None = None,
        connection_id: str | None = None,
        status: Status | None = None,
        kind: IntegrationKind | None = None,
    ) -> list[PreviewRow]:
        """Rows of one team, one connection (matched or the server's answer), one status and/or one kind."""
        out = []
        for row in self.rows():
            if team_id is not None and row.team_id != team_id:
                continue
            if kind is not None and row.command.kind is not kind:
                continue
            if connection_id is not None and not (
                connection_id in row.matches or row.server_connection_id == connection_id
            ):
                continue
            if status is not None and row.status is not status:
                continue
            out.append(row)
        return out

    def counts(self, rows: Iterable[PreviewRow] | None = None) -> dict[Status, int]:
        out = dict.fromkeys(Status, 0)
        if rows is not None:
            for row in rows:
                out[row.status] += 1
            return out
        for url, cmds in self._by_url.items():
            out[self._verdicts[url].status] += len(cmds)
        return out

    # -- per connection --------------------------------------------------------------------------------

    def _urls_using(self, key: str) -> set[str]:
        urls = set(self._urls_of.get(key, ()))
        urls.update(u for u, answer in self._server.items() if answer == key)
        return urls

    def commands_using(self, key: str) -> list[PreviewRow]:
        """Commands the connection matches, or that the server says use it (ambiguous ones included)."""
        return self.filter_rows(connection_id=key)

    def used_by(self, key: str) -> int:
        return sum(len(self._by_url[u]) for u in self._urls_using(key))

    def usage_counts(self) -> dict[str, int]:
        """ "Used by N commands" for every connection."""
        out = {key: sum(len(self._by_url[u]) for u in urls) for key, urls in self._urls_of.items()}
        for url, answer in self._server.items():
            if answer is not None and answer in out and url not in self._urls_of[answer]:
                out[answer] += len(self._by_url[url])
        return out

    # -- explanations and warnings ----------------------------------------------------------------------

    def quoted(self, key: str | None) -> str:
        return f"“{self.name_of(key)}”" if key is not None else "no connection"

    def _matching_audience(self, key: str, url: str) -> str:
        conn = self._connections.get(key)
        for aud in conn.audiences if conn else ():
            if audience_matches(aud, url):
                return aud
        return ""

    def near_miss_note(self, v: UrlVerdict) -> str:
        """For an unlinked URL: the audience that misses it only in case, a trailing slash, …, and what is
        known of the server's handling; "" when none does. Asked per selected row (its index costs a build)."""
        if v.matches:
            return ""
        if self._near_misses is None:
            self._near_misses = NearMisses((k, c.audiences) for k, c in self._connections.items())
        near = self._near_misses.find(v.url)
        if near is None:
            return ""
        key, audience, what = near
        text = f" The audience {audience} of {self.quoted(key)} differs from this URL only in {what}: "
        if v.server_known:
            return text + "this server does not treat them as the same."
        return text + (
            "Mattermost documents audiences as exact text, but how the real server treats "
            f"{what} is not public. Check against the server."
        )

    def explain(self, v: UrlVerdict, kind: IntegrationKind = IntegrationKind.COMMAND) -> str:
        status = v.status
        what = "the command" if kind is IntegrationKind.COMMAND else "the webhook callback"
        server = self.quoted(v.server_connection_id)
        if status is Status.MISMATCH:
            if not v.matches:
                predicted = "no connection's audience matches this URL"
            elif len(v.matches) == 1:
                predicted = f"the audiences predict {self.quoted(v.matches[0])}"
            else:
                predicted = "the audiences match " + ", ".join(self.quoted(k) for k in v.matches)
            text = f"Mismatch: {predicted}, but the server answered {server}."
            if v.server_connection_id is not None and v.server_connection_id not in self._connections:
                text += " That connection is not in the list synced from the server: sync again."
            else:
                text += (
                    " The server's matching rule is closed-source (case or trailing-slash handling may "
                    "differ): trust the server's answer, and make the audience match the URL exactly."
                )
        elif status is Status.LINKED:
            key = v.matches[0]
            text = f"Uses {self.quoted(key)}: its audience {self._matching_audience(key, v.url)} matches this URL."
            if v.server_known:
                text += " The server agrees."
        elif status is Status.UNLINKED:
            text = (
                "No connection's audience matches this URL: the command is sent with its own token, without OAuth."
                if kind is IntegrationKind.COMMAND
                else "No connection's audience matches this URL: the webhook callback is sent without an "
                "Authorization header."
            )
            if v.server_known:
                text += " The server agrees."
        else:
            names = ", ".join(self.quoted(k) for k in v.matches)
            text = (
                f"Ambiguous: {len(v.matches)} connections match ({names}); the server picks one by a rule "
                "that is not public."
            )
            if v.server_known:
                text += f" The server answered {server}."
            else:
                text += " Check against the server to see which one it uses, or narrow the audiences."
        if status is not Status.UNLINKED:
            text += f" If the token cannot be fetched, {what} is {failure_mode(kind)}."
        if v.url.startswith("http://") and v.effective_connection_id is not None:
            text += " The URL is http://: the access token would travel unencrypted."
        return text

    # -- what-if -----------------------------------------------------------------------------------------

    def what_if(self, changes: ChangeSet) -> PreviewDiff:
        """What saving ``changes`` (key → connection, None = delete) would change, re-evaluating only
        the URLs matched by audiences that are added or removed."""
        url_changes = self._changed_urls(changes)
        names = {k: c.name for k, c in self._connections.items()}
        names.update({k: c.name for k, c in changes.items() if c is not None})
        return PreviewDiff(url_changes, self._by_url, names)

    def what_if_add(self, conn: Connection, key: str | None = None) -> PreviewDiff:
        return self.what_if({key or connection_key(conn): conn})

    def what_if_edit(self, conn: Connection) -> PreviewDiff:
        return self.what_if({connection_key(conn): conn})

    def what_if_delete(self, key: str) -> PreviewDiff:
        return self.what_if({key: None})

    def affected_by_delete(self, key: str) -> PreviewDiff:
        return self.what_if_delete(key)

    def affected_by_audience_change(self, conn: Connection, new_audiences: Iterable[str]) -> PreviewDiff:
        return self.what_if_edit(conn.with_changes(audiences=tuple(new_audiences)))

    def apply(self, changes: ChangeSet) -> Preview:
        """A new preview as if ``changes`` were saved. The server's answers for the URLs that change, and
        those naming a deleted or re-audienced connection, are dropped: they describe the saved state."""
        url_changes = self._changed_urls(changes)
        new = object.__new__(Preview)
        new._commands = self._commands
        new._by_url = self._by_url
        new._url_set = self._url_set
        new._connections = dict(self._connections)
        new._index = AudienceIndex((k, c.audiences) for k, c in self._connections.items())
        new._near_misses = None
        new._urls_of = dict(self._urls_of)
        for key, conn in changes.items():
            if conn is None:
                new._connections.pop(key, None)
                new._index.remove(key)
                new._urls_of.pop(key, None)
            else:
                new._connections[key] = conn
                new._index.set(key, conn.audiences)
                mine = set(self._urls_of.get(key, ()))
                for url, change in url_changes.items():
                    if key in change.after:
                        mine.add(url)
                    elif key in change.before:
                        mine.discard(url)
                new._urls_of[key] = frozenset(mine)
        moved = self._moved_keys(changes)
        new._server = {u: a for u, a in self._server.items() if u not in url_changes and (a is None or a not in moved)}
        new._verdicts = dict(self._verdicts)
        for url, v in self._verdicts.items():
            ch = url_changes.get(url)
            matches = ch.after if ch is not None and ch.kind is not ChangeKind.SERVER_PICK else v.matches
            known = url in new._server
            if ch is not None or known != v.server_known:
                new._verdicts[url] = UrlVerdict(url, matches, known, new._server.get(url))
        new._rows = None
        return new

    def _changed_urls(self, changes: ChangeSet) -> dict[str, UrlChange]:
        """Per URL whose matches would change, the matches before and after."""
        added: dict[str, set[str]] = {}
        removed: dict[str, set[str]] = {}
        kept_auds: dict[str, tuple[str, ...]] = {}
        candidates: set[str] = set()
        for key, conn in changes.items():
            old = set(self._connections[key].audiences) if key in self._connections else set()
            new = set(conn.audiences) if conn is not None else set()
            added[key] = {u for aud in new - old for u in self._url_set.matched_by(aud)}
            removed[key] = {u for aud in old - new for u in self._url_set.matched_by(aud)}
            kept_auds[key] = tuple(old & new)
            candidates |= added[key]
            candidates |= removed[key]

        def matched_after(key: str, url: str, before: tuple[str, ...]) -> bool:
            if url in added[key]:
                return True
            if key not in before:
                return False
            if url not in removed[key]:
                return True
            return any(audience_matches(aud, url) for aud in kept_auds[key])

        out: dict[str, UrlChange] = {}
        verdicts = self._verdicts
        if len(changes) == 1:
            # One connection (a keystroke): a URL it newly matches gains it, one it stops matching loses it.
            ((key, _conn),) = changes.items()
            kept = kept_auds[key]
            alone = (key,)
            for url in added[key]:
                v = verdicts[url]
                before = v.matches
                if not before:
                    out[url] = UrlChange(url, ChangeKind.GAINED, before, alone, v.server_connection_id)
                elif key not in before:
                    after = tuple(sorted((*before, key)))
                    out[url] = UrlChange(url, change_kind(before, after), before, after, v.server_connection_id)
            for url in removed[key] - added[key]:
                v = verdicts[url]
                if key in v.matches and not any(audience_matches(aud, url) for aud in kept):
                    after = tuple(k for k in v.matches if k != key)
                    out[url] = UrlChange(url, change_kind(v.matches, after), v.matches, after, v.server_connection_id)
        else:
            for url in candidates:
                v = verdicts[url]
                before = v.matches
                after_list = [k for k in before if k not in changes]
                for key, conn in changes.items():
                    if conn is not None and matched_after(key, url, before):
                        after_list.append(key)
                after = tuple(sorted(after_list))
                if after != before:
                    out[url] = UrlChange(url, change_kind(before, after), before, after, v.server_connection_id)
        # Where the server's answer differs from the prediction, its rule is not ours: if the connection
        # it names is deleted or re-audienced, its answer may change even though the prediction does not.
        moved = self._moved_keys(changes)
        for url, answer in self._server.items():
            if answer in moved and url not in out and answer not in self._verdicts[url].matches:
                v = self._verdicts[url]
                out[url] = UrlChange(url, ChangeKind.SERVER_PICK, v.matches, v.matches, answer)
        return out

    def _moved_keys(self, changes: ChangeSet) -> set[str]:
        """Keys deleted, or whose audiences change (a rename or new secret moves no command)."""
        out = set()
        for key, conn in changes.items():
            old = self._connections.get(key)
            if conn is None or old is None or set(conn.audiences) != set(old.audiences):
                out.add(key)
        return out
