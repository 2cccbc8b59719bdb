"""Regenerates (or, with --check, verifies) the report examples in docs/examples/ from
the real services seeded with data/standards: Yiwu 2021 vs Jinhua 2021 as Markdown,
CSV, SARIF and JSON. --check fails when the checked-in examples differ from what the
services produce now, so the docs cannot drift from the code."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
import pss_testlib as lib  # noqa: E402

OUT = os.path.join(lib.ROOT, "docs", "examples")
FORMATS = {"md": "yiwu-vs-jinhua.md", "csv": "yiwu-vs-jinhua.csv", "sarif": "yiwu-vs-jinhua.sarif",
           "json": "yiwu-vs-jinhua.json"}


def main():
    check = "--check" in sys.argv
    d = tempfile.mkdtemp(prefix="examples-")
    seed = os.path.join(d, "seed")
    os.makedirs(seed)
    for f in ("CN-2021.json", "330000-2021.json", "330700-2021.json", "330782-2021.json"):
        os.symlink(lib.fixture(f), os.path.join(seed, f))
    cat = lib.catalog_server(os.path.join(d, "data"), ["--seed-dir", seed])
    cmp = lib.comparison_server(cat.addr)
    bad = []
    try:
        for fmt, name in FORMATS.items():
            out = subprocess.run([os.path.join(lib.build_dir(), "cli", "stdctl"), "--catalog", cat.addr,
                                  "--comparison", cmp.addr, "compare", "330782/2021", "--format", fmt],
                                 capture_output=True, timeout=60)
            if out.returncode != 0:
                bad.append("%s: exit %d %s" % (fmt, out.returncode, out.stderr.decode()))
                continue
            path = os.path.join(OUT, name)
            if check:
                with open(path, "rb") as f:
                    if f.read() != out.stdout:
                        bad.append("%s differs from what the services produce now (run %s)" % (path, sys.argv[0]))
            else:
                with open(path, "wb") as f:
                    f.write(out.stdout)
                print("wrote", path)
    finally:
        codes = (cmp.stop(), cat.stop())
    for b in bad:
        print(b)
    ok = not bad and codes == (0, 0)
    print("%d passed, %d failed" % (int(ok), int(not ok)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
