"""comparison-svc through the real servers: a real catalog-svc holding the fixture
standards (imported with the real stdctl), a real comparison-svc reading from it, and
Python grpcio as the client. The tests run in order (names are numbered) because they
share one catalog whose state some of them change: a filing deleted and restored, a
draft added, the catalog restarted, 金华 2023 published last (it supersedes 金华 2021).
"""
import os
import shutil
import signal
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
import pss_testlib as lib  # noqa: E402

lib.stubs_dir()
import grpc  # noqa: E402
from grpc.health.v1 import health_pb2, health_pb2_grpc  # noqa: E402
from pss.catalog.v1 import catalog_pb2 as cpb, catalog_pb2_grpc as cpbg  # noqa: E402
from pss.comparison.v1 import comparison_pb2 as pb, comparison_pb2_grpc as pbg  # noqa: E402

T = 20  # seconds per call (generous: the suite also runs under ASan)
CATALOG_TIMEOUT_S = 2  # comparison-svc --catalog-timeout-ms, for callers without a deadline
CHAIN_2021 = ["CN-2021.json", "330000-2021.json", "330700-2021.json", "330781-2021.json",
              "330782-2021.json", "330783-2021.json", "330784-2021.json"]
YIWU_FILING = "义发改备〔2021〕1号"
COUNTIES = ["330781/2021", "330782/2021", "330783/2021", "330784/2021"]
# data/README.md: what each invented county leaves out
MISSING_BY_COUNTY = {"330781/2021": "污染物处理", "330783/2021": "气象安全",
                     "330784/2021": "公益假日活动、流动少年宫进农村进社区"}
T_NAME = {v.number: v.name for v in pb.FindingType.DESCRIPTOR.values}


def counts(msg):
    return dict(msg.counts)


class ComparisonTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="comparison-it-")
        cls.data = os.path.join(cls.dir, "catalog")
        cls.cat = lib.catalog_server(cls.data)
        lib.stdctl(cls.cat.addr, "import", *[lib.fixture(f) for f in CHAIN_2021])
        cls.cmp = lib.comparison_server(cls.cat.addr, ["--catalog-timeout-ms", str(CATALOG_TIMEOUT_S * 1000)])
        cls.cch = grpc.insecure_channel(cls.cat.addr)
        cls.catalog = cpbg.CatalogStub(cls.cch)
        cls.ch = grpc.insecure_channel(cls.cmp.addr)
        cls.c = pbg.ComparisonStub(cls.ch)

    @classmethod
    def tearDownClass(cls):
        cls.ch.close()
        cls.cch.close()
        code_cmp = cls.cmp.stop()
        code_cat = cls.cat.stop()
        logs = cls.cmp.logs()[-4000:], cls.cat.logs()[-4000:]
        shutil.rmtree(cls.dir, ignore_errors=True)
        assert code_cmp == 0, "comparison-svc exit code %s\n%s" % (code_cmp, logs[0])
        assert code_cat == 0, "catalog-svc exit code %s\n%s" % (code_cat, logs[1])

    def refused(self, fn, req, code, *words, timeout=T):
        with self.assertRaises(grpc.RpcError) as cm:
            fn(req, timeout=timeout)
        err = cm.exception
        self.assertEqual(err.code(), code, err.details())
        for w in words:
            self.assertIn(w, err.details())
        return err

    # ------------------------------------------------------------ 1. acceptance
    def test_01_compare_yiwu_jinhua(self):
        """Seed 001: 义乌 2021 vs 金华 2021 = 新增 4, 补充完善 10, 调高 1 (filed), 细化 13."""
        r = self.c.Compare(pb.CompareRequest(child="330782/2021"), timeout=T)
        self.assertEqual(r.child, "330782/2021")
        self.assertEqual(r.parent, "330700/2021")  # the declared parent by default
        self.assertGreater(r.child_revision, 0)
        self.assertGreater(r.parent_revision, 0)
        got = counts(r)
        self.assertEqual({k: v for k, v in got.items() if k != "INHERITED"},
                         {"ADDED": 4, "SUPPLEMENTED": 10, "RAISED": 1, "REFINED": 13})
        self.assertEqual(got.get("INHERITED"), 83)  # data/README.md
        for absent in ("MISSING", "LOWERED", "NARROWED", "CONTENT_DROPPED", "REASSIGNED"):
            self.assertNotIn(absent, got)
        self.assertTrue(all(v > 0 for v in got.values()), "only non-zero counts")
        raised = [f for f in r.findings if f.type == pb.RAISED]
        self.assertEqual(len(raised), 1)
        f = raised[0]
        self.assertEqual(f.item_name, "环境质量")
        self.assertIn("92", f.old_value)
        self.assertIn("97", f.new_value)
        self.assertEqual(f.accepted_by_filing, YIWU_FILING)
        self.assertFalse(f.blocking)
        self.assertEqual(f.rule_id, "PSS-RAISED")
        self.assertEqual(f.severity, pb.VIOLATION)
        self.assertEqual(f.child_standard, "330782/2021")
        self.assertEqual(f.parent_standard, "330700/2021")
        self.assertTrue(f.message_zh and f.message_en)
        self.assertTrue(r.conformant)
        self.assertEqual(len(r.blocking), 0)
        self.assertTrue(r.counts_by_domain)
        self.assertNotIn("INHERITED", [T_NAME[x.type] for x in r.blocking])
        # against given explicitly, at an explicit revision: same answer
        r2 = self.c.Compare(pb.CompareRequest(child="330782/2021", child_revision=r.child_revision,
                                              against="330700/2021"), timeout=T)
        self.assertEqual(counts(r2), got)

        # without the filing: non-conformant with exactly that one blocking finding
        filing = self.catalog.GetFiling(cpb.GetFilingRequest(standard="330782/2021",
                                                             number=YIWU_FILING), timeout=T)
        self.catalog.DeleteFiling(cpb.DeleteFilingRequest(standard="330782/2021",
                                                          number=YIWU_FILING), timeout=T)
        try:
            r = self.c.Compare(pb.CompareRequest(child="330782/2021"), timeout=T)
            self.assertFalse(r.conformant)
            self.assertEqual(len(r.blocking), 1)
            b = r.blocking[0]
            self.assertEqual((b.type, b.item_name, b.accepted_by_filing), (pb.RAISED, "环境质量", ""))
            self.assertTrue(b.blocking)
            self.assertEqual(counts(r), got)
        finally:
            filing.ClearField("revision")
            self.catalog.CreateFiling(cpb.CreateFilingRequest(filing=filing), timeout=T)
        r = self.c.Compare(pb.CompareRequest(child="330782/2021"), timeout=T)
        self.assertTrue(r.conformant)  # filings are read per call, never cached

    def test_02_compare_invented_counties(self):
        for county, missing in MISSING_BY_COUNTY.items():
            r = self.c.Compare(pb.CompareRequest(child=county), timeout=T)
            got = counts(r)
            for t in ("MISSING", "LOWERED", "NARROWED", "ADDED"):
                self.assertEqual(got.get(t), 1, (county, got))
            self.assertFalse(r.conformant)
            self.assertEqual(sorted(T_NAME[b.type] for b in r.blocking),
                             ["LOWERED", "MISSING", "NARROWED"])
            m = [f for f in r.findings if f.type == pb.MISSING][0]
            self.assertEqual(m.item_name, missing)
            self.assertEqual(m.child_item_code, "")

    # ------------------------------------------------------------ 2. operations
    def test_03_audit(self):
        a = self.c.Audit(pb.AuditRequest(standard="330782/2021"), timeout=T)
        self.assertEqual(list(a.chain), ["330782/2021", "330700/2021", "330000/2021", "CN/2021"])
        self.assertTrue(a.conformant)
        self.assertEqual(len(a.levels), 3)
        self.assertEqual([(l.child, l.parent) for l in a.levels],
                         [("330782/2021", "330700/2021"), ("330700/2021", "330000/2021"),
                          ("330000/2021", "CN/2021")])
        self.assertEqual(dict(a.levels[0].counts).get("RAISED"), 1)
        self.assertEqual(dict(a.levels[0].counts).get("ADDED"), 4)
        self.assertEqual(dict(a.levels[1].counts), {})  # 金华 inherits 浙江 verbatim
        self.assertEqual(dict(a.levels[2].counts).get("ADDED"), 24)  # the 浙江 additions
        self.assertTrue(all(l.conformant for l in a.levels))
        for f in a.findings:
            self.assertNotEqual(f.type, pb.INHERITED)
            self.assertEqual(f.origin, a.chain[f.level])
        self.assertEqual({f.origin for f in a.findings if f.type == pb.ADDED},
                         {"330782/2021", "330000/2021"})
        # a county with violations: blamed at its own level
        a = self.c.Audit(pb.AuditRequest(standard="330781/2021"), timeout=T)
        self.assertFalse(a.conformant)
        self.assertFalse(a.levels[0].conformant)
        self.assertEqual(len(a.levels[0].blocking), 3)
        self.assertEqual({f.origin for f in a.findings if f.blocking}, {"330781/2021"})

    def test_04_resolve(self):
        e = self.c.Resolve(pb.ResolveRequest(standard="330782/2021"), timeout=T)
        self.assertEqual(e.standard, "330782/2021")
        self.assertEqual(list(e.chain), ["330782/2021", "330700/2021", "330000/2021", "CN/2021"])
        self.assertEqual(len(e.items), 108)
        for it in e.items:
            self.assertTrue(it.sources, it.item.code)
            for s in it.sources:
                self.assertIn(s.standard, e.chain)
                self.assertTrue(s.jurisdiction and s.revision > 0)
        by_name = {it.item.name: it for it in e.items}
        env = by_name["环境质量"]
        self.assertEqual(env.item.code, "YW-11.3.1")
        src = {s.field: s for s in env.sources}
        self.assertEqual(src["levels"].standard, "330782/2021")  # raised by 义乌
        self.assertEqual(src["levels"].jurisdiction, "330782")
        self.assertEqual(src["content"].standard, "330000/2021")  # 浙江 addition (事有所便)
        vac = by_name["预防接种"]  # a national item nobody changed
        src = {s.field: s for s in vac.sources}
        self.assertEqual(src["content"].standard, "CN/2021")
        self.assertEqual(src["content"].jurisdiction, "CN")
        # a bare jurisdiction code names its PUBLISHED standard
        e2 = self.c.Resolve(pb.ResolveRequest(standard="330782"), timeout=T)
        self.assertEqual(e2.standard, "330782/2021")
        self.assertEqual(len(e2.items), len(e.items))

    def coverage(self, **kw):
        return self.c.Coverage(pb.CoverageRequest(parent="330700/2021", **kw), timeout=T)

    def test_05_coverage(self):
        full = self.coverage(page_size=500)
        self.assertEqual(full.parent, "330700/2021")
        self.assertEqual(list(full.descendants), COUNTIES)
        self.assertEqual(len(full.rows), 104)
        self.assertEqual(full.next_page_token, "")
        for row in full.rows:
            self.assertEqual([c.standard for c in row.cells], COUNTIES)
        per = {c: {} for c in COUNTIES}
        for row in full.rows:
            for cell in row.cells:
                for t in cell.types:
                    per[cell.standard][T_NAME[t]] = per[cell.standard].get(T_NAME[t], 0) + 1
        for county in MISSING_BY_COUNTY:
            for t in ("MISSING", "LOWERED", "NARROWED"):
                self.assertEqual(per[county].get(t), 1, (county, t, per[county]))
        self.assertEqual(per["330782/2021"].get("RAISED"), 1)
        for t in ("MISSING", "LOWERED", "NARROWED"):
            self.assertNotIn(t, per["330782/2021"])

        # filter by MISSING: one row per county that leaves an item out
        m = self.coverage(types=[pb.MISSING])
        self.assertEqual(sorted(r.item_name for r in m.rows), sorted(MISSING_BY_COUNTY.values()))
        for row in m.rows:
            cells = {c.standard: c for c in row.cells}
            county = [k for k, v in MISSING_BY_COUNTY.items() if v == row.item_name][0]
            self.assertEqual(list(cells[county].types), [pb.MISSING])
            self.assertTrue(cells[county].blocking)
            self.assertEqual(list(cells[county].child_item_codes), [])
            self.assertFalse(cells["330782/2021"].blocking)
            self.assertTrue(cells["330782/2021"].child_item_codes)

        # pagination: every page in order, nothing lost or repeated
        rows, token, pages = [], "", 0
        while True:
            p = self.coverage(page_size=40, page_token=token)
            pages += 1
            rows += [r.parent_item_code for r in p.rows]
            token = p.next_page_token
            if not token:
                break
            self.assertLess(pages, 10)
        self.assertEqual(pages, 3)
        self.assertEqual(rows, [r.parent_item_code for r in full.rows])
        names, token, pages = [], "", 0
        while True:
            p = self.coverage(types=[pb.MISSING], page_size=1, page_token=token)
            pages += 1
            names += [r.item_name for r in p.rows]
            token = p.next_page_token
            if not token:
                break
        self.assertEqual((pages, names), (3, [r.item_name for r in m.rows]))

        # tokens are checked
        first = self.coverage(page_size=40)
        tok = first.next_page_token
        forged = tok[:-1] + ("0" if tok[-1] != "0" else "1")
        self.refused(self.c.Coverage, pb.CoverageRequest(parent="330700/2021", page_token=forged),
                     grpc.StatusCode.INVALID_ARGUMENT, "page_token")
        self.refused(self.c.Coverage, pb.CoverageRequest(parent="330700/2021", page_token="garbage"),
                     grpc.StatusCode.INVALID_ARGUMENT, "page_token")
        self.refused(self.c.Coverage, pb.CoverageRequest(parent="330700/2021", page_token=tok,
                                                         types=[pb.LOWERED]),
                     grpc.StatusCode.INVALID_ARGUMENT, "page_token")
        self.refused(self.c.Coverage, pb.CoverageRequest(parent="330700/2021", page_size=-1),
                     grpc.StatusCode.INVALID_ARGUMENT, "page_size")
        self.refused(self.c.Coverage, pb.CoverageRequest(parent="330700/2021", types=[99]),
                     grpc.StatusCode.INVALID_ARGUMENT, "types")

    def test_06_impact(self):
        """A 金华 draft that drops 污染物处理 breaks every county that implements it."""
        jh = self.catalog.GetStandard(cpb.GetStandardRequest(id="330700/2021", include_items=True),
                                      timeout=T)
        dropped = [i for i in jh.items if i.name == "污染物处理"][0]
        items = [i for i in jh.items if i.code != dropped.code]
        for i in items:
            i.ClearField("revision")
        self.catalog.ImportStandard(cpb.ImportStandardRequest(standard=cpb.Standard(
            jurisdiction="330700", edition="2024-draft", title="金华市基本公共服务标准（草案）",
            parent="330000/2021", items=items),
            # (non-empty: catalog-svc's ImportStandard memcpy()s from a NULL list otherwise,
            # which UBSan aborts on — reported to the lead)
            jurisdictions=[cpb.Jurisdiction(code="330700", name="金华市")]), timeout=T)
        res = self.c.Impact(pb.ImpactRequest(parent="330700/2024-draft"), timeout=T)
        self.assertEqual(res.parent, "330700/2024-draft")
        self.assertEqual(sorted(res.checked), COUNTIES)
        impacted = {i.standard: i for i in res.impacted}
        # 兰溪 already leaves 污染物处理 out: the draft puts it in no new violation
        self.assertEqual(sorted(impacted), ["330782/2021", "330783/2021", "330784/2021"])
        for std, im in impacted.items():
            self.assertTrue(im.blocking)
            for f in im.blocking:
                self.assertTrue(f.blocking)
                self.assertEqual(f.parent_item_code, dropped.code)
                self.assertEqual(f.parent_standard, "330700/2024-draft")
        # the unchanged published parent puts nobody in a new violation
        res = self.c.Impact(pb.ImpactRequest(parent="330700/2021"), timeout=T)
        self.assertEqual(sorted(res.checked), COUNTIES)
        self.assertEqual(len(res.impacted), 0)

    # ------------------------------------------------------------ 4. bad input
    def test_07_bad_input(self):
        IA, NF = grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND
        self.refused(self.c.Compare, pb.CompareRequest(child=""), IA, "child")
        self.refused(self.c.Compare, pb.CompareRequest(child="330782-2021"), IA, "child")
        self.refused(self.c.Compare, pb.CompareRequest(child="12/2021"), IA, "child")
        self.refused(self.c.Compare, pb.CompareRequest(child="330782/2021", against="x"), IA, "against")
        self.refused(self.c.Compare, pb.CompareRequest(child="330782/2099"), NF, "330782/2099")
        self.refused(self.c.Compare, pb.CompareRequest(child="330782/2021", against="330700/2099"),
                     NF, "330700/2099")
        self.refused(self.c.Compare, pb.CompareRequest(child="CN/2021"), IA, "against")
        self.refused(self.c.Audit, pb.AuditRequest(standard=""), IA, "standard")
        self.refused(self.c.Audit, pb.AuditRequest(standard="CN/2021"), IA, "standard")
        self.refused(self.c.Resolve, pb.ResolveRequest(standard="99"), IA, "standard")
        self.refused(self.c.Resolve, pb.ResolveRequest(standard="330100"), NF, "330100")
        self.refused(self.c.CompareEditions, pb.CompareEditionsRequest(**{"from": "330700/2021"}),
                     IA, "to")
        self.refused(self.c.CompareEditions, pb.CompareEditionsRequest(**{"from": "330700/2021",
                                                                          "to": "330782/2021"}),
                     IA, "to")
        self.refused(self.c.Coverage, pb.CoverageRequest(parent=""), IA, "parent")
        self.refused(self.c.Impact, pb.ImpactRequest(parent="bad"), IA, "parent")
        self.refused(self.c.Impact, pb.ImpactRequest(parent="330700/2099"), NF, "330700/2099")

    def test_08_deadline_and_health(self):
        t0 = time.time()
        # a deadline already past: a Compare served from comparison-svc's caches answers
        # within 1 ms (gRPC rounds deadlines up to the millisecond), so a short timeout no
        # longer fails reliably; the server-side deadline is covered by test_08b
        self.refused(self.c.Compare, pb.CompareRequest(child="330782/2021"),
                     grpc.StatusCode.DEADLINE_EXCEEDED, timeout=-1)
        self.assertLess(time.time() - t0, 5)
        h = health_pb2_grpc.HealthStub(self.ch)
        self.assertEqual(h.Check(health_pb2.HealthCheckRequest(service="pss.comparison.v1.Comparison"),
                                 timeout=T).status, health_pb2.HealthCheckResponse.SERVING)

    def test_08b_deadline_propagated_to_a_hung_catalog(self):
        """catalog-svc frozen (SIGSTOP): the caller's deadline bounds the catalog call; a
        caller without a deadline gets --catalog-timeout-ms, then UNAVAILABLE. Never a hang."""
        os.kill(self.cat.proc.pid, signal.SIGSTOP)
        # kill() returns before every thread of the process has stopped: wait until
        # the kernel reports it stopped, or a loaded machine lets it answer once more
        for _ in range(200):
            with open("/proc/%d/stat" % self.cat.proc.pid) as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "T":
                    break
            time.sleep(0.01)
        try:
            t0 = time.time()
            self.refused(self.c.Compare, pb.CompareRequest(child="330781/2021"),
                         grpc.StatusCode.DEADLINE_EXCEEDED, timeout=1.0)
            self.assertLess(time.time() - t0, 3)
            t0 = time.time()
            self.refused(self.c.Compare, pb.CompareRequest(child="330781/2021"),
                         grpc.StatusCode.UNAVAILABLE, "catalog-svc at %s" % self.cat.addr,
                         timeout=None)
            took = time.time() - t0
            # bounded by --catalog-timeout-ms; sooner when the channel already knows the
            # catalog is unreachable (a never-completed handshake fails fast)
            self.assertLess(took, CATALOG_TIMEOUT_S + 3)
        finally:
            os.kill(self.cat.proc.pid, signal.SIGCONT)
        # comparison-svc itself saw the caller's deadline pass while waiting for the catalog
        # (it answered, rather than the client giving up on it)
        deadline = time.time() + 5
        while "deadline exceeded while waiting for catalog-svc" not in self.cmp.logs():
            self.assertLess(time.time(), deadline, self.cmp.logs()[-2000:])
            time.sleep(0.1)
        # once the catalog runs again, calls succeed (after at most one reconnect backoff)
        end = time.time() + 10
        while True:
            try:
                r = self.c.Compare(pb.CompareRequest(child="330781/2021"), timeout=T)
                break
            except grpc.RpcError as e:
                if e.code() != grpc.StatusCode.UNAVAILABLE or time.time() > end:
                    raise
                time.sleep(0.2)
        self.assertFalse(r.conformant)

    # ------------------------------------------------------------ 3. catalog down
    def test_09_catalog_down_and_back(self):
        port = self.cat.port
        self.assertEqual(self.cat.stop(), 0, self.cat.logs()[-3000:])
        cls = type(self)
        try:
            t0 = time.time()
            err = self.refused(self.c.Compare, pb.CompareRequest(child="330782/2021"),
                               grpc.StatusCode.UNAVAILABLE, "catalog-svc at 127.0.0.1:%d" % port,
                               "unavailable", timeout=10)
            self.assertLess(time.time() - t0, 10, err.details())
            # a caller's short deadline is kept even while the catalog is away
            t0 = time.time()
            with self.assertRaises(grpc.RpcError) as cm:
                self.c.Audit(pb.AuditRequest(standard="330782/2021"), timeout=0.5)
            self.assertIn(cm.exception.code(), (grpc.StatusCode.UNAVAILABLE,
                                                grpc.StatusCode.DEADLINE_EXCEEDED))
            self.assertLess(time.time() - t0, 3)
        finally:
            cls.cat = lib.catalog_server(self.data, listen="127.0.0.1:%d" % port)
        self.assertEqual(cls.cat.port, port)
        t0, last = time.time(), None
        while time.time() - t0 < 15:
            try:
                r = self.c.Compare(pb.CompareRequest(child="330782/2021"), timeout=5)
                break
            except grpc.RpcError as e:
                last = e
                time.sleep(0.2)
        else:
            self.fail("comparison-svc did not recover: %s" % (last and last.details()))
        self.assertLess(time.time() - t0, 5, "recovered, but slowly")
        print("\n  catalog down: %r; recovered in %.2f s" % (err.details(), time.time() - t0),
              file=sys.stderr)
        self.assertTrue(r.conformant)

    # ------------------------------------------------------------ editions (last:
    # publishing 金华 2023 supersedes 金华 2021)
    def test_10_compare_editions(self):
        lib.stdctl(self.cat.addr, "import", lib.fixture("330700-2023.json"))
        d = self.c.CompareEditions(pb.CompareEditionsRequest(**{"from": "330700/2021",
                                                                "to": "330700/2023"}), timeout=T)
        self.assertEqual((getattr(d, "from"), d.to), ("330700/2021", "330700/2023"))
        got = {k: v for k, v in counts(d).items() if k != "UNCHANGED"}
        self.assertEqual(got, {"ITEM_ADDED": 1, "ITEM_REMOVED": 1, "LEVEL_RAISED": 1,
                               "CONTENT_REWORDED": 1, "LEAD_DEPARTMENT_CHANGED": 1}, d.changes)
        self.assertEqual(len(d.changes), 5)
        by = {pb.EditionChangeType.Name(c.type): c for c in d.changes}
        self.assertEqual(by["ITEM_ADDED"].item_name, "普惠托育服务")
        self.assertEqual(by["ITEM_ADDED"].item_code, "JH-1.2.4")
        self.assertEqual(by["ITEM_REMOVED"].item_code, "JH-9.1.4")
        self.assertIn("98", by["LEVEL_RAISED"].old_value)
        self.assertIn("99", by["LEVEL_RAISED"].new_value)
        self.assertEqual(by["LEAD_DEPARTMENT_CHANGED"].field, "lead_department")
        self.assertEqual(counts(d)["UNCHANGED"], 104 - 4)
        # now 金华's published standard is 2023; 2021 is superseded but still comparable
        self.assertEqual(self.c.Resolve(pb.ResolveRequest(standard="330700"), timeout=T).standard,
                         "330700/2023")
        r = self.c.Compare(pb.CompareRequest(child="330782/2021"), timeout=T)
        self.assertEqual(counts(r).get("ADDED"), 4)
        r = self.c.Compare(pb.CompareRequest(child="330700/2023"), timeout=T)
        self.assertEqual(r.parent, "330000/2021")
        self.assertTrue(r.conformant)  # the raise and the exemption are filed


