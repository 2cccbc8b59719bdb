"""Hot backup while writing, then restore: Catalog/Backup streams a compacted copy
consistent at one revision R while a writer keeps importing; a new catalog-svc started
with --restore-from on an empty directory serves exactly the original store as of R
(every standard, every item, every filing), and refuses to restore over a store."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
import pss_testlib as lib  # noqa: E402

lib.stubs_dir()
import grpc  # noqa: E402
from pss.catalog.v1 import catalog_pb2 as pb, catalog_pb2_grpc as pbg  # noqa: E402

T = 30


def snapshot(c, at):
    """Every standard with items and filings, as of revision `at` (0 = latest)."""
    out = {}
    for s in c.ListStandards(pb.ListStandardsRequest(page_size=1000), timeout=T).standards:
        try:
            full = c.GetStandard(pb.GetStandardRequest(id=s.id, revision=at, include_items=True), timeout=T)
        except grpc.RpcError as e:
            if e.code() == grpc.StatusCode.NOT_FOUND:  # created after `at`
                continue
            raise
        out[s.id] = full.SerializeToString(deterministic=True)
    return out


def main():
    work = tempfile.mkdtemp(prefix="backup-")
    stdctl = os.path.join(lib.build_dir(), "cli", "stdctl")
    srv = lib.catalog_server(os.path.join(work, "a"))
    files = sorted(glob.glob(os.path.join(lib.ROOT, "data", "standards", "*-2021.json")),
                   key=lambda f: (not os.path.basename(f).startswith("CN"), f))
    subprocess.run([stdctl, "--catalog", srv.addr, "import"] + files, check=True, stdout=subprocess.DEVNULL)
    c = pbg.CatalogStub(grpc.insecure_channel(srv.addr))
    yiwu = c.GetStandard(pb.GetStandardRequest(id="330782/2021", include_items=True), timeout=T)
    stop, written = threading.Event(), [0]

    def writer():  # keeps committing drafts while the backup runs
        w = pbg.CatalogStub(grpc.insecure_channel(srv.addr))
        k = 0
        while not stop.is_set():
            k += 1
            d = w.CreateStandard(pb.CreateStandardRequest(standard=pb.Standard(
                jurisdiction="330782", edition="d%d" % k, title="草稿%d" % k, parent="330700/2021")), timeout=T)
            w.WriteItems(pb.WriteItemsRequest(standard=d.id, expected_etag=d.etag, upserts=list(yiwu.items)),
                         timeout=T)
            written[0] += 2
    t = threading.Thread(target=writer)
    t.start()
    while written[0] < 10:
        pass
    backup = os.path.join(work, "catalog.backup")
    out = subprocess.run([stdctl, "--catalog", srv.addr, "backup", "-o", backup], check=True,
                         capture_output=True, text=True).stdout
    m = re.match(r"backup of revision (\d+) written to .* \((\d+) bytes\)", out)
    rev, total = int(m.group(1)), int(m.group(2))
    after = written[0]
    stop.set()
    t.join()
    size = os.path.getsize(backup)
    final = c.GetStoreInfo(pb.GetStoreInfoRequest(), timeout=T).revision
    want = snapshot(c, rev)
    # restore into an empty directory
    srv2 = lib.catalog_server(os.path.join(work, "b"), ["--restore-from", backup])
    c2 = pbg.CatalogStub(grpc.insecure_channel(srv2.addr))
    got = snapshot(c2, 0)
    rev2 = c2.GetStoreInfo(pb.GetStoreInfoRequest(), timeout=T).revision
    print("backup at revision %d (%d bytes, stream said %d) while writing; writer committed %d writes by then, "
          "store went on to %d; restored revision %d, standards %d/%d identical %s"
          % (rev, size, total, after, final, rev2, len(got), len(want), got == want))
    ok = got == want and rev2 == rev and size == total and 0 < rev < final and len(want) >= 7
    assert srv2.stop() == 0
    # restoring over an existing store is refused
    r = subprocess.run([os.path.join(lib.build_dir(), "catalog-svc", "catalog-svc"), "--listen", "127.0.0.1:0",
                        "--data-dir", os.path.join(work, "b"), "--restore-from", backup],
                       capture_output=True, text=True, timeout=30)
    refused = r.returncode != 0 and "already holds a store" in r.stderr
    print("restore over an existing store: exit %d, refused %s" % (r.returncode, refused))
    ok = ok and refused and srv.stop() == 0
    shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (int(ok), int(not ok)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
