"""What saving a change would do to the slash commands and webhook callbacks: the what-if diff of the preview.

Kinds compare the predicted matches before and after (docs/MATTERMOST.md §5). ``SERVER_PICK`` covers the case
the prediction cannot see: the server's answer names the changed connection while the prediction differs.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from mmoauth_gui.core.model import IntegrationKind
from mmoauth_gui.core.webhooks import Integration, WebhookCallback


class ChangeKind(StrEnum):
    GAINED = "gained"  # no connection before, one after
    LOST = "lost"  # one before, none after: sent with its own token, no OAuth
    SWITCHED = "switched"  # one before, another one after
    NEWLY_AMBIGUOUS = "newly_ambiguous"  # at most one before, several after
    NO_LONGER_AMBIGUOUS = "no_longer_ambiguous"  # several before, at most one after
    AMBIGUITY_CHANGED = "ambiguity_changed"  # several before and after, not the same ones
    SERVER_PICK = "server_pick"  # prediction unchanged, but the server's current answer is the changed one


def change_kind(before: Sequence[str], after: Sequence[str]) -> ChangeKind:
    b, a = len(before), len(after)
    if b <= 1 and a <= 1:
        if b == 0:
            return ChangeKind.GAINED
        return ChangeKind.LOST if a == 0 else ChangeKind.SWITCHED
    if b <= 1:
        return ChangeKind.NEWLY_AMBIGUOUS
    return ChangeKind.NO_LONGER_AMBIGUOUS if a <= 1 else ChangeKind.AMBIGUITY_CHANGED


class UrlChange(NamedTuple):  # a tuple: a keystroke may create thousands
    url: str
    kind: ChangeKind
    before: tuple[str, ...]
    after: tuple[str, ...]
    server_connection_id: str | None  # the server's current answer, when known


@dataclass(frozen=True, slots=True)
class CommandChange:
    """One command or webhook callback and how a change would move it."""

    command: Integration
    change: UrlChange

    @property
    def integration_kind(self) -> IntegrationKind:
        return self.command.kind

    @property
    def kind(self) -> ChangeKind:
        return self.change.kind

    @property
    def before(self) -> tuple[str, ...]:
        return self.change.before

    @property
    def after(self) -> tuple[str, ...]:
        return self.change.after


def _pair_order(pair: tuple[Integration, str]) -> tuple[str, int, str, str]:
    return pair[0].sort_key  # the order of PreviewDiff.commands


class PreviewDiff:
    """What saving a change would do to the commands: per distinct URL, expanded to commands on demand."""

    def __init__(
        self,
        url_changes: Mapping[str, UrlChange],
        commands_by_url: Mapping[str, Sequence[Integration]],
        names: Mapping[str, str],
    ) -> None:
        self.url_changes = dict(url_changes)
        self._by_url = commands_by_url
        self._names = names
        self._commands: list[CommandChange] | None = None
        self._urls_by_kind: dict[ChangeKind, list[str]] | None = None

    def __bool__(self) -> bool:
        return bool(self.url_changes)

    def __len__(self) -> int:
        return sum(len(self._by_url[u]) for u in self.url_changes)

    def __repr__(self) -> str:
        counts = ", ".join(f"{k.value}={n}" for k, n in self.counts().items() if n)
        return f"PreviewDiff({counts or 'no change'})"

    @property
    def commands(self) -> list[CommandChange]:
        if self._commands is None:
            out = [CommandChange(cmd, ch) for url, ch in self.url_changes.items() for cmd in self._by_url[url]]
            out.sort(key=lambda c: c.command.sort_key)
            self._commands = out
        return self._commands

    def of_kind(self, kind: ChangeKind) -> list[CommandChange]:
        return [c for c in self.commands if c.kind is kind]

    def first(self, kind: ChangeKind, n: int) -> list[CommandChange]:
        """``of_kind(kind)[:n]`` without building and sorting every change (a wide audience changes thousands
        of commands, a list shows a few)."""
        if self._commands is not None:
            return self.of_kind(kind)[:n]
        if self._urls_by_kind is None:
            self._urls_by_kind = {}
            for url, change in self.url_changes.items():
                self._urls_by_kind.setdefault(change.kind, []).append(url)
        urls = self._urls_by_kind.get(kind, [])
        pairs = ((cmd, url) for url in urls for cmd in self._by_url[url])
        return [CommandChange(cmd, self.url_changes[url]) for cmd, url in heapq.nsmallest(n, pairs, key=_pair_order)]

    @property
    def gained(self) -> list[CommandChange]:
        return self.of_kind(ChangeKind.GAINED)

    @property
    def lost(self) -> list[CommandChange]:
        return self.of_kind(ChangeKind.LOST)

    @property
    def switched(self) -> list[CommandChange]:
        return self.of_kind(ChangeKind.SWITCHED)

    @property
    def newly_ambiguous(self) -> list[CommandChange]:
        return self.of_kind(ChangeKind.NEWLY_AMBIGUOUS)

    @property
    def no_longer_ambiguous(self) -> list[CommandChange]:
        return self.of_kind(ChangeKind.NO_LONGER_AMBIGUOUS)

    def counts(self) -> dict[ChangeKind, int]:
        out = dict.fromkeys(ChangeKind, 0)
        for url, ch in self.url_changes.items():
            out[ch.kind] += len(self._by_url[url])
        return out

    def counts_by_integration(self) -> dict[IntegrationKind, dict[ChangeKind, int]]:
        """:meth:`counts` split into commands and webhook callbacks."""
        out = {k: dict.fromkeys(ChangeKind, 0) for k in IntegrationKind}
        for url, ch in self.url_changes.items():
            for item in self._by_url[url]:
                out[item.kind][ch.kind] += 1
        return out

    def name(self, key: str | None) -> str:
        if key is None:
            return "no connection"
        return f"“{self._names.get(key) or key}”"

    def describe(self, change: CommandChange) -> str:
        ch = change.change
        names = ", ".join(self.name(k) for k in ch.after)
        before = ", ".join(self.name(k) for k in ch.before)
        if ch.kind is ChangeKind.GAINED:
            return f"would gain {names}'s token"
        if ch.kind is ChangeKind.LOST:
            if isinstance(change.command, WebhookCallback):
                return f"would lose {before}'s token and be called without an Authorization header"
            return f"would lose {before}'s token and be sent with its own command token"
        if ch.kind is ChangeKind.SWITCHED:
            return f"would switch from {before} to {names}"
        if ch.kind is ChangeKind.NEWLY_AMBIGUOUS:
            return f"would become ambiguous between {names}"
        if ch.kind is ChangeKind.NO_LONGER_AMBIGUOUS:
            return f"would no longer be ambiguous: {names if ch.after else 'no connection'} (was {before})"
        if ch.kind is ChangeKind.AMBIGUITY_CHANGED:
            return f"would be ambiguous between {names} (was {before})"
        return (
            f"the server currently answers {self.name(ch.server_connection_id)} for it, though the "
            "prediction differs; that answer would change"
        )

    def lines(self, team_label: Callable[[str], str] | None = None) -> list[str]:
        """One readable line per affected command, e.g. for a delete or audience-change confirmation."""
        out = []
        for change in self.commands:
            cmd = change.command
            team = team_label(cmd.team_id) if team_label else cmd.team_id
            what = cmd.label if cmd.kind is IntegrationKind.COMMAND else f"webhook {cmd.label}"
            out.append(f"{what} — {team} — {cmd.url}: {self.describe(change)}")
        return out

    def summary(self) -> str:
        counts = self.counts()
        # (one command, several commands)
        words = {
            ChangeKind.GAINED: ("gains a token", "gain a token"),
            ChangeKind.LOST: ("loses its token", "lose their token"),
            ChangeKind.SWITCHED: ("switches connection", "switch connection"),
            ChangeKind.NEWLY_AMBIGUOUS: ("becomes ambiguous", "become ambiguous"),
            ChangeKind.NO_LONGER_AMBIGUOUS: ("stops being ambiguous", "stop being ambiguous"),
            ChangeKind.AMBIGUITY_CHANGED: ("changes its ambiguity", "change their ambiguity"),
            ChangeKind.SERVER_PICK: ("may change the server's answer", "may change the server's answer"),
        }
        split = self.counts_by_integration()
        hooks = split[IntegrationKind.WEBHOOK]
        if not any(hooks.values()):
            return count_sentence(counts, words, "No command would change.")
        parts = [
            count_sentence(split[IntegrationKind.COMMAND], words, ""),
            count_sentence(hooks, words, "", noun=("webhook callback", "webhook callbacks")),
        ]
        return " ".join(p for p in parts if p)


def count_sentence(
    counts: Mapping[ChangeKind, int],
    words: Mapping[ChangeKind, tuple[str, str]],
    nothing: str,
    noun: tuple[str, str] = ("command", "commands"),
) -> str:
    """E.g. "2 commands lose their token; 1 command becomes ambiguous." from (singular, plural) verbs per kind."""
    one, many = noun
    parts = [f"1 {one} {words[k][0]}" if n == 1 else f"{n} {many} {words[k][1]}" for k, n in counts.items() if n]
    return "; ".join(parts) + "." if parts else nothing
