"""The values behind a connections file's secret references: ``{env: VAR}`` from the environment,
``{keyring: NAME}`` from the OS keyring entry ``config:NAME`` of the service ``mmoauth-gui``.

Keyring reads can block: call :func:`resolve` off the GUI thread.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from mmoauth_gui.core.config.document import RefSource, SecretRef
from mmoauth_gui.storage.secrets import SecretKind, SecretStore

KEYRING_KIND = SecretKind.CONFIG


def resolve(ref: SecretRef, store: SecretStore | None = None, environ: Mapping[str, str] | None = None) -> str | None:
    """The secret ``ref`` names, or None when it is not set."""
    if ref.source is RefSource.ENV:
        value = (os.environ if environ is None else environ).get(ref.name, "")
        return value or None
    return (store or SecretStore()).get(KEYRING_KIND, ref.name) or None


def store_in_keyring(name: str, value: str, store: SecretStore | None = None) -> bool:
    """Keep ``value`` as the keyring entry a ``{keyring: NAME}`` reference reads; False: session only."""
    return (store or SecretStore()).set(KEYRING_KIND, name, value)
