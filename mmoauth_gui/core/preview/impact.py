"""What a change to one connection would do, as a confirmation says it: counted per kind of change (lose,
switch, no longer ambiguous…), slash commands and webhook callbacks apart, the first few named.

It is built from the what-if diff (``diff.py``) so the question asked before Delete or Update says what the
details beside it say.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from mmoauth_gui.core.model import Connection, IntegrationKind
from mmoauth_gui.core.preview.diff import ChangeKind, PreviewDiff
from mmoauth_gui.core.webhooks import Integration

NAMED = 5  # how many commands a confirmation names per kind before "and N more"

# The order a confirmation lists the kinds in: what breaks first, what only gets better last.
ORDER = (
    ChangeKind.LOST,
    ChangeKind.SWITCHED,
    ChangeKind.NEWLY_AMBIGUOUS,
    ChangeKind.AMBIGUITY_CHANGED,
    ChangeKind.SERVER_PICK,
    ChangeKind.NO_LONGER_AMBIGUOUS,
    ChangeKind.GAINED,
)
# (said of one, said of several)
VERBS = {
    ChangeKind.LOST: ("would lose its token", "would lose their token"),
    ChangeKind.SWITCHED: ("would get another connection's token",) * 2,
    ChangeKind.NEWLY_AMBIGUOUS: ("would become ambiguous (the server picks one of several connections)",) * 2,
    ChangeKind.AMBIGUITY_CHANGED: ("would stay ambiguous, between other connections",) * 2,
    ChangeKind.SERVER_PICK: ("may get another connection from the server",) * 2,
    ChangeKind.NO_LONGER_AMBIGUOUS: (
        "would no longer be ambiguous and keeps a token",
        "would no longer be ambiguous and keep a token",
    ),
    ChangeKind.GAINED: ("would gain a token",) * 2,
}
NOUNS = {
    IntegrationKind.COMMAND: ("slash command", "slash commands"),
    IntegrationKind.WEBHOOK: ("outgoing webhook callback", "outgoing webhook callbacks"),
}


def plural(count: int, one: str, many: str) -> str:
    """E.g. "1 slash command", "3 slash commands"."""
    return f"{count} {one if count == 1 else many}"


def named(names: tuple[str, ...], total: int) -> str:
    """The names, then "and N more" for the ones not named: "/a, /b and 3 more"."""
    if not names:
        return ""
    more = total - len(names)
    if more <= 0:
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return ", ".join(names) + f" and {more} more"


@dataclass(frozen=True)
class KindImpact:
    """The commands and webhook callbacks one kind of change reaches."""

    kind: ChangeKind
    counts: Mapping[IntegrationKind, int]
    first_names: tuple[str, ...]  # the first few, in the preview's order

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def sentence(self) -> str:
        """E.g. "3 slash commands would no longer be ambiguous and keep a token: /a, /b and /c."."""
        what = " and ".join(plural(n, *NOUNS[k]) for k, n in self.counts.items() if n)
        one, many = VERBS[self.kind]
        return f"{what} {one if self.total == 1 else many}: {named(self.first_names, self.total)}."


@dataclass(frozen=True)
class Impact:
    """What saving (or deleting) would do, kind by kind; ``lines`` has one line per item for the details."""

    kinds: tuple[KindImpact, ...] = ()
    lines: tuple[str, ...] = ()
    unavailable: str = ""  # why it could not be worked out ("" when it was)

    @classmethod
    def from_diff(cls, diff: PreviewDiff, team_label: Callable[[str], str] | None = None) -> Impact:
        split = diff.counts_by_integration()
        kinds = []
        for kind in ORDER:
            counts = {k: split[k][kind] for k in IntegrationKind if split[k][kind]}
            if counts:
                first = tuple(_name(c.command, team_label) for c in diff.first(kind, NAMED))
                kinds.append(KindImpact(kind, counts, first))
        return cls(tuple(kinds), tuple(diff.lines(team_label)))

    @classmethod
    def not_known(cls, reason: str) -> Impact:
        return cls(unavailable=reason)

    def __bool__(self) -> bool:
        return bool(self.kinds)

    def count(self, kind: ChangeKind) -> int:
        return sum(k.total for k in self.kinds if k.kind is kind)

    def sentences(self) -> list[str]:
        return [k.sentence() for k in self.kinds]


def _name(item: Integration, team_label: Callable[[str], str] | None) -> str:
    label = item.label if item.kind is IntegrationKind.COMMAND else f"webhook {item.label}"
    team = team_label(item.team_id) if team_label else item.team_id
    return f"{label} ({team})" if team else label


# What a view asks to learn the impact of changing a connection (None after: deleting it).
ImpactProvider = Callable[[Connection, Connection | None], Awaitable[Impact]]
