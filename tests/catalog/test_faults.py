"""Limits and faults through the real catalog-svc: the LMDB map ceiling answers
RESOURCE_EXHAUSTED while reads keep working; SIGTERM under load lets in-flight calls
finish, refuses new ones, exits 0 and loses nothing acknowledged; page sizes are
clamped; the items-per-standard limit is enforced."""
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
import pss_testlib as lib  # noqa: E402

lib.stubs_dir()
import grpc  # noqa: E402
from pss.catalog.v1 import catalog_pb2 as pb, catalog_pb2_grpc as pbg  # noqa: E402

T = 20


def national(edition, n, note_bytes=0):
    items = [pb.Item(code="N-%04d" % i, domain="幼有所育", name="项目%d" % i, content=["条款"],
                     note="x" * note_bytes) for i in range(n)]
    return pb.ImportStandardRequest(jurisdictions=[pb.Jurisdiction(code="CN", name="国家")],
                                    standard=pb.Standard(jurisdiction="CN", edition=edition, title="国家",
                                                         items=items))


class FaultsTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="faults-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_map_ceiling_then_reads_go_on(self):
        srv = lib.catalog_server(os.path.join(self.dir, "data"), ["--map-initial-mb", "1", "--map-max-mb", "4"])
        c = pbg.CatalogStub(grpc.insecure_channel(srv.addr))
        ok, err = 0, None
        for i in range(100):  # ~300 KiB each: the 4 MiB ceiling comes first
            try:
                c.ImportStandard(national("e%d" % i, 100, 3000), timeout=T)
                ok += 1
            except grpc.RpcError as e:
                err = e
                break
        self.assertIsNotNone(err)
        self.assertEqual(err.code(), grpc.StatusCode.RESOURCE_EXHAUSTED)
        self.assertIn("ceiling", err.details())
        info = c.GetStoreInfo(pb.GetStoreInfoRequest(), timeout=T)
        self.assertEqual(info.revision, ok)
        self.assertEqual(info.map_size_bytes, 4 << 20)  # it grew 1 -> 4 MiB first
        self.assertEqual(len(c.GetStandard(pb.GetStandardRequest(id="CN/e0", include_items=True), timeout=T).items), 100)
        print("map ceiling: %d imports stored, then RESOURCE_EXHAUSTED; reads go on" % ok)
        self.assertEqual(srv.stop(), 0)

    def test_sigterm_under_load(self):
        srv = lib.catalog_server(os.path.join(self.dir, "data"), ["--shutdown-grace-ms", "5000"])
        addr = srv.addr
        c = pbg.CatalogStub(grpc.insecure_channel(addr))
        c.ImportStandard(national("base", 120), timeout=T)
        acked, failures, lock, stop = [], [], threading.Lock(), threading.Event()

        def worker(k):
            w = pbg.CatalogStub(grpc.insecure_channel(addr))
            i = 0
            while not stop.is_set():
                i += 1
                ed = "w%d-%d" % (k, i)
                try:
                    if i % 2:
                        w.ImportStandard(national(ed, 300), timeout=T)
                        with lock:
                            acked.append("CN/" + ed)
                    else:
                        w.GetStandard(pb.GetStandardRequest(id="CN/base", include_items=True), timeout=T)
                except grpc.RpcError as e:
                    with lock:
                        failures.append(e.code())
                        if os.environ.get("FAULT_DEBUG"):
                            print("  %s %s %s" % ("import" if i % 2 else "get", e.code(), e.details()))
                    return
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        t0 = time.time()
        srv.proc.send_signal(signal.SIGTERM)
        code = srv.proc.wait(30)
        took = time.time() - t0
        stop.set()
        for t in threads:
            t.join(30)
        # a new call after the signal is refused
        with self.assertRaises(grpc.RpcError) as cm:
            pbg.CatalogStub(grpc.insecure_channel(addr)).GetStoreInfo(pb.GetStoreInfoRequest(), timeout=2)
        self.assertEqual(cm.exception.code(), grpc.StatusCode.UNAVAILABLE)
        self.assertEqual(code, 0, srv.logs()[-2000:])
        srv.log.close()
        bad = [f for f in failures if f not in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED)]
        self.assertEqual(bad, [])
        # nothing acknowledged is lost
        srv = lib.catalog_server(os.path.join(self.dir, "data"))
        c = pbg.CatalogStub(grpc.insecure_channel(srv.addr))
        stored = {s.id for s in c.ListStandards(pb.ListStandardsRequest(page_size=1000), timeout=T).standards}
        lost = [a for a in acked if a not in stored]
        print("SIGTERM under load: exit %d after %.2f s, %d imports acknowledged, %d lost, refused calls: %s"
              % (code, took, len(acked), len(lost), sorted({str(f) for f in failures})))
        self.assertEqual(lost, [])
        self.assertGreater(len(acked), 0)
        self.assertEqual(srv.stop(), 0)

    def test_page_size_clamped_and_item_limit(self):
        srv = lib.catalog_server(os.path.join(self.dir, "data"), ["--max-message-mb", "8"])
        c = pbg.CatalogStub(grpc.insecure_channel(srv.addr))
        c.ImportStandard(national("big", 1500), timeout=T)
        r = c.ListItems(pb.ListItemsRequest(standard="CN/big", page_size=5000), timeout=T)
        self.assertEqual(len(r.items), 1000)
        self.assertTrue(r.next_page_token)
        with self.assertRaises(grpc.RpcError) as cm:
            c.ListItems(pb.ListItemsRequest(standard="CN/big", page_size=-1), timeout=T)
        self.assertEqual(cm.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        before = c.GetStoreInfo(pb.GetStoreInfoRequest(), timeout=T).revision
        with self.assertRaises(grpc.RpcError) as cm:
            c.ImportStandard(national("huge", 2001), timeout=T)
        self.assertEqual(cm.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("2000", cm.exception.details())
        self.assertEqual(c.GetStoreInfo(pb.GetStoreInfoRequest(), timeout=T).revision, before)
        self.assertEqual(srv.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
