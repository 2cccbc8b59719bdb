"""Write authorisation through the real catalog-svc: no token, bad token, token out of
scope, token in scope — each with its status code, the store unchanged by refused
writes, and the logs naming the token id but never the secret. Then reads protected."""
import hashlib
import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
import pss_testlib as lib  # noqa: E402

lib.stubs_dir()
import grpc  # noqa: E402
from pss.catalog.v1 import catalog_pb2 as pb, catalog_pb2_grpc as pbg  # noqa: E402

T = 10
SECRETS = {"ops": "s3cret-admin-71c2", "jinhua-editor": "s3cret-jinhua-9f0e", "platform": "s3cret-reader-4a1b"}


def tokens_file(path):
    spec = {"ops": (["admin"], []), "jinhua-editor": (["editor"], ["3307"]), "platform": (["reader"], [])}
    toks = [{"id": k, "sha256": hashlib.sha256(SECRETS[k].encode()).hexdigest(), "roles": r, "scopes": s}
            for k, (r, s) in spec.items()]
    with open(path, "w") as f:
        json.dump({"tokens": toks}, f)


def md(who):
    return (("authorization", "Bearer " + SECRETS[who]),)


class AuthTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="auth-")
        tokens_file(os.path.join(cls.dir, "tokens.json"))
        cls.srv = lib.catalog_server(os.path.join(cls.dir, "data"),
                                     ["--auth-tokens", os.path.join(cls.dir, "tokens.json")])
        cls.ch = grpc.insecure_channel(cls.srv.addr)
        cls.c = pbg.CatalogStub(cls.ch)
        for code, name in (("CN", "中国"), ("330000", "浙江省"), ("330700", "金华市"), ("330782", "义乌市"),
                           ("330100", "杭州市")):
            cls.c.CreateJurisdiction(pb.CreateJurisdictionRequest(jurisdiction=pb.Jurisdiction(code=code, name=name)),
                                     timeout=T, metadata=md("ops"))
        cls.c.CreateStandard(pb.CreateStandardRequest(standard=pb.Standard(
            jurisdiction="CN", edition="2021", title="国家")), timeout=T, metadata=md("ops"))

    @classmethod
    def tearDownClass(cls):
        cls.ch.close()
        code = cls.srv.stop()
        logs = cls.srv.logs()
        shutil.rmtree(cls.dir, ignore_errors=True)
        assert code == 0, logs[-3000:]
        for s in SECRETS.values():
            assert s not in logs, "a secret appeared in the logs"
        assert '"token_id":"jinhua-editor"' in logs, "refusals must be logged with the token id"

    def rev(self):
        return self.c.GetStoreInfo(pb.GetStoreInfoRequest(), timeout=T).revision

    def refused(self, code, who, req=None, call=None):
        before = self.rev()
        req = req or pb.CreateStandardRequest(standard=pb.Standard(
            jurisdiction="330782", edition="2021", title="义乌", parent="CN/2021"))
        call = call or self.c.CreateStandard
        with self.assertRaises(grpc.RpcError) as cm:
            call(req, timeout=T, metadata=md(who) if who in SECRETS else (who or ()))
        self.assertEqual(cm.exception.code(), code, cm.exception.details())
        self.assertEqual(self.rev(), before, "a refused write changed the store")
        return cm.exception.details()

    def test_no_token(self):
        self.assertIn("bearer token", self.refused(grpc.StatusCode.UNAUTHENTICATED, None))

    def test_bad_token(self):
        self.refused(grpc.StatusCode.UNAUTHENTICATED, (("authorization", "Bearer not-a-token"),))
        self.refused(grpc.StatusCode.UNAUTHENTICATED, (("authorization", "Basic abc"),))

    def test_out_of_scope(self):
        d = self.refused(grpc.StatusCode.PERMISSION_DENIED, "jinhua-editor", pb.CreateStandardRequest(
            standard=pb.Standard(jurisdiction="330100", edition="2021", title="杭州", parent="CN/2021")))
        self.assertIn("330100", d)
        self.assertIn("jinhua-editor", d)
        # editors do not manage jurisdictions; readers do not write
        self.refused(grpc.StatusCode.PERMISSION_DENIED, "jinhua-editor",
                     pb.CreateJurisdictionRequest(jurisdiction=pb.Jurisdiction(code="330781", name="兰溪市")),
                     self.c.CreateJurisdiction)
        self.refused(grpc.StatusCode.PERMISSION_DENIED, "platform")

    def test_in_scope(self):
        before = self.rev()
        s = self.c.CreateStandard(pb.CreateStandardRequest(standard=pb.Standard(
            jurisdiction="330700", edition="2021", title="金华", parent="CN/2021")), timeout=T,
            metadata=md("jinhua-editor"))
        self.assertEqual(self.rev(), before + 1)
        self.c.WriteItems(pb.WriteItemsRequest(standard=s.id, expected_etag=s.etag, upserts=[
            pb.Item(code="J-1", domain="幼有所育", name="x")]), timeout=T, metadata=md("jinhua-editor"))
        # reads are open by default
        self.assertEqual(self.c.GetStandard(pb.GetStandardRequest(id=s.id), timeout=T).item_count, 1)


class ProtectedReadsTest(unittest.TestCase):
    def test_reads_need_a_token(self):
        d = tempfile.mkdtemp(prefix="auth-reads-")
        tokens_file(os.path.join(d, "tokens.json"))
        srv = lib.catalog_server(os.path.join(d, "data"), ["--auth-tokens", os.path.join(d, "tokens.json"),
                                                           "--auth-reads", "token"])
        try:
            c = pbg.CatalogStub(grpc.insecure_channel(srv.addr))
            with self.assertRaises(grpc.RpcError) as cm:
                c.GetStoreInfo(pb.GetStoreInfoRequest(), timeout=T)
            self.assertEqual(cm.exception.code(), grpc.StatusCode.UNAUTHENTICATED)
            self.assertEqual(c.GetStoreInfo(pb.GetStoreInfoRequest(), timeout=T, metadata=md("platform")).revision, 0)
            with self.assertRaises(grpc.RpcError) as cm:
                list(c.WatchChanges(pb.WatchChangesRequest(), timeout=T))
            self.assertEqual(cm.exception.code(), grpc.StatusCode.UNAUTHENTICATED)
        finally:
            self.assertEqual(srv.stop(), 0)
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
