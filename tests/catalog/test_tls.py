"""TLS and mTLS with certificates generated at test time (openssl): clients to both
services, and comparison-svc to catalog-svc. A plaintext client is refused by a TLS
server; under mTLS a client without a certificate (or with one from another CA) is
refused, and one with a certificate from the configured CA is served."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
import pss_testlib as lib  # noqa: E402

lib.stubs_dir()
import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402
from pss.catalog.v1 import catalog_pb2 as pb, catalog_pb2_grpc as pbg  # noqa: E402
from pss.comparison.v1 import comparison_pb2 as cpb, comparison_pb2_grpc as cpbg  # noqa: E402

T = 10


def sh(*args):
    subprocess.run(args, check=True, capture_output=True)


def make_pki(d):
    """ca -> server (localhost, 127.0.0.1), ca -> client; other-ca -> rogue client."""
    for ca in ("ca", "other-ca"):
        sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=pss test " + ca,
           "-keyout", os.path.join(d, ca + ".key"), "-out", os.path.join(d, ca + ".pem"))
    for name, ca, ext in (("server", "ca", "subjectAltName=DNS:localhost,IP:127.0.0.1"),
                          ("client", "ca", "extendedKeyUsage=clientAuth"),
                          ("rogue", "other-ca", "extendedKeyUsage=clientAuth")):
        key, csr, pem = (os.path.join(d, name + x) for x in (".key", ".csr", ".pem"))
        sh("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name, "-keyout", key, "-out", csr)
        extf = os.path.join(d, name + ".ext")
        with open(extf, "w") as f:
            f.write(ext + "\n")
        sh("openssl", "x509", "-req", "-in", csr, "-CA", os.path.join(d, ca + ".pem"), "-CAkey",
           os.path.join(d, ca + ".key"), "-CAcreateserial", "-days", "2", "-out", pem, "-extfile", extf)


def read(d, n):
    with open(os.path.join(d, n), "rb") as f:
        return f.read()


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = tempfile.mkdtemp(prefix="tls-")
        make_pki(cls.d)
        p = lambda n: os.path.join(cls.d, n)  # noqa: E731
        cls.mtls_args = ["--tls-cert", p("server.pem"), "--tls-key", p("server.key"), "--tls-client-ca", p("ca.pem")]
        cls.catalog = lib.catalog_server(p("data"), cls.mtls_args)
        cls.comparison = lib.comparison_server(
            "localhost:%d" % cls.catalog.port,
            ["--tls-cert", p("server.pem"), "--tls-key", p("server.key"),
             "--catalog-tls-ca", p("ca.pem"), "--catalog-tls-cert", p("client.pem"),
             "--catalog-tls-key", p("client.key")])

    @classmethod
    def tearDownClass(cls):
        codes = (cls.comparison.stop(), cls.catalog.stop())
        shutil.rmtree(cls.d, ignore_errors=True)
        assert codes == (0, 0), (codes, cls.comparison.logs()[-3000:], cls.catalog.logs()[-3000:])

    def creds(self, client="client"):
        if client is None:
            return grpc.ssl_channel_credentials(root_certificates=read(self.d, "ca.pem"))
        return grpc.ssl_channel_credentials(root_certificates=read(self.d, "ca.pem"),
                                            private_key=read(self.d, client + ".key"),
                                            certificate_chain=read(self.d, client + ".pem"))

    def stub(self, port, creds):
        return pbg.CatalogStub(grpc.secure_channel("localhost:%d" % port, creds))

    def test_mtls_client_with_certificate(self):
        c = self.stub(self.catalog.port, self.creds())
        self.assertEqual(c.GetStoreInfo(pb.GetStoreInfoRequest(), timeout=T).map_max_bytes > 0, True)

    def test_mtls_refuses_client_without_certificate(self):
        for creds in (self.creds(None), self.creds("rogue")):
            with self.assertRaises(grpc.RpcError) as cm:
                self.stub(self.catalog.port, creds).GetStoreInfo(pb.GetStoreInfoRequest(), timeout=T)
            self.assertEqual(cm.exception.code(), grpc.StatusCode.UNAVAILABLE)

    def test_plaintext_client_refused(self):
        c = pbg.CatalogStub(grpc.insecure_channel("127.0.0.1:%d" % self.catalog.port))
        with self.assertRaises(grpc.RpcError) as cm:
            c.GetStoreInfo(pb.GetStoreInfoRequest(), timeout=T)
        self.assertEqual(cm.exception.code(), grpc.StatusCode.UNAVAILABLE)

    def test_compare_over_tls_and_mtls(self):
        c = self.stub(self.catalog.port, self.creds())
        for name in ("CN-2021.json", "330000-2021.json", "330700-2021.json", "330782-2021.json"):
            with open(lib.fixture(name), encoding="utf-8") as f:
                req = json_format.Parse(f.read(), pb.ImportStandardRequest())
            c.ImportStandard(req, timeout=T)
        # comparison-svc serves TLS (no client cert needed) and reads the catalog over mTLS
        cmp = cpbg.ComparisonStub(grpc.secure_channel("localhost:%d" % self.comparison.port, self.creds(None)))
        r = cmp.Compare(cpb.CompareRequest(child="330782/2021"), timeout=T)
        self.assertEqual((r.counts["ADDED"], r.counts["SUPPLEMENTED"], r.counts["RAISED"], r.counts["REFINED"]),
                         (4, 10, 1, 13))
        self.assertTrue(r.conformant)
        # stdctl over TLS to comparison-svc and mTLS to catalog-svc
        stdctl = os.path.join(lib.build_dir(), "cli", "stdctl")
        tls = ["--tls-ca", os.path.join(self.d, "ca.pem"), "--tls-cert", os.path.join(self.d, "client.pem"),
               "--tls-key", os.path.join(self.d, "client.key")]
        out = subprocess.run([stdctl, "--catalog", "localhost:%d" % self.catalog.port, "--comparison",
                              "localhost:%d" % self.comparison.port] + tls + ["compare", "330782/2021"],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn('"ADDED": 4', out.stdout)
        out = subprocess.run([stdctl, "--catalog", "localhost:%d" % self.catalog.port, "health"],
                             capture_output=True, text=True, timeout=60)
        self.assertNotEqual(out.returncode, 0)  # plaintext to an mTLS server fails


class TlsConfigTest(unittest.TestCase):
    def test_bad_certificate_path_fails_loudly(self):
        d = tempfile.mkdtemp(prefix="tls-bad-")
        try:
            r = subprocess.run([os.path.join(lib.build_dir(), "catalog-svc", "catalog-svc"), "--listen",
                                "127.0.0.1:0", "--data-dir", os.path.join(d, "data"), "--tls-cert",
                                os.path.join(d, "missing.pem"), "--tls-key", os.path.join(d, "missing.key")],
                               capture_output=True, text=True, timeout=30)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("missing.pem", r.stderr)
        finally:
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
