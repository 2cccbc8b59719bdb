"""kill -9 of catalog-svc while `stdctl import` is running and an editor is writing
item batches into a draft, then restart: the store opens, every standard whose import
was acknowledged is there and whole, every acknowledged edit is there, no standard is
half-written, and revisions are gapless.

Usage: test_crash_import.py [ROUNDS]   (default 3; issue 5's soak runs 20)"""
import json
import os
import random
import re
import shutil
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

N_COUNTIES = 40
ITEMS = 120


def item(code, parent=""):
    return {"code": code, "parentCode": parent, "domain": "幼有所育", "category": "优孕优生服务",
            "name": "项目" + code, "target": {"text": "辖区内常住人口", "groups": [
                {"name": "常住人口", "residency": "RESIDENT"}]},
            "content": ["服务内容条款一（%s）" % code, "服务内容条款二"],
            "levels": [{"metric": "覆盖率", "comparator": "GE", "value": 90, "unit": "%",
                        "direction": "HIGHER_IS_BETTER"}],
            "spending": "地方人民政府负责", "leadDepartment": "卫生健康委"}


def write_files(d, city):
    """A national → province → city chain and N_COUNTIES county standards under the
    city (a new city per round, so every round has real work to interrupt)."""
    files = []

    def std(jur, name, parent, parent_codes, prefix, extra_jurs):
        items = [item("%s-%03d" % (prefix, i), parent_codes[i] if parent_codes else "") for i in range(ITEMS)]
        doc = {"jurisdictions": extra_jurs + [{"code": jur, "name": name}],
               "standard": {"jurisdiction": jur, "edition": "2021", "title": name + "基本公共服务标准",
                            "parent": parent, "status": "PUBLISHED", "items": items}}
        path = os.path.join(d, "%s-2021.json" % jur)
        with open(path, "w") as f:
            json.dump(doc, f, ensure_ascii=False)
        files.append(path)
        return [i["code"] for i in items]

    cn = std("CN", "国家", "", None, "N", [])
    p = std("110000", "北京市", "CN/2021", cn, "P", [{"code": "CN", "name": "国家"}])
    c = std("11%02d00" % city, "市%d" % city, "110000/2021", p, "C", [{"code": "110000", "name": "北京市"}])
    for k in range(N_COUNTIES):
        std("11%02d%02d" % (city, k + 1), "区%d" % k, "11%02d00/2021" % city, c, "K",
            [{"code": "11%02d00" % city, "name": "市%d" % city}])
    return files


def editor(addr, r, acked_items, stop):
    """Writes batches of 3 items into draft 110000/edit<r> until the server dies."""
    c = pbg.CatalogStub(grpc.insecure_channel(addr))
    sid = "110000/edit%d" % r
    try:
        while not stop.is_set():
            try:
                c.GetStandard(pb.GetStandardRequest(id="CN/2021"), timeout=5)
                c.GetJurisdiction(pb.GetJurisdictionRequest(code="110000"), timeout=5)
                break
            except grpc.RpcError as e:
                if e.code() != grpc.StatusCode.NOT_FOUND:
                    return
        s = c.CreateStandard(pb.CreateStandardRequest(standard=pb.Standard(
            jurisdiction="110000", edition="edit%d" % r, title="编辑", parent="CN/2021")), timeout=5)
        acked_items.setdefault(sid, set())
        etag, k = s.etag, 0
        while not stop.is_set():
            batch = [pb.Item(code="E-%04d" % (k + i), parent_code="N-%03d" % ((k + i) % ITEMS), domain="幼有所育",
                             name="编辑项", content=["条款"]) for i in range(3)]
            etag = c.WriteItems(pb.WriteItemsRequest(standard=sid, expected_etag=etag, upserts=batch),
                                timeout=5).standard.etag
            acked_items[sid] |= {b.code for b in batch}  # acknowledged
            k += 3
    except grpc.RpcError:
        return


