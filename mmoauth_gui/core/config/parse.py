"""Read a connections file (YAML, or JSON) into a :class:`ConfigDocument`, reporting every problem at once
with its line and column: the file's shape, secret references, unique names, and the form's rule checks.

A value where a secret reference belongs is refused without ever being repeated in a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mmoauth_gui.core.config.document import (
    FILE_KIND,
    FORMAT_VERSION,
    ConfigDocument,
    ConfigEntry,
    Mark,
    RefSource,
    SecretRef,
)
from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.rules import Severity, check_connection, overlap_warnings

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
KEYRING_NAME_MAX = 200
STRING_FIELDS = ("name", "id", "client_id", "oauth_token_url", "grant_type", "credentials_username")
SECRET_REF_FIELDS = ("client_secret", "credentials_password")
KNOWN_FIELDS = frozenset((*STRING_FIELDS, *SECRET_REF_FIELDS, "secret_version", "audiences"))
_NULL = "tag:yaml.org,2002:null"
_INT = "tag:yaml.org,2002:int"


class ProblemLevel(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class FileProblem:
    """One problem in the file, where it is: ``file:line:column: error: message``."""

    file: str
    line: int
    column: int
    message: str
    level: ProblemLevel = ProblemLevel.ERROR

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.level.value}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "level": self.level.value,
            "message": self.message,
        }


@dataclass
class ParseResult:
    """The document (None when the file could not be read as YAML/JSON at all) and every problem found."""

    document: ConfigDocument | None
    problems: list[FileProblem] = field(default_factory=list)

    @property
    def unreadable(self) -> bool:
        return self.document is None

    @property
    def errors(self) -> list[FileProblem]:
        return [p for p in self.problems if p.level is ProblemLevel.ERROR]

    @property
    def warnings(self) -> list[FileProblem]:
        return [p for p in self.problems if p.level is ProblemLevel.WARNING]


def _mark(node: Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[FileProblem] = []

    def error(self, where: Mark, message: str, level: ProblemLevel = ProblemLevel.ERROR) -> None:
        self.problems.append(FileProblem(self.file, where.line, where.column, message, level))

    def mapping(self, node: Node, what: str) -> list[tuple[str, ScalarNode, Node]] | None:
        """The pairs of a mapping node (duplicate and non-text keys reported), or None if not a mapping."""
        if not isinstance(node, MappingNode):
            self.error(_mark(node), f"{what} must be a mapping (key: value).")
            return None
        seen: dict[str, Mark] = {}
        out = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.error(_mark(key_node), f"{what} has a key that is not text.")
                continue
            key = key_node.value
            if key in seen:
                first = seen[key]
                self.error(_mark(key_node), f"“{key}” appears twice in {what} (first at line {first.line}).")
                continue
            seen[key] = _mark(key_node)
            out.append((key, key_node, value_node))
        return out

    def text(self, node: Node, what: str) -> str | None:
        if isinstance(node, ScalarNode) and node.tag != _NULL:
            return str(node.value)
        if isinstance(node, ScalarNode):
            self.error(_mark(node), f"{what} has no value.")
        else:
            self.error(
                _mark(node), f"{what} must be text, not a {'list' if isinstance(node, SequenceNode) else 'mapping'}."
            )
        return None

    def secret_ref(self, node: Node, what: str) -> SecretRef | None:
        if isinstance(node, ScalarNode) and node.tag != _NULL:
            self.error(
                _mark(node),
                f"{what} must be a reference — {{env: VARIABLE}} or {{keyring: NAME}} — never the secret itself "
                "(the value in the file is not repeated here; remove it from the file and from its history).",
            )
            return None
        pairs = self.mapping(node, what)
        if pairs is None:
            return None
        if len(pairs) != 1 or pairs[0][0] not in (RefSource.ENV.value, RefSource.KEYRING.value):
            self.error(_mark(node), f"{what} must have exactly one key, env or keyring.")
            return None
        key, _key_node, value_node = pairs[0]
        name = self.text(value_node, f"{what}'s {key}")
        if name is None:
            return None
        if key == RefSource.ENV.value and not ENV_NAME.match(name):
            self.error(_mark(value_node), f"{what}: “{name}” is not an environment variable name (letters, digits, _).")
            return None
        if key == RefSource.KEYRING.value and not (0 < len(name) <= KEYRING_NAME_MAX):
            self.error(_mark(value_node), f"{what}: the keyring name must be 1 to {KEYRING_NAME_MAX} characters.")
            return None
        return SecretRef(RefSource(key), name)


def parse_config(text: str, file: str = "<file>") -> ParseResult:
    """Parse ``text`` (the content of ``file``) and check it; see :class:`ParseResult`."""
    reader = _Reader(file)
    source = text.expandtabs(1) if file.lower().endswith(".json") else text  # JSON may indent with tabs
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Mark(mark.line + 1, mark.column + 1) if mark else Mark(1, 1)
        reason = " ".join(str(part) for part in (exc.context, exc.problem) if part) or "not YAML or JSON"
        reader.error(where, f"the file cannot be read as YAML or JSON: {reason}.")
        return ParseResult(None, reader.problems)
    except yaml.YAMLError as exc:
        reader.error(Mark(1, 1), f"the file cannot be read as YAML or JSON: {exc}.")
        return ParseResult(None, reader.problems)
    except RecursionError:
        reader.error(Mark(1, 1), "the file cannot be read as YAML or JSON: it is nested too deeply.")
        return ParseResult(None, reader.problems)
    if root is None:
        reader.error(Mark(1, 1), "the file is empty: it needs a connections: list.")
        return ParseResult(None, reader.problems)
    pairs = reader.mapping(root, "the file")
    if pairs is None:
        return ParseResult(None, reader.problems)
    entries_node: Node | None = None
    for key, key_node, value in pairs:
        if key == "connections":
            entries_node = value
        elif key == "kind":
            kind = reader.text(value, "kind")
            if kind is not None and kind != FILE_KIND:
                reader.error(_mark(value), f"kind must be {FILE_KIND}, not “{kind}”.")
        elif key == "version":
            if not (isinstance(value, ScalarNode) and value.tag == _INT and int(value.value) >= 1):
                reader.error(_mark(value), "version must be a whole number.")
            elif int(value.value) > FORMAT_VERSION:
                reader.error(
                    _mark(value),
                    f"version {value.value} is newer than this mmoauth-gui reads ({FORMAT_VERSION}): update it.",
                )
        else:
            reader.error(_mark(key_node), f"unknown key “{key}” (expected kind, version, connections).")
    entries: list[ConfigEntry] = []
    if entries_node is None:
        reader.error(_mark(root), "the file has no connections: list.")
    elif isinstance(entries_node, ScalarNode) and entries_node.tag == _NULL:
        pass  # an empty list written as "connections:" — no connection managed
    elif not isinstance(entries_node, SequenceNode):
        reader.error(_mark(entries_node), "connections must be a list.")
    else:
        for i, item in enumerate(entries_node.value):
            entry = _entry(reader, item, i)
            if entry is not None:
                entries.append(entry)
    document = ConfigDocument(tuple(entries))
    _check_names(reader, document)
    _check_rules(reader, document)
    return ParseResult(document, sorted(reader.problems, key=lambda p: (p.line, p.column)))


def _entry(reader: _Reader, node: Node, index: int) -> ConfigEntry | None:
    what = f"connection {index + 1}"
    pairs = reader.mapping(node, what)
    if pairs is None:
        return None
    values: dict[str, Any] = {}
    marks: dict[str, Mark] = {"": _mark(node)}
    name_node = next((v for k, _kn, v in pairs if k == "name"), None)
    if name_node is not None and isinstance(name_node, ScalarNode) and name_node.value:
        what = f"connection “{name_node.value}”"
    ok = True
    for key, key_node, value in pairs:
        marks[key] = _mark(value)
        if key not in KNOWN_FIELDS:
            close = ", ".join(sorted(KNOWN_FIELDS))
            reader.error(_mark(key_node), f"{what}: unknown field “{key}” (fields: {close}).")
            ok = False
        elif key in STRING_FIELDS:
            text = reader.text(value, f"{what}: {key}")
            ok = ok and text is not None
            values[key] = text or ""
        elif key in SECRET_REF_FIELDS:
            ref = reader.secret_ref(value, f"{what}: {key}")
            ok = ok and ref is not None
            values[key] = ref
        elif key == "secret_version":
            if isinstance(value, ScalarNode) and value.tag == _INT and int(value.value) >= 1:
                values[key] = int(value.value)
            else:
                reader.error(_mark(value), f"{what}: secret_version must be a whole number, 1 or more.")
                ok = False
        else:  # audiences
            values[key] = _audiences(reader, value, what, marks)
    if not values.get("name"):
        if "name" not in values:
            reader.error(marks[""], f"{what} has no name.")
        return None
    entry = ConfigEntry(
        name=values["name"],
        id=values.get("id", ""),
        client_id=values.get("client_id", ""),
        oauth_token_url=values.get("oauth_token_url", ""),
        grant_type=values.get("grant_type") or "client_credentials",
        audiences=tuple(values.get("audiences") or ()),
        credentials_username=values.get("credentials_username", ""),
        client_secret=values.get("client_secret"),
        credentials_password=values.get("credentials_password"),
        secret_version=values.get("secret_version", 1),
        marks=marks,
    )
    if "client_secret" not in values:
        reader.error(marks[""], f"{what} has no client_secret reference ({{env: VARIABLE}} or {{keyring: NAME}}).")
    if entry.uses_password_grant and "credentials_password" not in values:
        reader.error(marks[""], f"{what} uses the password grant but has no credentials_password reference.")
    if not entry.uses_password_grant and "credentials_password" in values:
        reader.error(marks["credentials_password"], f"{what}: credentials_password is only for the password grant.")
    return entry


def _audiences(reader: _Reader, node: Node, what: str, marks: dict[str, Mark]) -> list[str]:
    if not isinstance(node, SequenceNode):
        reader.error(_mark(node), f"{what}: audiences must be a list of URLs.")
        return []
    out = []
    for i, item in enumerate(node.value):
        marks[f"audiences[{i}]"] = _mark(item)
        text = reader.text(item, f"{what}: audience {i + 1}")
        if text is not None:
            out.append(text)
    return out


def _check_names(reader: _Reader, document: ConfigDocument) -> None:
    by_name: dict[str, list[ConfigEntry]] = {}
    by_id: dict[str, ConfigEntry] = {}
    for entry in document.entries:
        by_name.setdefault(entry.name, []).append(entry)
        if entry.id:
            if entry.id in by_id:
                first = by_id[entry.id].marks[""]
                reader.error(
                    entry.marks.get("id", entry.marks[""]),
                    f"id {entry.id} is used twice in the file (first at line {first.line}).",
                )
            else:
                by_id[entry.id] = entry
    for name, group in by_name.items():
        if len(group) > 1 and not all(e.id for e in group):
            first = group[0].marks[""]
            for entry in group[1:]:
                reader.error(
                    entry.marks.get("name", entry.marks[""]),
                    f"the name “{name}” is used twice in the file (first at line {first.line}): names must be "
                    "unique, or every connection sharing one must give its id:.",
                )


def _check_rules(reader: _Reader, document: ConfigDocument) -> None:
    """The form's checks per connection (the secret is a reference: its value is checked when sent)."""
    for entry in document.entries:
        conn = entry.connection()
        for problem in check_connection(conn, require_secret=False):
            key = f"audiences[{problem.line}]" if problem.line is not None else problem.field
            where = entry.mark(key) or entry.marks[""]
            level = ProblemLevel.ERROR if problem.is_error else ProblemLevel.WARNING
            reader.error(where, f"connection “{entry.name}”: {problem.message}", level)
    keyed: dict[str, ConfigEntry] = {}
    conns: list[Connection] = []
    for i, entry in enumerate(document.entries):
        key = f"#{i}"
        keyed[key] = entry
        conns.append(entry.connection(connection_id=key))
    for warning in overlap_warnings(conns):
        entry = keyed[warning.connection_id]
        if warning.severity is Severity.WARNING:
            reader.error(
                entry.mark("audiences") or entry.marks[""],
                f"connection “{entry.name}”: {warning.message}",
                ProblemLevel.WARNING,
            )
