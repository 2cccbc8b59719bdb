#!/usr/bin/env python3
"""run.py — the whole benchmark of issue 6 in one run (started by bench/run.sh).

1. generates the country-scale dataset (bench/gen_dataset.py, cached by seed) and imports it
   into a fresh catalog-svc with bench_import (timed);
2. restarts catalog-svc on that store and starts, with the same --threads, the echo server on
   our RPC layer, the libgrpc++ async echo server and comparison-svc;
3. drives them alternately (echo, C++ echo, GetItem, GetStandard, then again …) with h2load
   and bench_loadgen at concurrency 1, 8 and 32, `--repeats` times; reports the median of
   calls/s, p50/p99 latency and server CPU per call (/proc/PID/stat utime+stime delta ÷
   server-side successful calls);
4. times Compare (engine and end to end), the transitive Audit of every standard (engine and
   end to end), Coverage of one province, and reads peak RSS (VmHWM) and the LMDB size.
Prints a table and writes bench/results.json (or --out). Every server listens on 127.0.0.1."""
import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TICK = os.sysconf("SC_CLK_TCK")


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return int(parts[11]) + int(parts[12])  # utime, stime (fields 14, 15)


def vm(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])  # kB
    return 0


class Proc:
    """A server on 127.0.0.1:0; the port comes from its JSON 'listening' log line."""

    def __init__(self, name, argv, workdir):
        self.name = name
        self.log_path = os.path.join(workdir, name + ".log")
        self.log = open(self.log_path, "w+")
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=self.log)
        self.pid = self.proc.pid
        end = time.time() + 30
        self.port = None
        while time.time() < end and self.port is None:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited: %s" % (name, open(self.log_path).read()))
            for line in open(self.log_path):
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if rec.get("msg") == "listening":
                    self.port = int(rec["port"])
            time.sleep(0.05)
        if self.port is None:
            raise RuntimeError(name + " did not report its port")
        self.addr = "127.0.0.1:%d" % self.port

    def failed_calls(self):
        """Calls the RPC layer logged as failed (it logs every non-OK status)."""
        n = 0
        for line in open(self.log_path):
            if '"call failed"' in line:
                n += 1
        return n

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def run_json(argv, timeout=600):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s %s" % (argv[0], p.returncode, p.stdout, p.stderr))
    return json.loads(p.stdout.strip().splitlines()[-1])


def pct(sorted_vals, p):
    if not sorted_vals:
        return 0
    return sorted_vals[min(len(sorted_vals) - 1, int((len(sorted_vals) - 1) * p))]


