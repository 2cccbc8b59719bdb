"""Data-platform sync through the change feed (docs/sync.md): an external consumer
(Python grpcio) follows WatchChanges from revision 0 into a local replica while
standards are imported and edited, is disconnected twice — once by cancelling its own
stream, once by a restart of catalog-svc — reconnects from its last applied revision,
and ends with exactly the catalog's state: no gaps, no duplicates."""
import glob
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
import pss_testlib as lib  # noqa: E402

lib.stubs_dir()
import grpc  # noqa: E402
from pss.catalog.v1 import catalog_pb2 as pb, catalog_pb2_grpc as pbg  # noqa: E402

T = 10


class Replica:
    """What a data platform keeps: applies each Change exactly once, in order."""

    def __init__(self):
        self.rev = 0
        self.applied = []
        self.jur, self.std, self.items, self.filings = {}, {}, {}, {}

    def apply(self, ch):
        assert ch.revision == self.rev + 1, "gap or duplicate: got %d after %d" % (ch.revision, self.rev)
        for j in ch.jurisdictions:
            self.jur[j.code] = j.name
        for s in ch.standards:
            self.std[s.id] = (s.status, s.title, s.parent, s.item_count, s.revision)
        if ch.standard:
            items = self.items.setdefault(ch.standard, {})
            for it in ch.items:
                c = pb.Item()
                c.CopyFrom(it)
                c.revision = 0
                items[it.code] = c.SerializeToString(deterministic=True)
            for code in ch.deleted_item_codes:
                del items[code]
            fs = self.filings.setdefault(ch.standard, {})
            for f in list(ch.filings) + ([ch.filing] if ch.HasField("filing") else []):
                fs[f.number] = f.covers[0].item_code if f.covers else ""
            if ch.deleted_filing:
                del fs[ch.deleted_filing]
        self.rev = ch.revision
        self.applied.append(ch.revision)


def catalog_state(c):
    jur = {j.code: j.name for j in c.ListJurisdictions(pb.ListJurisdictionsRequest(page_size=1000), timeout=T).jurisdictions}
    std, items, filings = {}, {}, {}
    for s in c.ListStandards(pb.ListStandardsRequest(page_size=1000), timeout=T).standards:
        std[s.id] = (s.status, s.title, s.parent, s.item_count, s.revision)
        full = c.GetStandard(pb.GetStandardRequest(id=s.id, include_items=True), timeout=T)
        d = {}
        for it in full.items:
            it.revision = 0
            d[it.code] = it.SerializeToString(deterministic=True)
        items[s.id] = d
        filings[s.id] = {f.number: (f.covers[0].item_code if f.covers else "")
                         for f in c.ListFilings(pb.ListFilingsRequest(standard=s.id), timeout=T).filings}
    return jur, std, items, filings


def follow(addr, replica, stop, disconnect_at, log):
    """Follows the feed; on any disconnect reconnects from replica.rev."""
    cancelled_once = False
    while not stop.is_set():
        ch = grpc.insecure_channel(addr)
        call = pbg.CatalogStub(ch).WatchChanges(pb.WatchChangesRequest(after_revision=replica.rev))
        try:
            for change in call:
                replica.apply(change)
                if not cancelled_once and replica.rev >= disconnect_at:
                    cancelled_once = True
                    log.append("client disconnect at %d" % replica.rev)
                    call.cancel()  # forced disconnect from the client side
                    break
                if stop.is_set():
                    call.cancel()
                    break
        except grpc.RpcError as e:
            log.append("stream ended at %d: %s" % (replica.rev, e.code()))
            time.sleep(0.2)
        finally:
            ch.close()


def main():
    work = tempfile.mkdtemp(prefix="resync-")
    data = os.path.join(work, "data")
    files = sorted(glob.glob(os.path.join(lib.ROOT, "data", "standards", "*-2021.json")),
                   key=lambda f: (not os.path.basename(f).startswith("CN"), f))  # national first
    stdctl = os.path.join(lib.build_dir(), "cli", "stdctl")
    srv = lib.catalog_server(data)
    port = srv.port
    replica, stop, log = Replica(), threading.Event(), []
    t = threading.Thread(target=follow, args=(srv.addr, replica, stop, 3, log), daemon=True)
    t.start()
    # writes while the consumer follows
    subprocess.run([stdctl, "--catalog", srv.addr, "import"] + files[:5], check=True, stdout=subprocess.DEVNULL)
    c = pbg.CatalogStub(grpc.insecure_channel(srv.addr))
    d = c.CreateStandard(pb.CreateStandardRequest(standard=pb.Standard(
        jurisdiction="330782", edition="2024", title="义乌 草稿", parent="330700/2021")), timeout=T)
    yiwu = c.GetStandard(pb.GetStandardRequest(id="330782/2021", include_items=True), timeout=T)
    w = c.WriteItems(pb.WriteItemsRequest(standard=d.id, expected_etag=d.etag, upserts=list(yiwu.items)[:20]),
                     timeout=T).standard
    # restart the server: the consumer's stream breaks; it must resume after restart
    assert srv.stop() == 0
    log.append("server restarted")
    srv = lib.catalog_server(data, ["--listen", "127.0.0.1:%d" % port])
    c = pbg.CatalogStub(grpc.insecure_channel(srv.addr))
    w = c.WriteItems(pb.WriteItemsRequest(standard=d.id, expected_etag=w.etag, upserts=list(yiwu.items)[20:30],
                                          delete_codes=[yiwu.items[0].code]), timeout=T).standard
    subprocess.run([stdctl, "--catalog", srv.addr, "import"] + files[5:], check=True, stdout=subprocess.DEVNULL)
    c.PublishStandard(pb.PublishStandardRequest(id=d.id, expected_etag=w.etag, allow_violations=True), timeout=T)
    f = c.ListFilings(pb.ListFilingsRequest(standard="330782/2021"), timeout=T).filings
    if f:
        c.DeleteFiling(pb.DeleteFilingRequest(standard="330782/2021", number=f[0].number), timeout=T)
    final = c.GetStoreInfo(pb.GetStoreInfoRequest(), timeout=T).revision
    end = time.time() + 20
    while replica.rev < final and time.time() < end:
        time.sleep(0.05)
    stop.set()
    want = catalog_state(c)
    got = (replica.jur, replica.std, replica.items, {k: v for k, v in replica.filings.items()})
    want_filings = {k: v for k, v in want[3].items() if v}
    got_filings = {k: v for k, v in got[3].items() if v}
    ok = (replica.applied == list(range(1, final + 1)) and got[0] == want[0] and got[1] == want[1]
          and {k: v for k, v in got[2].items()} == want[2] and got_filings == want_filings)
    print("\n".join(log))
    print("catalog revision %d; replica applied %d changes (%d distinct), standards %d/%d, items %d/%d"
          % (final, len(replica.applied), len(set(replica.applied)), len(got[1]), len(want[1]),
             sum(map(len, got[2].values())), sum(map(len, want[2].values()))))
    code = srv.stop()
    ok = ok and code == 0 and any("client disconnect" in x for x in log) and any("stream ended" in x for x in log)
    print("%d passed, %d failed" % (1 if ok else 0, 0 if ok else 1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