def check_store(addr, files_by_id, acked, acked_items=None):
    ch = grpc.insecure_channel(addr)
    c = pbg.CatalogStub(ch)
    stored = {}
    token = ""
    while True:
        r = c.ListStandards(pb.ListStandardsRequest(page_size=50, page_token=token), timeout=30)
        for s in r.standards:
            stored[s.id] = s
        token = r.next_page_token
        if not token:
            break
    lost = [i for i in acked if i not in stored]
    half = []
    for sid, s in stored.items():
        full = c.GetStandard(pb.GetStandardRequest(id=sid, include_items=True), timeout=30)
        if "/edit" in sid:  # a draft being edited: every acknowledged batch, counts consistent
            codes = {i.code for i in full.items}
            if full.item_count != len(full.items) or len(codes) % 3:
                half.append(sid)
            lost += ["%s#%s" % (sid, x) for x in (acked_items or {}).get(sid, set()) - codes]
        elif len(full.items) != ITEMS or full.item_count != ITEMS or full.status != pb.PUBLISHED:
            half.append(sid)
    lost += [i for i in (acked_items or {}) if i not in stored]
    info = c.GetStoreInfo(pb.GetStoreInfoRequest(), timeout=30)
    revs = []
    if os.environ.get("CRASH_DEBUG"):
        print("  store revision", info.revision, "standards", len(stored), flush=True)
    call = c.WatchChanges(pb.WatchChangesRequest(after_revision=0), timeout=30)
    for change in (call if info.revision else ()):
        print("  change", change.revision, flush=True) if os.environ.get("CRASH_DEBUG") else None
        revs.append(change.revision)
        if change.revision >= info.revision:
            break
    call.cancel()
    ch.close()
    gapless = revs == list(range(1, info.revision + 1))
    return lost, half, gapless, len(stored), info.revision


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    work = tempfile.mkdtemp(prefix="crash-")
    data = os.path.join(work, "data")
    stdctl = os.path.join(lib.build_dir(), "cli", "stdctl")
    rnd = random.Random(int(os.environ.get("CRASH_SEED", "2021")))
    acked, acked_items = set(), {}
    total_lost = total_half = corrupt = 0
    for r in range(rounds):
        rd = os.path.join(work, "round%d" % r)
        os.makedirs(rd)
        files = write_files(rd, r + 1)
        srv = lib.catalog_server(data)
        rnd.shuffle(files)  # any order: stdctl stores parents first
        stop = threading.Event()
        ed = threading.Thread(target=editor, args=(srv.addr, r + 1, acked_items, stop))
        ed.start()
        imp = subprocess.Popen([stdctl, "--catalog", srv.addr, "import"] + files,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        kill_after = rnd.randint(1, N_COUNTIES)  # acknowledged imports before the kill
        seen = 0
        for line in imp.stdout:
            m = re.match(r"^(imported|unchanged) (\S+)", line)
            if m:
                acked.add(m.group(2))
                seen += 1
                if seen == kill_after:
                    srv.kill9()
                    break
        if srv.proc.poll() is None:
            srv.kill9()
        out, _ = imp.communicate(timeout=60)
        stop.set()
        ed.join(30)
        for line in out.splitlines():  # acknowledged while the kill was landing
            m = re.match(r"^(imported|unchanged) (\S+)", line)
            if m:
                acked.add(m.group(2))
        try:
            srv = lib.catalog_server(data)
        except RuntimeError as e:
            corrupt += 1
            print("round %d: store did not reopen: %s" % (r + 1, e))
            continue
        lost, half, gapless, n, rev = check_store(srv.addr, None, acked, acked_items)
        total_lost += len(lost)
        total_half += len(half)
        print("round %d: killed after %d acks; edits acknowledged %d; imports acknowledged %d, stored %d, lost %d, half-written %d, revision %d, gapless %s"
              % (r + 1, kill_after, sum(map(len, acked_items.values())), len(acked), n, len(lost), len(half), rev, gapless))
        if not gapless:
            corrupt += 1
        code = srv.stop()
        if code != 0:
            print("round %d: clean stop failed with %s" % (r + 1, code))
            corrupt += 1
    shutil.rmtree(work, ignore_errors=True)
    print("%d rounds: %d lost acknowledged writes, %d half-written standards, %d corrupt opens"
          % (rounds, total_lost, total_half, corrupt))
    ok = total_lost == 0 and total_half == 0 and corrupt == 0 and len(acked) > 0
    print("%d passed, %d failed" % (1 if ok else 0, 0 if ok else 1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
