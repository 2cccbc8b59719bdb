"""End to end: the Excel path (issue 4 item 3) against the real catalog-svc.

- export-csv -> import-csv under a new edition -> the items are identical (every field
  but the output-only revision) and so are the header fields given as flags, for
  330782/2021 (DRAFT) and 330700/2021 (PUBLISHED); a second export is byte-identical;
- a CSV with one bad row of each kind (bad jurisdiction code, unknown domain,
  non-numeric level, broken quoting: bare and unterminated) is rejected with the row
  and column named, exit 1, and the store revision unchanged;
- a bad --standard jurisdiction is a usage error (exit 2) naming it; a server-side
  error (unknown parentCode) prints the server's message and the row it came from."""
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
import pss_testlib as lib  # noqa: E402

lib.stubs_dir()
import grpc  # noqa: E402
from google.protobuf.json_format import MessageToDict  # noqa: E402
from pss.catalog.v1 import catalog_pb2 as pb, catalog_pb2_grpc as pbg  # noqa: E402

T = 30
FAILS = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILS.append(what)


def items_of(stub, sid):
    s = stub.GetStandard(pb.GetStandardRequest(id=sid, include_items=True), timeout=T)
    items = []
    for it in s.items:
        d = MessageToDict(it)
        d.pop("revision", None)
        items.append(d)
    return s, items


def revision(stub):
    return stub.GetStoreInfo(pb.GetStoreInfoRequest(), timeout=T).revision


def read_table(path):
    with open(path, "rb") as f:
        raw = f.read()
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def write_table(path, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)


