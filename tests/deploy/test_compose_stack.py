"""The stack exactly as compose.yaml configures it, without a container engine: each
service's command with its environment, its published ports, its healthcheck command
and depends_on order; then "does 义乌 conform to 金华?" through both services.

The only substitutions are the ones a container provides: paths inside the image map
to this checkout / a temporary directory, the binaries come from the build directory,
and the service name catalog-svc resolves to 127.0.0.1."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("PSS_BUILD_DIR", os.path.join(ROOT, "build"))
BIN = {"catalog-svc": os.path.join(BUILD, "catalog-svc", "catalog-svc"),
       "comparison-svc": os.path.join(BUILD, "comparison-svc", "comparison-svc"),
       "stdctl": os.path.join(BUILD, "cli", "stdctl")}


def port_free(host, port):
    with socket.socket() as s:
        return s.connect_ex((host, port)) != 0


def main():
    compose = yaml.safe_load(open(os.path.join(ROOT, "compose.yaml")))
    tmp = tempfile.mkdtemp(prefix="stack-")
    paths = {"/var/lib/pss/catalog": os.path.join(tmp, "catalog"),
             "/usr/share/pss/standards": os.path.join(ROOT, "data", "standards")}
    services = compose["services"]
    # start order from depends_on
    order, pending = [], dict(services)
    while pending:
        for name, svc in list(pending.items()):
            if all(d in order for d in (svc.get("depends_on") or {})):
                order.append(name)
                del pending[name]
    procs, ok = {}, False
    try:
        for name in order:
            svc = services[name]
            for p in svc.get("ports", []):
                host, hport, _ = p.split(":")
                if not port_free(host, int(hport)):
                    raise RuntimeError("port %s:%s is taken (stop ./scripts/up.sh first)" % (host, hport))
            env = dict(os.environ)
            for k, v in svc["environment"].items():
                v = str(v)
                for inside, outside in paths.items():
                    v = v.replace(inside, outside)
                env[k] = v.replace("catalog-svc:", "127.0.0.1:")
            cmd = [BIN[svc["command"][0]]] + svc["command"][1:]
            log = open(os.path.join(tmp, name + ".log"), "w")
            procs[name] = subprocess.Popen(cmd, env=env, stdout=log, stderr=log)
            hc = svc["healthcheck"]["test"]
            assert hc[0] == "CMD"
            probe = [BIN[hc[1]]] + hc[2:]
            for _ in range(100):
                if subprocess.run(probe, capture_output=True).returncode == 0:
                    print("%s healthy (%s)" % (name, " ".join(hc[1:])))
                    break
                if procs[name].poll() is not None:
                    raise RuntimeError("%s exited: %s" % (name, open(log.name).read()[-2000:]))
                time.sleep(0.1)
            else:
                raise RuntimeError("%s never became healthy" % name)
        catalog = services["catalog-svc"]["ports"][0].rsplit(":", 1)[0]
        comparison = services["comparison-svc"]["ports"][0].rsplit(":", 1)[0]
        out = subprocess.run([BIN["stdctl"], "--catalog", catalog, "--comparison", comparison,
                              "compare", "330782/2021", "--format", "json"], capture_output=True, text=True)
        report = json.loads(out.stdout)
        counts = report["counts"]
        print("compare 330782/2021 exit %d: ADDED %s SUPPLEMENTED %s RAISED %s REFINED %s conformant %s"
              % (out.returncode, counts.get("ADDED"), counts.get("SUPPLEMENTED"), counts.get("RAISED"),
                 counts.get("REFINED"), report["conformant"]))
        ok = (out.returncode == 0 and report["conformant"] is True and counts.get("ADDED") == 4
              and counts.get("SUPPLEMENTED") == 10 and counts.get("RAISED") == 1 and counts.get("REFINED") == 13)
    finally:
        for name in reversed(order):
            p = procs.get(name)
            if p and p.poll() is None:
                p.terminate()
                try:
                    code = p.wait(15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    code = -9
                print("%s stopped with exit code %s" % (name, code))
                ok = ok and code == 0
    print("%d passed, %d failed" % (int(ok), int(not ok)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
