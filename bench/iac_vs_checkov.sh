#!/usr/bin/env bash
# Time Checkov and demarcate on the same Terraform directory and compare what they fail.
#
#   bench/iac_vs_checkov.sh DIR
#
# Installs Checkov from PyPI into bench/.venv-checkov (once), runs
#   checkov -d DIR --framework terraform -o json
#   demarcate scan iac DIR --quiet -o out.json      (.venv/bin/demarcate)
# and prints both wall times, the ratio, and for each tool the failed checks per resource
# type. Generate a project with: python bench/gen_terraform.py /tmp/tf500 -n 500
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:?usage: bench/iac_vs_checkov.sh DIR}
PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
VENV=bench/.venv-checkov
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

if [ ! -x "$VENV/bin/checkov" ]; then
  echo "installing checkov into $VENV ..." >&2
  "$PY" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  "$VENV/bin/pip" install --quiet checkov
fi

now() { date +%s.%N; }
WIRED=no
if .venv/bin/demarcate scan iac --help >/dev/null 2>&1; then WIRED=yes; fi

echo "checkov $("$VENV/bin/checkov" --version 2>/dev/null | tail -1) on $DIR" >&2
t0=$(now)
"$VENV/bin/checkov" -d "$DIR" --framework terraform -o json >"$OUT/checkov.json" 2>"$OUT/checkov.err" || true
t1=$(now)

if [ "$WIRED" = yes ]; then
  .venv/bin/demarcate scan iac "$DIR" --quiet -o "$OUT/demarcate.json" >/dev/null 2>"$OUT/demarcate.err" || true
else  # the CLI command is not wired: call the scan directly
  .venv/bin/python -c '
import json, sys
from pathlib import Path
from demarcate.sources.iac.scan import run_iac_scan
out = run_iac_scan([Path(sys.argv[1])])
Path(sys.argv[2]).write_text(json.dumps(out.report, default=str))
' "$DIR" "$OUT/demarcate.json" 2>"$OUT/demarcate.err"
fi
t2=$(now)

"$PY" - "$OUT/checkov.json" "$OUT/demarcate.json" "$t0" "$t1" "$t2" <<'PYEOF'
import json
import sys
from collections import Counter

checkov_path, demarcate_path, t0, t1, t2 = sys.argv[1:]
checkov_s = float(t1) - float(t0)
demarcate_s = float(t2) - float(t1)

def load(path):
    try:
        with open(path) as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None

ck = load(checkov_path)
reports = ck if isinstance(ck, list) else [ck] if ck else []
ck_failed = [f for r in reports for f in (r.get("results") or {}).get("failed_checks", [])]
ck_passed = sum(len((r.get("results") or {}).get("passed_checks", [])) for r in reports)
ck_resources = {f.get("resource") for r in reports for key in ("failed_checks", "passed_checks") for f in (r.get("results") or {}).get(key, [])}
dm = load(demarcate_path) or {}
dm_findings = dm.get("findings") or []
dm_failed = [f for f in dm_findings if f.get("status") == "FAIL"]

print(f"checkov   : {checkov_s:8.2f} s  {len(ck_failed):5d} failed, {ck_passed:5d} passed checks on {len(ck_resources)} resources")
print(f"demarcate : {demarcate_s:8.2f} s  {len(dm_failed):5d} failed, "
      f"{sum(1 for f in dm_findings if f.get('status') == 'PASS'):5d} passed, "
      f"{sum(1 for f in dm_findings if f.get('status') == 'UNKNOWN'):5d} unknown")
if demarcate_s > 0:
    print(f"ratio     : demarcate is {checkov_s / demarcate_s:.1f}x faster than checkov")

def table(title, counter):
    print(f"\n{title}")
    for key, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {n:6d}  {key}")

table("checkov: failed checks per resource type",
      Counter(str(f.get("resource", "")).split(".")[-2] if "." in str(f.get("resource", "")) else str(f.get("resource")) for f in ck_failed))
table("demarcate: failed checks per resource type", Counter(f.get("resource_type") for f in dm_failed))
PYEOF