class ProtectedReadsTest(unittest.TestCase):
    """A catalog that protects reads: comparison-svc reads with its reader token
    (COMPARISON_CATALOG_TOKEN); without one the caller gets INTERNAL naming the flag."""

    def test_reader_token(self):
        d = tempfile.mkdtemp(prefix="comparison-auth-")
        tokens = os.path.join(d, "tokens.json")
        with open(tokens, "w") as f:
            import hashlib
            import json
            h = lambda s: hashlib.sha256(s.encode()).hexdigest()  # noqa: E731
            json.dump({"tokens": [{"id": "ops", "sha256": h("ops-secret"), "roles": ["admin"]},
                                  {"id": "cmp", "sha256": h("cmp-secret"), "roles": ["reader"]}]}, f)
        cat = lib.catalog_server(os.path.join(d, "data"),
                                 ["--auth-tokens", tokens, "--auth-reads", "token"])
        servers = [cat]
        try:
            lib.stdctl(cat.addr, "--token", "ops-secret", "import",
                       lib.fixture("CN-2021.json"), lib.fixture("330000-2021.json"))
            good = lib.comparison_server(cat.addr, env={"COMPARISON_CATALOG_TOKEN": "cmp-secret"})
            servers.append(good)
            bad = lib.comparison_server(cat.addr, env={"COMPARISON_CATALOG_TOKEN": ""})
            servers.append(bad)
            with grpc.insecure_channel(good.addr) as ch:
                r = pbg.ComparisonStub(ch).Compare(pb.CompareRequest(child="330000/2021"), timeout=T)
                self.assertEqual(counts(r).get("ADDED"), 24)
            with grpc.insecure_channel(bad.addr) as ch:
                with self.assertRaises(grpc.RpcError) as cm:
                    pbg.ComparisonStub(ch).Compare(pb.CompareRequest(child="330000/2021"), timeout=T)
                self.assertEqual(cm.exception.code(), grpc.StatusCode.INTERNAL)
                self.assertIn("--catalog-token", cm.exception.details())
        finally:
            codes = [(s.stop(), s.logs()[-2000:]) for s in reversed(servers)]
            shutil.rmtree(d, ignore_errors=True)
        for code, logs in codes:
            self.assertEqual(code, 0, logs)


if __name__ == "__main__":
    unittest.main(verbosity=2)