def main():
    ap = argparse.ArgumentParser(description="issue 6 benchmark")
    ap.add_argument("--build", default=os.path.join(ROOT, "build-bench"))
    ap.add_argument("--out", default=os.path.join(HERE, "results.json"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2, help="server worker threads (all servers)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--duration", type=float, default=2.0, help="seconds per load run")
    ap.add_argument("--concurrency", default="1,8,32")
    ap.add_argument("--import-threads", type=int, default=4)
    ap.add_argument("--audit-threads", type=int, default=4)
    ap.add_argument("--skip-load", action="store_true")
    a = ap.parse_args()
    B = a.build
    exe = {k: os.path.join(B, v) for k, v in {
        "catalog": "catalog-svc/catalog-svc", "comparison": "comparison-svc/comparison-svc",
        "echo": "bench/bench_echo_server", "echo_cxx": "bench/bench_echo_server_cxx",
        "loadgen": "bench/bench_loadgen", "import": "bench/bench_import",
        "compare": "bench/bench_compare"}.items()}
    have_cxx = os.path.exists(exe["echo_cxx"])
    have_h2load = shutil.which("h2load") is not None
    work = tempfile.mkdtemp(prefix="pss-bench-")
    procs = []
    R = {"machine": machine(), "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
         "loadavg_start": loadavg(), "settings": vars(a)}

    try:
        # ---------------------------------------------------------------- dataset
        ds = os.path.join(B, "dataset")
        man_path = os.path.join(ds, "manifest.json")
        man = json.load(open(man_path)) if os.path.exists(man_path) else {}
        t0 = time.time()
        if man.get("seed") != a.seed or not os.path.exists(os.path.join(ds, "country.jsonl")):
            subprocess.run([sys.executable, os.path.join(HERE, "gen_dataset.py"), "--seed", str(a.seed),
                            "--out", ds], check=True, stdout=subprocess.DEVNULL)
            man = json.load(open(man_path))
            R["dataset_generate_s"] = round(time.time() - t0, 2)
        ids_file = os.path.join(work, "ids.txt")
        with open(ids_file, "w") as f:
            for lv in ("national", "province", "city", "county"):
                for sid in man["levels"][lv]:
                    f.write(sid + "\n")
        R["dataset"] = {"seed": a.seed, "standards": man["standards"], "items": man["items"],
                        "per_level": {k: len(v) for k, v in man["levels"].items()},
                        "jsonl_bytes": os.path.getsize(os.path.join(ds, "country.jsonl")),
                        "deviations": man["deviations"], "sample_county": man["sample_county"],
                        "sample_county_items": man["sample_county_items"],
                        "sample_province": man["sample_province"],
                        "sample_province_descendants": man["sample_province_descendants"]}
        log("dataset: %d standards, %d items" % (man["standards"], man["items"]))

        # ---------------------------------------------------------------- import
        data_dir = os.path.join(work, "catalog")
        os.makedirs(data_dir)
        cat = Proc("catalog-import", [exe["catalog"], "--listen", "127.0.0.1:0", "--data-dir", data_dir,
                                      "--threads", str(a.threads)], work)
        c0, la = cpu_ticks(cat.pid), loadavg()
        imp = run_json([exe["import"], "--target", cat.addr, "--file", os.path.join(ds, "country.jsonl"),
                        "--threads", str(a.import_threads)], timeout=900)
        imp["server_cpu_s"] = round((cpu_ticks(cat.pid) - c0) / TICK, 2)
        imp["server_vmhwm_mb"] = round(vm(cat.pid, "VmHWM") / 1024, 1)
        imp["loadavg_before"] = la
        cat.stop()
        imp["lmdb_data_mdb_bytes"] = os.path.getsize(os.path.join(data_dir, "data.mdb"))
        R["import"] = imp
        log("import: %.1f s (%d standards, %d errors)" % (imp["seconds"], imp["standards"], imp["errors"]))

        # ---------------------------------------------------------------- servers
        cat = Proc("catalog", [exe["catalog"], "--listen", "127.0.0.1:0", "--data-dir", data_dir,
                               "--threads", str(a.threads)], work)
        procs.append(cat)
        echo = Proc("echo", [exe["echo"], "--threads", str(a.threads), "--count-file",
                             os.path.join(work, "echo.count")], work)
        procs.append(echo)
        servers = {"echo": echo}
        if have_cxx:
            cxx = Proc("echo_cxx", [exe["echo_cxx"], "--threads", str(a.threads), "--count-file",
                                    os.path.join(work, "echo_cxx.count")], work)
            procs.append(cxx)
        cmp = Proc("comparison", [exe["comparison"], "--listen", "127.0.0.1:0", "--catalog", cat.addr,
                                  "--threads", str(a.threads)], work)
        procs.append(cmp)

        county, item = man["sample_county"], man["sample_item"]
        targets = [("echo", echo, "echo", [], os.path.join(work, "echo.count"))]
        if have_cxx:
            targets.append(("echo_cxx", cxx, "echo", [], os.path.join(work, "echo_cxx.count")))
        targets += [("getitem", cat, "getitem", ["--standard", county, "--item", item], None),
                    ("getstandard", cat, "getstandard", ["--standard", county], None)]
        bodies = {}
        for name, srv, method, extra, _ in targets:
            body = os.path.join(work, name + ".body")
            path = subprocess.run([exe["loadgen"], "--method", method, "--write-body", body] + extra,
                                  check=True, capture_output=True, text=True).stdout.strip()
            bodies[name] = (body, path)

        # ---------------------------------------------------------------- load
        concs = [int(x) for x in a.concurrency.split(",")]
        tools = ["loadgen"] + (["h2load"] if have_h2load else [])
        runs = []
        if not a.skip_load:
            for rep in range(a.repeats):
                for conc in concs:
                    conns = 1 if conc == 1 else (2 if conc <= 8 else 4)
                    for tool in tools:
                        for name, srv, method, extra, count_file in targets:  # A B A B …
                            r = load_run(a, exe, tool, name, srv, method, extra, count_file, conc, conns,
                                         bodies[name], work)
                            r.update({"rep": rep, "target": name, "tool": tool, "concurrency": conc,
                                      "connections": conns})
                            runs.append(r)
                            log("%-8s %-12s c=%-3d rep=%d  %9.0f calls/s  p50 %6d us  p99 %7d us  cpu/call %6.1f us"
                                % (tool, name, conc, rep, r["calls_per_s"], r["p50_us"], r["p99_us"],
                                   r["server_cpu_us_per_call"]))
        R["load_runs"] = runs
        R["load"] = summarise(runs)

        # ---------------------------------------------------------------- comparison timings
        la = loadavg()
        R["compare_engine"] = run_json([exe["compare"], "engine-compare", "--catalog", cat.addr,
                                        "--child", county, "--iters", "500"])
        R["compare_e2e"] = run_json([exe["compare"], "e2e-compare", "--comparison", cmp.addr,
                                     "--child", county, "--iters", "200"])
        log("compare %s: engine median %.0f us, end to end median %.0f us"
            % (county, R["compare_engine"]["median_us"], R["compare_e2e"]["median_us"]))
        R["audit_e2e"] = run_json([exe["compare"], "e2e-audit", "--comparison", cmp.addr, "--ids", ids_file,
                                   "--threads", str(a.audit_threads), "--rounds", "2"], timeout=1800)
        log("audit e2e: %s" % ", ".join("%.2f s" % r["seconds"] for r in R["audit_e2e"]["rounds"]))
        R["audit_engine"] = run_json([exe["compare"], "engine-audit", "--catalog", cat.addr, "--ids", ids_file,
                                      "--threads", str(a.threads)], timeout=1800)
        log("audit engine: %.2f s (%d threads); catalog reads %.2f s + filings %.2f s"
            % (R["audit_engine"]["engine_audit_threads_s"], a.threads,
               R["audit_engine"]["catalog_get_standards_s"], R["audit_engine"]["catalog_list_filings_s"]))
        prov = man["sample_province"]
        subtree = [prov] + [c for c in man["levels"]["city"] if c[:2] == prov[:2]]
        R["coverage_e2e"] = run_json([exe["compare"], "e2e-coverage", "--comparison", cmp.addr,
                                      "--parent", ",".join(subtree), "--rounds", "2"], timeout=600)
        R["coverage_e2e"]["parent"] = prov
        log("coverage subtree %s: %s" % (man["sample_province"],
                                 ", ".join("%.2f s" % r["seconds"] for r in R["coverage_e2e"]["rounds"])))
        R["comparison_loadavg_before"] = la

        # ---------------------------------------------------------------- memory
        R["rss"] = {}
        for p in procs:
            R["rss"][p.name] = {"vmhwm_mb": round(vm(p.pid, "VmHWM") / 1024, 1),
                                "vmrss_mb": round(vm(p.pid, "VmRSS") / 1024, 1),
                                "rss_anon_mb": round(vm(p.pid, "RssAnon") / 1024, 1),
                                "rss_file_mb": round(vm(p.pid, "RssFile") / 1024, 1)}
        R["lmdb_data_mdb_bytes"] = os.path.getsize(os.path.join(data_dir, "data.mdb"))
        R["failed_calls_logged"] = {p.name: p.failed_calls() for p in procs}
    finally:
        for p in procs:
            p.stop()
        R["loadavg_end"] = loadavg()
        shutil.rmtree(work, ignore_errors=True)
    R["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    with open(a.out, "w") as f:
        json.dump(R, f, indent=1, ensure_ascii=False)
    print_table(R)
    print("\nwrote " + a.out)


def load_run(a, exe, tool, name, srv, method, extra, count_file, conc, conns, body, work):
    """One bounded run; server CPU and server-side success count over exactly this run."""
    def served():
        if count_file:
            time.sleep(0.12)  # the counter file is rewritten every 50 ms
            return int(open(count_file).read().split()[0])
        return None
    s0, c0, f0, la = served(), cpu_ticks(srv.pid), srv.failed_calls(), loadavg()[0]
    r = {"loadavg1": la}
    if tool == "loadgen":
        j = run_json([exe["loadgen"], "--target", srv.addr, "--method", method, "--concurrency", str(conc),
                      "--connections", str(conns), "--duration-ms", str(int(a.duration * 1000)),
                      "--warmup-ms", "300"] + extra, timeout=120)
        c1 = cpu_ticks(srv.pid)
        client_ok = j["calls_total"] + conns  # + the connect call of each client
        r.update(calls_per_s=j["calls_per_s"], p50_us=j["p50_us"], p99_us=j["p99_us"],
                 client_errors=j["errors"])
    else:
        log_file = os.path.join(work, "h2load.log")
        m = max(1, conc // conns)
        p = subprocess.run(["h2load", "-c", str(conns), "-m", str(m), "-D", str(int(round(a.duration))),
                            "-d", body[0], "-H", "content-type: application/grpc", "-H", "te: trailers",
                            "--log-file", log_file, "http://%s%s" % (srv.addr, body[1])],
                           capture_output=True, text=True, timeout=120)
        c1 = cpu_ticks(srv.pid)
        out = p.stdout
        m2xx = re.search(r"status codes: (\d+) 2xx", out)
        fin = re.search(r"finished in ([\d.]+)s", out)
        lat = []
        for line in open(log_file):
            f = line.split("\t")
            if len(f) >= 3 and f[1] == "200":
                lat.append(int(f[2]))
        lat.sort()
        http200 = int(m2xx.group(1)) if m2xx else 0
        secs = float(fin.group(1)) if fin else a.duration
        client_ok = http200
        r.update(calls_per_s=0.0, p50_us=pct(lat, 0.5), p99_us=pct(lat, 0.99), http_200=http200,
                 h2load_seconds=secs)
    s1 = served()
    failed = srv.failed_calls() - f0
    # successes counted by the server: its counter (echo servers), or 200s minus the calls
    # the RPC layer logged as failed (catalog-svc)
    ok = (s1 - s0) if s0 is not None else max(0, client_ok - failed)
    r["server_ok"] = ok
    r["server_failed"] = failed
    if tool == "h2load":
        r["calls_per_s"] = round(ok / r["h2load_seconds"], 1)
    r["server_cpu_s"] = round((c1 - c0) / TICK, 3)
    r["server_cpu_us_per_call"] = round((c1 - c0) / TICK * 1e6 / ok, 1) if ok else 0.0
    return r


def summarise(runs):
    out = {}
    keys = sorted({(r["tool"], r["target"], r["concurrency"]) for r in runs})
    for k in keys:
        rs = [r for r in runs if (r["tool"], r["target"], r["concurrency"]) == k]
        out["%s/%s/c%d" % k] = {
            "tool": k[0], "target": k[1], "concurrency": k[2], "repeats": len(rs),
            "calls_per_s": statistics.median(r["calls_per_s"] for r in rs),
            "p50_us": statistics.median(r["p50_us"] for r in rs),
            "p99_us": statistics.median(r["p99_us"] for r in rs),
            "server_cpu_us_per_call": statistics.median(r["server_cpu_us_per_call"] for r in rs),
            "server_failed": sum(r["server_failed"] for r in rs),
            "loadavg1": [r["loadavg1"] for r in rs]}
    # ratios of medians
    ratios = {}
    for tool in sorted({r["tool"] for r in runs}):
        for c in sorted({r["concurrency"] for r in runs}):
            def g(t, f):
                v = out.get("%s/%s/c%d" % (tool, t, c))
                return v[f] if v else None
            e, x = g("echo", "calls_per_s"), g("echo_cxx", "calls_per_s")
            rr = {}
            if e and x:
                rr["echo_vs_cxx_calls"] = round(e / x, 3)
                ec, xc = g("echo", "server_cpu_us_per_call"), g("echo_cxx", "server_cpu_us_per_call")
                if ec:
                    rr["cxx_vs_echo_cpu_per_call"] = round(xc / ec, 3)  # >= 1: ours cheaper
            for t in ("getitem", "getstandard"):
                v = g(t, "calls_per_s")
                if e and v:
                    rr[t + "_vs_echo_calls"] = round(v / e, 3)
            ratios["%s/c%d" % (tool, c)] = rr
    out["ratios"] = ratios
    return out


def machine():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = int(line.split()[1])
    return {"nproc": os.cpu_count(), "cpu": model, "mem_gb": round(mem / 1048576, 1),
            "kernel": platform.release(), "h2load": shutil.which("h2load") is not None}


def log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def print_table(R):
    print("\n== machine: %(nproc)d cores, %(cpu)s, %(mem_gb)s GB" % R["machine"])
    print("   load average start %s, end %s" % (R["loadavg_start"], R["loadavg_end"]))
    L = R.get("load", {})
    print("\n%-8s %-12s %4s %11s %9s %9s %12s" % ("tool", "target", "conc", "calls/s", "p50 us", "p99 us",
                                                   "cpu us/call"))
    for k, v in L.items():
        if k == "ratios":
            continue
        print("%-8s %-12s %4d %11.0f %9.0f %9.0f %12.1f" % (v["tool"], v["target"], v["concurrency"],
                                                            v["calls_per_s"], v["p50_us"], v["p99_us"],
                                                            v["server_cpu_us_per_call"]))
    print("\nratios (medians): ")
    for k, v in L.get("ratios", {}).items():
        print("  %-12s %s" % (k, "  ".join("%s=%s" % kv for kv in v.items())))
    imp = R["import"]
    print("\nimport: %d standards / %d items in %.1f s (client decode %.1f s summed over %d threads; "
          "server CPU %.1f s); LMDB data.mdb %.0f MB"
          % (imp["standards"], imp["items"], imp["seconds"], imp["client_decode_s"], imp["threads"],
             imp["server_cpu_s"], R["lmdb_data_mdb_bytes"] / 1e6))
    ce, c2 = R["compare_engine"], R["compare_e2e"]
    print("compare %s (%d items) vs %s (%d items): engine median %.0f us, p99 %.0f us; "
          "end to end median %.0f us (first call %.1f ms)"
          % (ce["child"], ce["child_items"], ce["parent"], ce["parent_items"], ce["median_us"], ce["p99_us"],
             c2["median_us"], c2["first_ms"]))
    ae = R["audit_e2e"]
    print("audit of every standard, end to end (%d client threads): %s"
          % (ae["threads"], "; ".join("%.2f s (%d audits, %d errors)" % (r["seconds"], r["audits"], r["errors"])
                                      for r in ae["rounds"])))
    ag = R["audit_engine"]
    print("audit of every standard, engine only: %.2f s on 1 thread, %.2f s on %d; catalog reads "
          "(GetStandard ×%d) %.2f s + ListFilings %.2f s"
          % (ag["engine_audit_1thread_s"], ag["engine_audit_threads_s"], ag["threads"], ag["standards"],
             ag["catalog_get_standards_s"], ag["catalog_list_filings_s"]))
    cv = R["coverage_e2e"]
    print("coverage of %s's subtree (%d Coverage matrices: the province and its cities, %s columns): %s"
          % (cv["parent"], cv["parents"], cv["rounds"][0]["descendants"],
             "; ".join("%.2f s" % r["seconds"] for r in cv["rounds"])))
    print("peak RSS (VmHWM): " + ", ".join("%s %.0f MB" % (k, v["vmhwm_mb"]) for k, v in R["rss"].items()))


if __name__ == "__main__":
    main()
