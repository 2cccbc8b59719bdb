"""Reflection and health against the REAL catalog-svc: runs tests/rpc/grpc_interop.py
(list services, resolve the catalog service's file descriptors, check its methods
against proto/) with the server started on an ephemeral port."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pylib"))
import pss_testlib as lib  # noqa: E402

with tempfile.TemporaryDirectory() as d:
    srv = lib.catalog_server(os.path.join(d, "data"))
    rc = subprocess.run([sys.executable, os.path.join(HERE, "..", "rpc", "grpc_interop.py"), srv.addr,
                         "--service", "pss.catalog.v1.Catalog"]).returncode
    stop = srv.stop()
    print("interop exit %d, server exit %d" % (rc, stop))
    sys.exit(1 if rc or stop else 0)