def main():
    work = tempfile.mkdtemp(prefix="pss-csv-")
    srv = lib.catalog_server(os.path.join(work, "data"))
    try:
        addr = srv.addr
        ch = grpc.insecure_channel(addr)
        stub = pbg.CatalogStub(ch)
        lib.stdctl(addr, "import", *[lib.fixture(f) for f in (
            "CN-2021.json", "330000-2021.json", "330700-2021.json", "330782-2021.json")])

        # ---- round trips
        for sid, new_id, status in (("330782/2021", "330782/2021csv", "DRAFT"),
                                    ("330700/2021", "330700/2021csv", "PUBLISHED")):
            orig, orig_items = items_of(stub, sid)
            path = os.path.join(work, sid.replace("/", "-") + ".csv")
            p = lib.stdctl(addr, "export-csv", sid, "-o", path)
            check("import-csv" in p.stderr, "%s: export-csv -o prints the re-import command" % sid)
            raw, rows = read_table(path)
            check(raw.startswith(b"\xef\xbb\xbf"), "%s: the CSV starts with a BOM" % sid)
            check(raw.endswith(b"\r\n") and rows[0][:3] == ["行政区划代码", "编码", "上级编码"],
                  "%s: CRLF and the Chinese header" % sid)
            check(len(rows) == len(orig_items) + 1, "%s: one row per item (%d)" % (sid, len(orig_items)))
            p = lib.stdctl(addr, "import-csv", path, "--standard", new_id, "--parent", orig.parent,
                           "--title", orig.title, "--status", status)
            check(p.stdout.startswith("imported %s (%d items)" % (new_id, len(orig_items))),
                  "%s: import-csv: %s" % (new_id, p.stdout.strip()))
            new, new_items = items_of(stub, new_id)
            check(new_items == orig_items, "%s: items identical to %s (all fields but revision)"
                  % (new_id, sid))
            check((new.jurisdiction, new.title, new.parent) == (orig.jurisdiction, orig.title, orig.parent),
                  "%s: jurisdiction, title and parent as given" % new_id)
            check(pb.StandardStatus.Name(new.status) == status, "%s: status %s" % (new_id, status))
            check(new.item_count == orig.item_count, "%s: item_count %d" % (new_id, new.item_count))
            p = subprocess.run([os.path.join(lib.build_dir(), "cli", "stdctl"), "--catalog", addr,
                                "export-csv", new_id], capture_output=True, timeout=120)
            check(p.returncode == 0 and p.stdout == raw,
                  "%s: export-csv to stdout is byte-identical to %s's" % (new_id, sid))
            p = lib.stdctl(addr, "import-csv", path, "--standard", new_id, "--parent", orig.parent,
                           "--title", orig.title, "--status", status)
            check(p.stdout.strip() == "unchanged " + new_id, "%s: importing again is a no-op" % new_id)

        # ---- one bad row of each kind: row and column named, nothing stored
        good = os.path.join(work, "330782-2021.csv")
        _, rows = read_table(good)
        hdr = rows[0]
        col = {name: hdr.index(name) for name in hdr}
        lvl_row = next(i for i, r in enumerate(rows) if i and "|" in r[col["指标"]])

        def variant(name, mutate, raw_row=None):
            rs = [list(r) for r in rows]
            row_no = mutate(rs)
            path = os.path.join(work, name + ".csv")
            write_table(path, rs)
            if raw_row is not None:  # replace one record with raw text (broken quoting)
                with open(path, encoding="utf-8-sig", newline="") as f:
                    text = f.read()
                buf = io.StringIO()
                csv.writer(buf, lineterminator="\r\n").writerow(rs[row_no - 1])
                assert buf.getvalue() in text
                text = text.replace(buf.getvalue(), raw_row(rs[row_no - 1]), 1)
                with open(path, "w", encoding="utf-8-sig", newline="") as f:
                    f.write(text)
            return path, row_no

        def set_cell(r, c, v):
            def m(rs):
                rs[r][col[c]] = v
                return r + 1
            return m

        def simple_row(r):
            # a row without quoted cells, so that the raw text controls the quoting
            def m(rs):
                rs[r] = [x.replace("\n", " ").replace(",", "，").replace('"', "") for x in rs[r]]
                rs[r][col["指标"]] = ""
                return r + 1
            return m

        def with_name(raw_name):
            def f(cells):
                cells = list(cells)
                cells[col["服务项目"]] = raw_name
                return ",".join(cells) + "\r\n"
            return f

        kinds = [
            ("bad_jurisdiction", set_cell(5, "行政区划代码", "33078X"), None, "行政区划代码", "33078X"),
            ("bad_jurisdiction_other", set_cell(9, "行政区划代码", "330781"), None, "行政区划代码",
             "330781"),
            ("unknown_domain", set_cell(12, "领域", "幼有所教"), None, "领域", "幼有所教"),
            ("non_numeric_level", set_cell(lvl_row, "指标", "空气质量优良天数比率|≥|九十二|%|高优"), None,
             "指标", '"九十二" is not a number'),
            ("bare_quote", simple_row(20), with_name('名"称'), "服务项目", "broken quoting"),
            # closed only by the next '"' further down: reported where it was opened
            ("unclosed_quote", simple_row(30), with_name('"名称'), "服务项目", "opened on line"),
            ("unterminated_quote", simple_row(len(rows) - 1), with_name('"名称'), "服务项目",
             "unterminated quoted field"),
        ]
        for name, mutate, raw_row, column, what in kinds:
            path, row_no = variant(name, mutate, raw_row)
            before = revision(stub)
            p = lib.stdctl(addr, "import-csv", path, "--standard", "330782/2021bad",
                           "--parent", "330700/2021", "--title", "坏表", check=False)
            want = "row %d, column %s" % (row_no, column)
            check(p.returncode == 1 and want in p.stderr and what in p.stderr
                  and "nothing imported" in p.stderr,
                  "%s: exit %d, %r" % (name, p.returncode, p.stderr.strip().splitlines()[0]
                                       if p.stderr.strip() else ""))
            check(revision(stub) == before, "%s: store revision unchanged (%d)" % (name, before))
        try:
            stub.GetStandard(pb.GetStandardRequest(id="330782/2021bad"), timeout=T)
            check(False, "330782/2021bad was not stored")
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.NOT_FOUND, "330782/2021bad was not stored")

        # ---- usage errors and a server-side error
        before = revision(stub)
        p = lib.stdctl(addr, "import-csv", good, "--standard", "33078X/2021", "--parent", "330700/2021",
                       "--title", "x", check=False)
        check(p.returncode == 2 and '"33078X" is not a jurisdiction code' in p.stderr,
              "bad --standard jurisdiction: usage error naming it (%s)" % p.stderr.strip().splitlines()[0])
        path, row_no = variant("unknown_parent_code", set_cell(40, "上级编码", "JH-99.99"))
        p = lib.stdctl(addr, "import-csv", path, "--standard", "330782/2021srv", "--parent", "330700/2021",
                       "--title", "x", check=False)
        check(p.returncode == 1 and "INVALID_ARGUMENT" in p.stderr and "JH-99.99" in p.stderr
              and "is row %d of" % row_no in p.stderr,
              "unknown parentCode: the server's message and row %d (%s)" % (row_no, p.stderr.strip()))
        check(revision(stub) == before, "no revision for the refused imports")

        # ---- --help has an example
        for cmd in ("import-csv", "export-csv"):
            p = lib.stdctl(addr, cmd, "--help")
            check("Example:" in p.stdout and ("stdctl " + cmd) in p.stdout, cmd + " --help has an example")
        ch.close()
    finally:
        rc = srv.stop()
        if rc != 0:
            FAILS.append("catalog-svc exit %s" % rc)
            print(srv.logs()[-3000:])
        shutil.rmtree(work, ignore_errors=True)
    if FAILS:
        print("%d failure(s)" % len(FAILS))
        sys.exit(1)
    print("all passed")


if __name__ == "__main__":
    main()
