"""The Dockerfile's runtime package list is exactly what the built binaries link:
every library a binary needs directly (ELF NEEDED, resolved with ldd, mapped to its
Debian package with dpkg -S) is installed by the runtime stage, and the runtime stage
installs nothing they do not need. libc6 and libgcc-s1 are in debian:bookworm-slim."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("PSS_BUILD_DIR", os.path.join(ROOT, "build"))
BINARIES = ["catalog-svc/catalog-svc", "comparison-svc/comparison-svc", "cli/stdctl"]
BASE = {"libc6", "libgcc-s1"}


def runtime_packages():
    text = open(os.path.join(ROOT, "Dockerfile")).read()
    stage = text[text.index("AS runtime"):]
    m = re.search(r"apt-get install -y --no-install-recommends\s*\\\s*\n(.*?)\\\s*\n", stage, re.S)
    return set(m.group(1).split())


def linked_packages(binary):
    needed = re.findall(r"NEEDED\s+(\S+)", subprocess.run(["objdump", "-p", binary], capture_output=True,
                                                          text=True, check=True).stdout)
    paths = {}
    for line in subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout.splitlines():
        m = re.match(r"\s*(\S+) => (\S+)", line)
        if m:
            paths[m.group(1)] = m.group(2)
    pkgs = set()
    for lib in needed:
        path = os.path.realpath(paths[lib])
        out = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
        if out.returncode != 0:  # usrmerge: dpkg knows /lib, ldd says /usr/lib or the reverse
            alt = path[4:] if path.startswith("/usr/") else "/usr" + path
            out = subprocess.run(["dpkg", "-S", alt], capture_output=True, text=True, check=True)
        pkgs.add(out.stdout.split(":")[0])
    return pkgs


def main():
    want = runtime_packages()
    have = set()
    for b in BINARIES:
        path = os.path.join(BUILD, b)
        if not os.path.exists(path):
            print("missing binary %s (build first)" % path)
            print("0 passed, 1 failed")
            return 1
        have |= linked_packages(path)
    have -= BASE
    print("runtime stage installs:", " ".join(sorted(want)))
    print("binaries link:         ", " ".join(sorted(have)))
    missing, extra = have - want, want - have
    if missing:
        print("MISSING from the runtime stage:", " ".join(sorted(missing)))
    if extra:
        print("installed but not linked:", " ".join(sorted(extra)))
    ok = not missing and not extra
    print("%d passed, %d failed" % (int(ok), int(not ok)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
