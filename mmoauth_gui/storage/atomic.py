"""Files written atomically, read back with a schema version, and set aside (never lost) when unreadable."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from mmoauth_gui.storage.paths import private_dir

log = logging.getLogger(__name__)


class CorruptFileError(Exception):
    """A file could not be read; it was moved to ``set_aside_as`` so nothing is lost."""

    def __init__(self, path: Path, reason: str, set_aside_as: Path | None) -> None:
        self.path = path
        self.reason = reason
        self.set_aside_as = set_aside_as
        where = f"; it was kept as {set_aside_as.name}" if set_aside_as else ""
        super().__init__(f"{path.name} could not be read ({reason}){where}.")


def write_atomic(path: Path, data: bytes | str, *, mode: int = 0o600) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then rename it over ``path``."""
    private_dir(path.parent)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    if hasattr(os, "O_DIRECTORY"):
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_json_atomic(path: Path, kind: str, schema: int, body: dict[str, Any]) -> None:
    """Write ``body`` with a header naming the file's kind and schema version."""
    document = {"kind": kind, "schema": schema, **body}
    write_atomic(path, json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n")


def set_aside(path: Path) -> Path:
    """Rename an unreadable file out of the way (``name.corrupt-<time>``) and return the new path."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    os.replace(path, target)
    return target


def read_json_file(path: Path, kind: str, schema: int) -> dict[str, Any]:
    """Read a file written by :func:`write_json_atomic`.

    Raises ``FileNotFoundError`` when absent, and :class:`CorruptFileError` after setting aside a file
    that is not valid JSON, is of another kind, or has a newer schema than this version understands.
    """
    raw = path.read_bytes()
    try:
        document = json.loads(raw.decode("utf-8"))
        if not isinstance(document, dict):
            raise ValueError("not a JSON object")
        if document.get("kind") != kind:
            raise ValueError(f"not a {kind} file")
        version = document.get("schema")
        if not isinstance(version, int) or isinstance(version, bool):
            raise ValueError("no schema version")
        if version > schema:
            raise ValueError(f"written by a newer version (schema {version}, this version reads {schema})")
    except RecursionError as exc:
        raise CorruptFileError(path, "nested too deeply to be read", set_aside(path)) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise CorruptFileError(path, reason, set_aside(path)) from exc
    return document


def read_json_or_empty(path: Path, kind: str, schema: int) -> tuple[dict[str, Any], CorruptFileError | None]:
    """:func:`read_json_file` for a store that starts empty: ``{}`` when the file is absent, and ``{}`` with
    the error when it had to be set aside (logged here; the store keeps it to say so)."""
    try:
        return read_json_file(path, kind, schema), None
    except FileNotFoundError:
        return {}, None
    except CorruptFileError as exc:
        log.warning("%s", exc)
        return {}, exc
