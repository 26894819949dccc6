#!/usr/bin/env bash
# Audit the locked dependencies (requirements.lock) for known vulnerabilities with pip-audit and PyPI's
# advisory data, from a scratch environment of its own. Exit 1 when a locked version has a known
# vulnerability; when the advisory service cannot be reached from this machine (or pip-audit cannot be
# installed), say so and exit 0: an audit that could not look is reported, not passed off as clean.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if ! { "$PYTHON" -m venv "$scratch/venv" && "$scratch/venv/bin/python" -m pip install --quiet pip-audit 2>/dev/null; }; then
  echo "audit: pip-audit could not be installed here: the locked dependencies were NOT audited."
  exit 0
fi
"$scratch/venv/bin/pip-audit" -r requirements.lock --no-deps --disable-pip --progress-spinner off --format json \
  --output "$scratch/report.json" 2>"$scratch/stderr"
status=$?
"$PYTHON" - "$scratch/report.json" "$status" "$scratch/stderr" <<'PY'
import json, sys
path, status, stderr = sys.argv[1], int(sys.argv[2]), sys.argv[3]
try:
    deps = json.load(open(path, encoding="utf-8"))["dependencies"]
except (OSError, ValueError, KeyError):
    tail = open(stderr, encoding="utf-8", errors="replace").read().strip().splitlines()[-1:]
    print(f"audit: pip-audit did not produce a report (exit {status}; {' '.join(tail) or 'no message'}): NOT audited.")
    sys.exit(0)
audited = [d for d in deps if "skip_reason" not in d]
vulnerable = [d for d in audited if d.get("vulns")]
if not audited:
    print(f"audit: PyPI's vulnerability data is not reachable from here; none of {len(deps)} locked packages "
          "could be audited (not counted as a failure). Run scripts/audit.sh where pypi.org answers.")
    sys.exit(0)
for dep in vulnerable:
    for vuln in dep["vulns"]:
        fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
        print(f"audit: {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
skipped = len(deps) - len(audited)
note = f", {skipped} not audited" if skipped else ""
print(f"audit: {len(audited)} locked packages audited{note}: {len(vulnerable)} with known vulnerabilities.")
sys.exit(1 if vulnerable else 0)
PY
