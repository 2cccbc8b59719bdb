"""Every stdctl command answers --help with exit 0 and an example; unknown commands
and missing arguments exit 2."""
import os
import subprocess
import sys

STDCTL = os.path.join(os.environ.get("PSS_BUILD_DIR", "build"), "cli", "stdctl")
COMMANDS = ["import", "get", "export", "list", "publish", "withdraw", "jurisdictions", "revisions", "filings",
            "watch", "health", "backup", "import-csv", "export-csv", "compare", "audit", "resolve",
            "coverage", "diff"]
bad = []
main_help = subprocess.run([STDCTL, "--help"], capture_output=True, text=True).stdout
for c in COMMANDS:
    p = subprocess.run([STDCTL, c, "--help"], capture_output=True, text=True)
    if p.returncode != 0 or "Example" not in p.stdout or "Usage: stdctl " + c not in p.stdout:
        bad.append("%s --help: exit %d" % (c, p.returncode))
    if c not in main_help:
        bad.append("%s missing from stdctl --help" % c)
for args in (["no-such-command"], ["get"], ["compare"]):
    p = subprocess.run([STDCTL] + args, capture_output=True, text=True)
    if p.returncode != 2:
        bad.append("%s: exit %d, expected 2" % (" ".join(args), p.returncode))
print("\n".join(bad))
print("%d passed, %d failed" % (len(COMMANDS) - len(bad), len(bad)))
sys.exit(1 if bad else 0)
