"""Integration tests of the real catalog-svc through Python grpcio (stubs generated
from proto/ at test time): lifecycle, history, pagination, the change feed, and every
kind of bad input — each refused with the right code, a message naming the problem,
and the store revision unchanged."""
import os
import queue
import shutil
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
import pss_testlib as lib  # noqa: E402

lib.stubs_dir()
import grpc  # noqa: E402
from grpc.health.v1 import health_pb2, health_pb2_grpc  # noqa: E402
from pss.catalog.v1 import catalog_pb2 as pb, catalog_pb2_grpc as pbg  # noqa: E402

T = 10  # seconds per call


class CatalogTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="catalog-it-")
        cls.srv = lib.catalog_server(os.path.join(cls.dir, "data"), ["--max-message-mb", "1"])
        cls.ch = grpc.insecure_channel(cls.srv.addr)
        cls.c = pbg.CatalogStub(cls.ch)
        cls._seed()

    @classmethod
    def tearDownClass(cls):
        cls.ch.close()
        code = cls.srv.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)
        assert code == 0, "catalog-svc exit code %s\n%s" % (code, cls.srv.logs()[-4000:])

    @classmethod
    def _seed(cls):
        c = cls.c
        for code, name in (("CN", "中国"), ("330000", "浙江省"), ("330700", "金华市"),
                           ("330782", "义乌市"), ("330781", "兰溪市"), ("330100", "杭州市")):
            c.CreateJurisdiction(pb.CreateJurisdictionRequest(
                jurisdiction=pb.Jurisdiction(code=code, name=name)), timeout=T)
        s = c.CreateStandard(pb.CreateStandardRequest(standard=pb.Standard(
            jurisdiction="CN", edition="2021", title="国家基本公共服务标准（2021年版）")), timeout=T)
        items = [cls.item("N-%02d" % i, "项目%d" % i) for i in range(1, 26)]
        c.WriteItems(pb.WriteItemsRequest(standard="CN/2021", expected_etag=s.etag, upserts=items), timeout=T)
        c.PublishStandard(pb.PublishStandardRequest(id="CN/2021"), timeout=T)
        s = c.CreateStandard(pb.CreateStandardRequest(standard=pb.Standard(
            jurisdiction="330000", edition="2021", title="浙江省基本公共服务标准（2021年版）",
            parent="CN/2021")), timeout=T)
        c.WriteItems(pb.WriteItemsRequest(standard="330000/2021", expected_etag=s.etag, upserts=[
            cls.item("Z-01", "免费孕前优生健康检查", parent="N-01")]), timeout=T)
        # 浙江 implements 1 of the 25 national items: publishing is refused, store unchanged …
        before = c.GetStoreInfo(pb.GetStoreInfoRequest(), timeout=T).revision
        try:
            c.PublishStandard(pb.PublishStandardRequest(id="330000/2021"), timeout=T)
            raise AssertionError("a standard missing 24 parent items was published")
        except grpc.RpcError as e:
            assert e.code() == grpc.StatusCode.FAILED_PRECONDITION, e
            assert "24 blocking finding(s): MISSING N-02" in e.details(), e.details()
        assert c.GetStoreInfo(pb.GetStoreInfoRequest(), timeout=T).revision == before
        # … unless explicitly recorded as enacted
        c.PublishStandard(pb.PublishStandardRequest(id="330000/2021", allow_violations=True), timeout=T)

    @staticmethod
    def item(code, name, parent="", domain="幼有所育"):
        return pb.Item(code=code, parent_code=parent, domain=domain, category="优孕优生服务", name=name,
                       target=pb.Target(text="符合条件的计划怀孕夫妇", groups=[
                           pb.TargetGroup(name="计划怀孕夫妇", residency=pb.RESIDENT)]),
                       content=["健康教育", "健康检查"],
                       levels=[pb.Level(metric="检查次数", comparator=pb.GE, value=1, unit="次",
                                        direction=pb.HIGHER_IS_BETTER, text="每孩次1次")],
                       spending="地方人民政府负责", lead_department="卫生健康委")

    def rev(self):
        return self.c.GetStoreInfo(pb.GetStoreInfoRequest(), timeout=T).revision

    def refused(self, fn, req, code, *words):
        """Calls fn(req); asserts the status code, that the message names every word, and
        that the store revision did not move."""
        before = self.rev()
        with self.assertRaises(grpc.RpcError) as cm:
            fn(req, timeout=T)
        err = cm.exception
        self.assertEqual(err.code(), code, err.details())
        for w in words:
            self.assertIn(w, err.details())
        self.assertEqual(self.rev(), before, "a refused call moved the store revision")
        return err.details()

    # ---------------------------------------------------------------- happy paths

    def test_health_check(self):
        h = health_pb2_grpc.HealthStub(self.ch)
        self.assertEqual(h.Check(health_pb2.HealthCheckRequest(service=""), timeout=T).status,
                         health_pb2.HealthCheckResponse.SERVING)
        self.assertEqual(h.Check(health_pb2.HealthCheckRequest(service="pss.catalog.v1.Catalog"),
                                 timeout=T).status, health_pb2.HealthCheckResponse.SERVING)
        with self.assertRaises(grpc.RpcError) as cm:
            h.Check(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=T)
        self.assertEqual(cm.exception.code(), grpc.StatusCode.NOT_FOUND)

    def test_jurisdiction_tree(self):
        j = self.c.GetJurisdiction(pb.GetJurisdictionRequest(code="330782"), timeout=T)
        self.assertEqual((j.name, j.parent_code, j.level), ("义乌市", "330700", pb.COUNTY))
        r = self.c.ListJurisdictions(pb.ListJurisdictionsRequest(code_prefix="3307"), timeout=T)
        codes = [x.code for x in r.jurisdictions]
        self.assertEqual(codes[:3], ["330700", "330781", "330782"])  # 330783 may come from the feed test
        self.assertTrue(all(x.startswith("3307") for x in codes))

    def test_lifecycle_history_and_supersede(self):
        c = self.c
        s = c.CreateStandard(pb.CreateStandardRequest(standard=pb.Standard(
            jurisdiction="330700", edition="2021", title="金华市基本公共服务标准（2021年版）",
            parent="330000/2021")), timeout=T)
        self.assertEqual(s.status, pb.DRAFT)
        self.assertEqual(s.id, "330700/2021")
        w1 = c.WriteItems(pb.WriteItemsRequest(standard=s.id, expected_etag=s.etag, upserts=[
            self.item("J-01", "免费孕前优生健康检查", parent="Z-01"),
            self.item("J-02", "孕产妇健康服务")]), timeout=T).standard
        self.assertEqual(w1.item_count, 2)
        changed = self.item("J-01", "免费孕前优生健康检查", parent="Z-01")
        changed.content.append("公益性早期家庭教育指导")
        w2 = c.WriteItems(pb.WriteItemsRequest(standard=s.id, expected_etag=w1.etag, upserts=[changed],
                                               delete_codes=["J-02"]), timeout=T).standard
        self.assertEqual(w2.item_count, 1)
        self.assertGreater(w2.revision, w1.revision)
        # read as of the first write: two items, the old content
        old = c.GetStandard(pb.GetStandardRequest(id=s.id, revision=w1.revision, include_items=True), timeout=T)
        self.assertEqual([i.code for i in old.items], ["J-01", "J-02"])
        self.assertEqual(list(old.items[0].content), ["健康教育", "健康检查"])
        new = c.GetStandard(pb.GetStandardRequest(id=s.id, include_items=True), timeout=T)
        self.assertEqual([i.code for i in new.items], ["J-01"])
        self.assertEqual(new.items[0].content[-1], "公益性早期家庭教育指导")
        got = c.GetItem(pb.GetItemRequest(standard=s.id, code="J-02", revision=w1.revision), timeout=T)
        self.assertEqual(got.name, "孕产妇健康服务")
        p = c.PublishStandard(pb.PublishStandardRequest(id=s.id, expected_etag=w2.etag), timeout=T)
        self.assertEqual(p.status, pb.PUBLISHED)
        # the next edition supersedes it
        s2 = c.CreateStandard(pb.CreateStandardRequest(standard=pb.Standard(
            jurisdiction="330700", edition="2023", title="金华市基本公共服务标准（2023年版）",
            parent="330000/2021")), timeout=T)
        c.PublishStandard(pb.PublishStandardRequest(id=s2.id, allow_violations=True), timeout=T)
        self.assertEqual(c.GetStandard(pb.GetStandardRequest(id=s.id), timeout=T).status, pb.SUPERSEDED)
        self.assertEqual(c.GetStandard(pb.GetStandardRequest(id=s2.id), timeout=T).status, pb.PUBLISHED)
        # as of its publication it was PUBLISHED
        self.assertEqual(c.GetStandard(pb.GetStandardRequest(id=s.id, revision=p.revision), timeout=T).status,
                         pb.PUBLISHED)
        revs = c.ListRevisions(pb.ListRevisionsRequest(id=s.id), timeout=T).revisions
        self.assertEqual([r.kind for r in revs], [pb.STANDARD_CREATED, pb.ITEMS_WRITTEN, pb.ITEMS_WRITTEN,
                                                  pb.STANDARD_PUBLISHED, pb.STANDARD_PUBLISHED])
        self.assertEqual(revs[-1].status, pb.SUPERSEDED)
        # editing a published standard is refused, store unchanged
        self.refused(c.WriteItems, pb.WriteItemsRequest(standard=s2.id, expected_etag=c.GetStandard(
            pb.GetStandardRequest(id=s2.id), timeout=T).etag, upserts=[self.item("X-1", "x")]),
            grpc.StatusCode.FAILED_PRECONDITION, "330700/2023", "PUBLISHED")

    def test_pagination_across_pages(self):
        seen, token, pages = [], "", 0
        while True:
            r = self.c.ListItems(pb.ListItemsRequest(standard="CN/2021", page_size=7, page_token=token), timeout=T)
            seen += [i.code for i in r.items]
            pages += 1
            token = r.next_page_token
            if not token:
                break
        self.assertEqual(pages, 4)
        self.assertEqual(seen, ["N-%02d" % i for i in range(1, 26)])
        # the token from one query does not work for another
        r = self.c.ListItems(pb.ListItemsRequest(standard="CN/2021", page_size=7), timeout=T)
        self.refused(self.c.ListItems, pb.ListItemsRequest(standard="CN/2021", domain="学有所教",
                                                           page_token=r.next_page_token),
                     grpc.StatusCode.INVALID_ARGUMENT, "page_token")
        forged = r.next_page_token[:-2] + ("00" if r.next_page_token[-2:] != "00" else "11")
        self.refused(self.c.ListItems, pb.ListItemsRequest(standard="CN/2021", page_token=forged),
                     grpc.StatusCode.INVALID_ARGUMENT, "page_token")
        self.refused(self.c.ListItems, pb.ListItemsRequest(standard="CN/2021", page_token="zz-not-a-token"),
                     grpc.StatusCode.INVALID_ARGUMENT, "page_token")
        # standards list pages too
        ids, token = [], ""
        while True:
            r = self.c.ListStandards(pb.ListStandardsRequest(page_size=1, page_token=token), timeout=T)
            ids += [s.id for s in r.standards]
            token = r.next_page_token
            if not token:
                break
        self.assertIn("CN/2021", ids)
        self.assertEqual(len(ids), len(set(ids)))

    def test_change_feed_replay_then_live(self):
        feed = queue.Queue()
        call = self.c.WatchChanges(pb.WatchChangesRequest(after_revision=0), timeout=60)

        def reader():
            try:
                for ch in call:
                    feed.put(ch)
            except grpc.RpcError as e:
                feed.put(e)
        t = threading.Thread(target=reader, daemon=True)
        t.start()
        now = self.rev()
        got = [feed.get(timeout=T) for _ in range(now)]
        self.assertEqual([g.revision for g in got], list(range(1, now + 1)))  # gapless replay
        self.assertEqual(got[0].kind, pb.JURISDICTION_PUT)
        # a live commit arrives
        self.c.CreateJurisdiction(pb.CreateJurisdictionRequest(
            jurisdiction=pb.Jurisdiction(code="330783", name="东阳市")), timeout=T)
        live = feed.get(timeout=T)
        while live.revision <= now:  # other tests may have committed meanwhile
            live = feed.get(timeout=T)
        self.assertEqual(live.kind, pb.JURISDICTION_PUT)
        self.assertEqual(live.jurisdiction.code, "330783")
        call.cancel()
        t.join(T)

    def test_filings(self):
        c = self.c
        s = c.CreateStandard(pb.CreateStandardRequest(standard=pb.Standard(
            jurisdiction="330781", edition="2021", title="兰溪市（测试）", parent="330000/2021")), timeout=T)
        c.WriteItems(pb.WriteItemsRequest(standard=s.id, expected_etag=s.etag,
                                          upserts=[self.item("L-01", "x", parent="Z-01")]), timeout=T)
        f = c.CreateFiling(pb.CreateFilingRequest(filing=pb.Filing(
            number="兰发改备〔2021〕1号", standard=s.id, kind=pb.RAISE, authority="兰溪市发展和改革局",
            date="2021-10-28", covers=[pb.FilingScope(item_code="L-01", field="levels")])), timeout=T)
        self.assertEqual(f.standard, s.id)
        self.refused(c.CreateFiling, pb.CreateFilingRequest(filing=f), grpc.StatusCode.ALREADY_EXISTS, f.number)
        self.refused(c.CreateFiling, pb.CreateFilingRequest(filing=pb.Filing(
            number="x1", standard=s.id, kind=pb.RAISE, covers=[pb.FilingScope(item_code="NOPE")])),
            grpc.StatusCode.INVALID_ARGUMENT, "covers[0].itemCode", "NOPE")
        self.assertEqual(len(c.ListFilings(pb.ListFilingsRequest(standard=s.id), timeout=T).filings), 1)
        c.DeleteFiling(pb.DeleteFilingRequest(standard=s.id, number=f.number), timeout=T)
        self.assertEqual(len(c.ListFilings(pb.ListFilingsRequest(standard=s.id), timeout=T).filings), 0)

    # ---------------------------------------------------------------- bad input

    def test_garbage_body(self):
        raw = self.ch.unary_unary("/pss.catalog.v1.Catalog/CreateStandard")
        self.refused(raw, b"\xff\xff\xff\xff garbage", grpc.StatusCode.INVALID_ARGUMENT, "request body")

    def test_message_over_limit(self):
        big = pb.Item(code="BIG", domain="d", name="n", note="x" * (2 << 20))
        self.refused(self.c.WriteItems, pb.WriteItemsRequest(standard="CN/2021", upserts=[big]),
                     grpc.StatusCode.RESOURCE_EXHAUSTED)

    def test_unknown_standard(self):
        self.refused(self.c.GetStandard, pb.GetStandardRequest(id="330782/1999"),
                     grpc.StatusCode.NOT_FOUND, "330782/1999")

    def test_invalid_jurisdiction_code(self):
        self.refused(self.c.CreateJurisdiction, pb.CreateJurisdictionRequest(
            jurisdiction=pb.Jurisdiction(code="33078", name="x")), grpc.StatusCode.INVALID_ARGUMENT,
            "jurisdiction.code", "33078")
        self.refused(self.c.CreateStandard, pb.CreateStandardRequest(standard=pb.Standard(
            jurisdiction="ABCDEF", edition="2021", title="t", parent="CN/2021")),
            grpc.StatusCode.INVALID_ARGUMENT, "standard.jurisdiction")

    def test_parent_not_ancestor(self):
        self.c.CreateStandard  # 杭州 (330100) is not an ancestor of 义乌 (330782)
        s = self.c.ListStandards(pb.ListStandardsRequest(jurisdiction_prefix="3301"), timeout=T)
        if not s.standards:
            self.c.CreateStandard(pb.CreateStandardRequest(standard=pb.Standard(
                jurisdiction="330100", edition="2021", title="杭州", parent="330000/2021")), timeout=T)
        self.refused(self.c.CreateStandard, pb.CreateStandardRequest(standard=pb.Standard(
            jurisdiction="330782", edition="2021", title="义乌", parent="330100/2021")),
            grpc.StatusCode.INVALID_ARGUMENT, "standard.parent", "not an ancestor")

    def test_stale_etag_and_missing_etag(self):
        s = self.c.GetStandard(pb.GetStandardRequest(id="330000/2021"), timeout=T)
        d = self.c.CreateStandard(pb.CreateStandardRequest(standard=pb.Standard(
            jurisdiction="330782", edition="draft-etag", title="义乌 草稿", parent="330000/2021")), timeout=T)
        self.c.WriteItems(pb.WriteItemsRequest(standard=d.id, expected_etag=d.etag,
                                               upserts=[self.item("Y-1", "a", parent="Z-01")]), timeout=T)
        self.refused(self.c.WriteItems, pb.WriteItemsRequest(standard=d.id, expected_etag=d.etag,
                                                             upserts=[self.item("Y-2", "b")]),
                     grpc.StatusCode.ABORTED, "expected_etag")
        self.refused(self.c.WriteItems, pb.WriteItemsRequest(standard=d.id, upserts=[self.item("Y-2", "b")]),
                     grpc.StatusCode.INVALID_ARGUMENT, "expected_etag")
        self.assertTrue(s.etag)

    def test_bad_item_fields(self):
        d = self.c.CreateStandard(pb.CreateStandardRequest(standard=pb.Standard(
            jurisdiction="330782", edition="draft-items", title="义乌 草稿2", parent="330000/2021")), timeout=T)
        bad = self.item("Y-1", "a", parent="NOT-THERE")
        self.refused(self.c.WriteItems, pb.WriteItemsRequest(standard=d.id, expected_etag=d.etag, upserts=[bad]),
                     grpc.StatusCode.INVALID_ARGUMENT, "upserts[0].parentCode", "NOT-THERE")
        bad = self.item("Y-1", "a")
        bad.levels[0].comparator = pb.COMPARATOR_UNSPECIFIED
        self.refused(self.c.WriteItems, pb.WriteItemsRequest(standard=d.id, expected_etag=d.etag, upserts=[bad]),
                     grpc.StatusCode.INVALID_ARGUMENT, "upserts[0].levels[0].comparator")
        self.refused(self.c.WriteItems, pb.WriteItemsRequest(standard=d.id, expected_etag=d.etag,
                                                             upserts=[self.item("bad code!", "a")]),
                     grpc.StatusCode.INVALID_ARGUMENT, "upserts[0].code")

    def test_duplicate_create(self):
        self.refused(self.c.CreateStandard, pb.CreateStandardRequest(standard=pb.Standard(
            jurisdiction="CN", edition="2021", title="dup")), grpc.StatusCode.ALREADY_EXISTS, "CN/2021")
        self.refused(self.c.CreateJurisdiction, pb.CreateJurisdictionRequest(
            jurisdiction=pb.Jurisdiction(code="330000", name="dup")), grpc.StatusCode.ALREADY_EXISTS, "330000")

    def test_future_revision(self):
        self.refused(self.c.GetStandard, pb.GetStandardRequest(id="CN/2021", revision=10 ** 9),
                     grpc.StatusCode.OUT_OF_RANGE, "revision")

    def test_unknown_method(self):
        raw = self.ch.unary_unary("/pss.catalog.v1.Catalog/NoSuchMethod")
        with self.assertRaises(grpc.RpcError) as cm:
            raw(b"", timeout=T)
        self.assertEqual(cm.exception.code(), grpc.StatusCode.UNIMPLEMENTED)


if __name__ == "__main__":
    unittest.main(verbosity=2)
