"""Logging to a rotating file in the log folder, with secrets redacted from every record."""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path
from typing import Any

from mmoauth_gui.storage.paths import private_dir, private_file

SECRET_KEYS = ("client_secret", "password", "credentials_password", "access_token", "refresh_token")
_REDACTED = "[redacted]"

_PATTERNS = [
    re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*)([\"']?)(?:[A-Za-z]+\s+)?[^\s\"',}]+"),
    re.compile(r"(?i)(\b(?:bearer|basic)\s+)()[A-Za-z0-9._~+/-]{8,}=*(?![A-Za-z0-9._~+/=-])"),
    # a key not right after "/": a URL ending in /token (Go's `Post "https://idp/token": dial tcp ...`) is no key
    re.compile(r"(?i)((?:[\"']|(?<!/))(?:" + "|".join(SECRET_KEYS) + r")[\"']?\s*[:=]\s*)([\"']?)[^\"'&\s,}]+"),
    # a bare "token" key (server and command tokens) only with a token-like value: "fetch token: 404" is prose
    re.compile(r"(?i)((?:[\"']|(?<![/\w]))token[\"']?\s*[:=]\s*)([\"']?)[A-Za-z0-9._~+/-]{12,}"),
    re.compile(r"(?i)(_token\s*=\s*)()[^\s\"'&,}]+"),
    # a query parameter named token, whatever its length: ?token=abc
    re.compile(r"(?i)([?&]token=)()[^\s\"'&#]+"),
    # the session cookie
    re.compile(r"(?i)(MMAUTHTOKEN[\"']?\s*[:=]\s*)([\"']?)[^\s\"';,}]+"),
    # the password (or the whole userinfo) in a URL: https://user:secret@host
    re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^\s/@:\"']*:)()[^\s/@\"']+(?=@)"),
    # an incoming webhook's URL is its credential
    re.compile(r"(/hooks/)()[A-Za-z0-9]{8,}"),
    # a JWT anywhere (header.payload.signature, each base64url): an access token or an ID token
    re.compile(r"()()\beyJ[A-Za-z0-9_-]{6,}\.eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*"),
]


def redact(text: str) -> str:
    """``text`` with client secrets, passwords, access tokens and Authorization values replaced."""
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}{_REDACTED}", text)
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.msg = redact(message)
        record.args = None
        return True


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file (the current one and each new one after a rollover) is 0600."""

    def _open(self) -> Any:
        private_file(Path(self.baseFilename))
        return super()._open()


def setup_logging(log_file: Path, *, level: int = logging.INFO) -> logging.Handler:
    """Send the package's log records to ``log_file`` (rotated at 1 MB, 5 kept), redacted; private files."""
    private_dir(log_file.parent)
    handler = PrivateRotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger("mmoauth_gui")
    root.setLevel(level)
    for old in list(root.handlers):
        if isinstance(old, logging.handlers.RotatingFileHandler):
            root.removeHandler(old)
            old.close()
    root.addHandler(handler)
    return handler
