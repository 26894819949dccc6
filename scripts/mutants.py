"""Plant classic bugs in the product, one at a time, and report which ones the tests catch.

Each mutant is a small source edit applied to a temporary copy of the repository (never to this working
tree); the tests that guard that code then run against the copy. A mutant is *killed* when a test fails,
*survived* when every test passes (a hole in the suite), *stale* when its source text is no longer in the
file (the code moved on: update the mutant). docs/TESTING.md says when to run it and the last result.

    .venv/bin/python scripts/mutants.py                 # every mutant, its own tests, 2 workers
    .venv/bin/python scripts/mutants.py --list
    .venv/bin/python scripts/mutants.py matcher-case-insensitive --workers 1
    .venv/bin/python scripts/mutants.py --whole-suite   # each mutant against every test (slow)

Exit status: 0 when every mutant is killed, 1 when one survived, 2 when one is stale or could not run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("mmoauth_gui", "tests", "pyproject.toml", "docs", "scripts", "resources", "benchmarks", "README.md")
TIMEOUT_SECONDS = 1800

MATCHER_TESTS = (
    "tests/unit/core/test_audience.py",
    "tests/unit/sandbox/server_model/test_product_against_model.py",
    "tests/integration/preview/test_preview_server_model.py",
    "tests/integration/preview/test_preview_sync.py",
)
RULES_TESTS = ("tests/unit/core/test_rules.py", "tests/unit/sandbox/server_model/test_product_against_model.py")
PAYLOAD_TESTS = ("tests/unit/core/test_model.py", "tests/integration/client", "tests/integration/drafts")
PREVIEW_TESTS = ("tests/unit/core/preview", "tests/integration/preview")
REDACTION_TESTS = ("tests/unit/test_logs.py", "tests/hardening/test_secret_session.py")


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    edits: tuple[tuple[str, str], ...]  # (text in the file, its replacement): every occurrence is replaced
    tests: tuple[str, ...]
    bug: str


MUTANTS = (
    Mutant(
        "matcher-case-insensitive",
        "mmoauth_gui/core/audience.py",
        (
            ("self._exact.setdefault(aud, set())", "self._exact.setdefault(aud.lower(), set())"),
            ("keys = self._exact.get(aud)", "keys = self._exact.get(aud.lower())"),
            ("exact = self._exact.get(url)", "exact = self._exact.get(url.lower())"),
            ("    return url == audience", "    return url.lower() == audience.lower()"),
        ),
        MATCHER_TESTS,
        "exact audiences match whatever the letter case",
    ),
    Mutant(
        "matcher-prefix-off-by-one",
        "mmoauth_gui/core/audience.py",
        (
            ("prefix = aud[:-1]", "prefix = aud[:-2]"),
            ("url.startswith(audience[:-1])", "url.startswith(audience[:-2])"),
        ),
        MATCHER_TESTS,
        "a wildcard audience drops one character too many before the *",
    ),
    Mutant(
        "matcher-prefix-needs-more",
        "mmoauth_gui/core/audience.py",
        (("if length > size:", "if length >= size:"),),
        MATCHER_TESTS,
        "a URL exactly as long as a wildcard's prefix is never matched by it",
    ),
    Mutant(
        "rules-name-limit",
        "mmoauth_gui/core/rules.py",
        (("NAME_MAX = 64", "NAME_MAX = 65"),),
        RULES_TESTS,
        "a 65-character name passes",
    ),
    Mutant(
        "rules-token-url-limit",
        "mmoauth_gui/core/rules.py",
        (("if len(url) > TOKEN_URL_MAX:", "if len(url) >= TOKEN_URL_MAX:"),),
        RULES_TESTS,
        "a token URL of exactly 256 characters is refused",
    ),
    Mutant(
        "rules-grant-type-case",
        "mmoauth_gui/core/rules.py",
        (("if conn.grant_type not in (", "if conn.grant_type.lower() not in ("),),
        RULES_TESTS,
        "grant type Password passes",
    ),
    Mutant(
        "rules-scheme-case",
        "mmoauth_gui/core/request_uri.py",
        (
            (
                '(url.startswith("http://") or url.startswith("https://"))',
                '(url.lower().startswith(("http://", "https://")))',
            ),
        ),
        RULES_TESTS,
        "HTTPS://… passes the URL rule",
    ),
    Mutant(
        "payload-update-without-id",
        "mmoauth_gui/core/model.py",
        (('body["id"] = self.id\n        return body', 'body["id"] = ""\n        return body'),),
        PAYLOAD_TESTS,
        "PUT carries an empty id",
    ),
    Mutant(
        "payload-update-empty-credentials",
        "mmoauth_gui/core/model.py",
        (("            if not body.get(key):\n                body.pop(key, None)", "            pass"),),
        PAYLOAD_TESTS,
        "PUT sends an empty credentials_password, which erases the stored one",
    ),
    Mutant(
        "preview-ambiguous-as-linked",
        "mmoauth_gui/core/preview/build.py",
        (("return Status.LINKED if len(matches) == 1 else", "return Status.LINKED if len(matches) >= 1 else"),),
        PREVIEW_TESTS,
        "several matches show as linked",
    ),
    Mutant(
        "preview-server-disagreement-hidden",
        "mmoauth_gui/core/preview/build.py",
        (("if len(matches) == 1 and server_connection_id != matches[0]:", "if False:"),),
        PREVIEW_TESTS,
        "the server naming another connection than the one predicted is not a mismatch",
    ),
    Mutant(
        "redaction-client-secret",
        "mmoauth_gui/logs.py",
        (('SECRET_KEYS = ("client_secret", ', "SECRET_KEYS = ("),),
        REDACTION_TESTS,
        "client_secret=… reaches the log",
    ),
    Mutant(
        "redaction-authorization",
        "mmoauth_gui/logs.py",
        (('re.compile(r"(?i)(authorization[', 're.compile(r"(?i)(authorisation['),),
        REDACTION_TESTS,
        "an Authorization header value reaches the log",
    ),
)


def copy_tree(target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)


def plant(mutant: Mutant, tree: Path) -> bool:
    """Apply the edits to the copy; False when one of them no longer finds its text."""
    path = tree / mutant.path
    if not path.is_file():
        return False
    text = path.read_text(encoding="utf-8")
    for old, new in mutant.edits:
        if old not in text:
            return False
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return True


def run_tests(tree: Path, tests: tuple[str, ...], workers: int) -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "QT_QPA_PLATFORM": "offscreen", "PYTHONDONTWRITEBYTECODE": "1"}
    parallel = ["-n", str(workers)] if workers > 1 else ["-p", "no:xdist"]
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *parallel, *tests]
    try:
        done = subprocess.run(
            command, cwd=tree, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        return -1, "timed out"
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return done.returncode, lines[-1] if lines else done.stderr.strip()[-200:]


def imports_the_copy(tree: Path) -> bool:
    """The copy's package, not the one installed in editable mode, is what the tests import."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    probe = [sys.executable, "-c", "import mmoauth_gui; print(mmoauth_gui.__file__)"]
    done = subprocess.run(probe, cwd=tree, env=env, capture_output=True, text=True, check=False)
    return done.stdout.strip().startswith(str(tree))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Plant classic bugs and report which the tests catch.")
    parser.add_argument("names", nargs="*", help="mutants to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers per run (default 2)")
    parser.add_argument("--whole-suite", action="store_true", help="run every test against each mutant")
    args = parser.parse_args(argv)
    if args.list:
        for m in MUTANTS:
            print(f"{m.name:36} {m.path:36} {m.bug}")
        return 0
    unknown = set(args.names) - {m.name for m in MUTANTS}
    if unknown:
        parser.error(f"unknown mutant(s): {', '.join(sorted(unknown))}")
    chosen = [m for m in MUTANTS if not args.names or m.name in args.names]
    worst = 0
    with tempfile.TemporaryDirectory(prefix="mmoauth-mutants-") as scratch:
        pristine = Path(scratch) / "pristine"
        copy_tree(pristine)
        if not imports_the_copy(pristine):
            print("the copy's tests would import the installed package, not the mutated copy", file=sys.stderr)
            return 2
        for mutant in chosen:
            tree = Path(scratch) / mutant.name
            shutil.copytree(pristine, tree)
            started = time.monotonic()
            if not plant(mutant, tree):
                verdict, detail = "STALE", f"text not found in {mutant.path}: update the mutant"
                worst = max(worst, 2)
            else:
                code, detail = run_tests(tree, ("tests",) if args.whole_suite else mutant.tests, args.workers)
                if code == 0:
                    verdict, worst = "SURVIVED", max(worst, 1)
                elif " failed" in f" {detail}":  # with -x under xdist pytest exits 2 (interrupted), not 1
                    verdict = "killed"
                else:
                    verdict, worst = "ERROR", 2
            print(f"{verdict:8} {mutant.name:36} {time.monotonic() - started:6.1f}s  {mutant.bug} — {detail}")
            sys.stdout.flush()
            shutil.rmtree(tree, ignore_errors=True)
    return worst


if __name__ == "__main__":
    sys.exit(main())
