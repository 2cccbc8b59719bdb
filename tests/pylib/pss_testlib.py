"""Shared helpers for the Python tests: stubs generated from proto/ at test time,
and the real servers started on ephemeral loopback ports.

Runs under Debian's /usr/bin/python3 (python3-grpcio, python3-protobuf)."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GRPC_PROTO = "/usr/share/grpc-proto"
_STUBS = None


def stubs_dir():
    """Generates Python stubs for our protos (and health/reflection) once per process."""
    global _STUBS
    if _STUBS:
        return _STUBS
    out = tempfile.mkdtemp(prefix="pss-stubs-")
    protos = []
    for d, _, files in os.walk(os.path.join(ROOT, "proto")):
        protos += [os.path.join(d, f) for f in files if f.endswith(".proto")]
    std = [os.path.join(GRPC_PROTO, p) for p in (
        "grpc/health/v1/health.proto", "grpc/reflection/v1alpha/reflection.proto")]
    for group, inc in ((protos, os.path.join(ROOT, "proto")), (std, GRPC_PROTO)):
        subprocess.run(["protoc", "-I" + inc, "-I" + os.path.join(ROOT, "proto"), "-I" + GRPC_PROTO,
                        "-I/usr/include", "--python_out=" + out, "--grpc_out=" + out,
                        "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin"] + group, check=True)
    sys.path.insert(0, out)
    # grpcio owns the "grpc" package: graft the generated grpc.health / grpc.reflection
    # modules onto it.
    import grpc
    grpc.__path__.append(os.path.join(out, "grpc"))
    _STUBS = out
    return out


def build_dir():
    return os.environ.get("PSS_BUILD_DIR", os.path.join(ROOT, "build"))


class Server:
    """A real service process on 127.0.0.1:0; the port is read from its 'listening' log line."""

    def __init__(self, exe, args, env=None, name="server"):
        self.log_path = tempfile.mktemp(prefix=name + "-", suffix=".log")
        self.log = open(self.log_path, "w+")
        e = dict(os.environ)
        e.update(env or {})
        self.proc = subprocess.Popen([exe] + args, stdout=subprocess.DEVNULL, stderr=self.log, env=e)
        self.port = self._wait_port()
        self.addr = "127.0.0.1:%d" % self.port

    def _wait_port(self, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited early (%s): %s" % (self.proc.returncode, self.logs()))
            for line in self.logs().splitlines():
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if rec.get("msg") == "listening":
                    return int(rec["port"])
            time.sleep(0.05)
        raise RuntimeError("server did not report its port: " + self.logs())

    def logs(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Stops the server; returns its exit code (0 = clean shutdown, no sanitizer report)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode

    def kill9(self):
        self.proc.kill()
        self.proc.wait()


def catalog_server(data_dir, extra=None, env=None, listen="127.0.0.1:0"):
    """listen: pass "127.0.0.1:<port>" to restart a stopped catalog on the same port."""
    exe = os.path.join(build_dir(), "catalog-svc", "catalog-svc")
    return Server(exe, ["--listen", listen, "--data-dir", data_dir] + (extra or []), env, "catalog")


def comparison_server(catalog_addr, extra=None, env=None, listen="127.0.0.1:0"):
    """The real comparison-svc reading from the catalog at catalog_addr."""
    exe = os.path.join(build_dir(), "comparison-svc", "comparison-svc")
    return Server(exe, ["--listen", listen, "--catalog", catalog_addr] + (extra or []), env,
                  "comparison")


def stdctl(catalog_addr, *args, check=True, timeout=120):
    """Runs the real CLI against catalog_addr; returns the CompletedProcess (text)."""
    exe = os.path.join(build_dir(), "cli", "stdctl")
    p = subprocess.run([exe, "--catalog", catalog_addr] + list(args), capture_output=True,
                       text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError("stdctl %s failed (%d): %s%s" % (" ".join(args), p.returncode, p.stdout,
                                                            p.stderr))
    return p


def fixture(name):
    """Path of a fixture standard in data/standards/ (e.g. "330782-2021.json")."""
    return os.path.join(ROOT, "data", "standards", name)
