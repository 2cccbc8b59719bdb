#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""Validate the fixture standards in data/standards/.

    /usr/bin/python3 tests/data/validate_fixtures.py data/standards

Checks that every file is an ImportStandardRequest in protobuf canonical JSON
(known field names, valid enums, units, codes, jurisdiction ancestry), that every
parentCode exists in the parent standard, and -- with an independent re-statement
of the comparison rules of DESIGN.md §4 -- that the fixtures produce exactly the
findings the comparison engine's tests rely on:

  义乌 2021 vs 金华 2021 (seed 001): ADDED 4, SUPPLEMENTED 10, RAISED 1 (filed),
  REFINED 13, and no MISSING / LOWERED / NARROWED / CONTENT_DROPPED / REASSIGNED;
  浙江 vs 国家 and 金华 vs 浙江: nothing missing, everything inherited (浙江 additions
  ADDED); the invented counties and 金华 2023: exactly their documented deviations.

stdlib only (json, unicodedata, re).  Exit status 0 = all good.
"""
import glob
import json
import os
import re
import sys
import unicodedata
from collections import Counter

# ------------------------------------------------------------------ schema
FIELDS = {
    "request": {"jurisdictions", "standard", "filings"},
    "jurisdiction": {"code", "name"},
    "standard": {"jurisdiction", "edition", "title", "parent", "status", "items"},
    "item": {"code", "parentCode", "domain", "category", "name", "target", "content",
             "levels", "standardText", "spending", "leadDepartment", "filingRefs",
             "exemptionRefs", "note"},
    "target": {"text", "groups"},
    "group": {"name", "residency"},
    "level": {"metric", "comparator", "value", "valueMax", "unit", "direction", "text"},
    "filing": {"number", "standard", "kind", "authority", "date", "covers", "reason"},
    "scope": {"itemCode", "field"},
}
STATUS = {"STANDARD_STATUS_UNSPECIFIED", "DRAFT", "PUBLISHED", "SUPERSEDED", "WITHDRAWN"}
RESIDENCY = {"RESIDENCY_UNSPECIFIED", "HOUSEHOLD", "RESIDENT", "RESIDENCE_PERMIT"}
COMPARATOR = {"GE", "LE", "EQ", "RANGE"}          # UNSPECIFIED is not valid on a level
DIRECTION = {"HIGHER_IS_BETTER", "LOWER_IS_BETTER"}
KIND = {"RAISE", "EXEMPTION"}
SCOPE_FIELDS = {"", "levels", "target", "content"}
UNITS = {"%", "次", "次/年", "次/季度", "次/月", "元/月", "元/年", "元", "天", "小时",
         "岁", "人", "册", "平方米"}
DOMAINS_LOCAL = ["幼有所育", "学有所教", "劳有所得", "病有所医", "老有所养", "住有所居",
                 "弱有所扶", "军有所抚", "文有所化", "体有所健", "事有所便"]
DOMAINS_NATIONAL = ["幼有所育", "学有所教", "劳有所得", "病有所医", "老有所养", "住有所居",
                    "弱有所扶", "优军服务保障", "文体服务保障"]
EDITION_RE = re.compile(r"^[0-9A-Za-z._-]{1,16}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

ERRORS = []


def err(msg):
    ERRORS.append(msg)


def keys_ok(obj, kind, where):
    if not isinstance(obj, dict):
        err("%s: %s is not an object" % (where, kind))
        return False
    extra = set(obj) - FIELDS[kind]
    if extra:
        err("%s: unknown %s field(s) %s" % (where, kind, sorted(extra)))
    return True


# ------------------------------------------------------------------ jurisdictions
def jur_ok(code):
    return code == "CN" or bool(re.fullmatch(r"\d{6}", code)) and code != "000000"


def jur_parent(code):
    if code == "CN":
        return ""
    if code.endswith("0000"):
        return "CN"
    if code.endswith("00"):
        return code[:2] + "0000"
    return code[:4] + "00"


def ancestors(code):
    out = []
    while code:
        out.append(code)
        code = jur_parent(code)
    return out  # self first


# ------------------------------------------------------------------ normalisation
def norm(s):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s or "")).strip()


RANK = {"HOUSEHOLD": 1, "RESIDENCE_PERMIT": 2, "RESIDENT": 3,
        "RESIDENCY_UNSPECIFIED": 3}  # unspecified = everyone the text names


def groups(item):
    return [(norm(g.get("name")), g.get("residency", "RESIDENCY_UNSPECIFIED"))
            for g in item.get("target", {}).get("groups", [])]


# ------------------------------------------------------------------ file checks
def check_file(path):
    where = os.path.basename(path)
    try:
        with open(path, encoding="utf-8") as f:
            req = json.load(f)
    except (OSError, ValueError) as e:
        err("%s: does not parse: %s" % (where, e))
        return None
    keys_ok(req, "request", where)
    std = req.get("standard", {})
    keys_ok(std, "standard", where)
    jur, ed = std.get("jurisdiction", ""), std.get("edition", "")
    if not jur_ok(jur):
        err("%s: bad jurisdiction %r" % (where, jur))
    if not EDITION_RE.match(ed):
        err("%s: bad edition %r" % (where, ed))
    if where != "%s-%s.json" % (jur, ed):
        err("%s: file name should be %s-%s.json" % (where, jur, ed))
    if std.get("status", "STANDARD_STATUS_UNSPECIFIED") not in STATUS:
        err("%s: bad status %r" % (where, std.get("status")))
    if not std.get("title"):
        err("%s: no title" % where)
    parent = std.get("parent", "")
    if jur == "CN":
        if parent:
            err("%s: national standard must have no parent" % where)
    else:
        pj = parent.split("/")[0] if parent else ""
        if not parent or pj not in ancestors(jur)[1:]:
            err("%s: parent %r is not an ancestor jurisdiction's standard" % (where, parent))
    # jurisdictions to create: self and every ancestor, valid codes, named
    listed = {}
    for j in req.get("jurisdictions", []):
        keys_ok(j, "jurisdiction", where)
        if not jur_ok(j.get("code", "")) or not j.get("name"):
            err("%s: bad jurisdiction entry %r" % (where, j))
        listed[j.get("code")] = j.get("name")
    for a in ancestors(jur):
        if a not in listed:
            err("%s: jurisdictions lacks %s" % (where, a))

    codes = Counter()
    for n, it in enumerate(std.get("items", [])):
        w = "%s item[%d] %s" % (where, n, it.get("code"))
        keys_ok(it, "item", w)
        for req_field in ("code", "domain", "category", "name", "target", "content",
                          "standardText", "spending", "leadDepartment"):
            if not it.get(req_field):
                err("%s: missing %s" % (w, req_field))
        codes[it.get("code")] += 1
        doms = DOMAINS_NATIONAL if jur == "CN" else DOMAINS_LOCAL
        if it.get("domain") not in doms:
            err("%s: domain %r not one of %s" % (w, it.get("domain"), doms))
        t = it.get("target", {})
        keys_ok(t, "target", w)
        if not t.get("text") or not t.get("groups"):
            err("%s: target needs text and groups" % w)
        gnames = Counter()
        for g in t.get("groups", []):
            keys_ok(g, "group", w)
            if g.get("residency", "RESIDENCY_UNSPECIFIED") not in RESIDENCY:
                err("%s: bad residency %r" % (w, g.get("residency")))
            gnames[norm(g.get("name"))] += 1
        if any(v > 1 for v in gnames.values()):
            err("%s: duplicate target group names" % w)
        ttext = t.get("text", "")
        for g in t.get("groups", []):
            r = g.get("residency", "RESIDENCY_UNSPECIFIED")
            if r == "RESIDENT" and "常住" not in ttext:
                err("%s: RESIDENT group but target text does not say 常住" % w)
            if r == "HOUSEHOLD" and "户籍" not in ttext:
                err("%s: HOUSEHOLD group but target text does not say 户籍" % w)
        if "常住" in ttext and not any(g.get("residency") == "RESIDENT" for g in t.get("groups", [])):
            err("%s: target text says 常住 but no RESIDENT group" % w)
        if not isinstance(it.get("content"), list) or not all(
                isinstance(c, str) and c.strip() for c in it.get("content", [])):
            err("%s: content must be a list of non-empty clauses" % w)
        ncl = [norm(c) for c in it.get("content", [])]
        for i, a in enumerate(ncl):           # no clause may contain another one
            for j, b in enumerate(ncl):
                if i != j and a in b:
                    err("%s: clause %d is contained in clause %d" % (w, i, j))
        metrics = Counter()
        for l in it.get("levels", []):
            keys_ok(l, "level", w)
            metrics[norm(l.get("metric"))] += 1
            if l.get("comparator") not in COMPARATOR:
                err("%s: bad comparator %r" % (w, l.get("comparator")))
            if l.get("direction") not in DIRECTION:
                err("%s: bad direction %r" % (w, l.get("direction")))
            if l.get("unit") not in UNITS:
                err("%s: unit %r not in docs/units.md set" % (w, l.get("unit")))
            if not isinstance(l.get("value"), (int, float)):
                err("%s: level value must be a number" % w)
            if (l.get("comparator") == "RANGE") != ("valueMax" in l):
                err("%s: valueMax only and always with RANGE" % w)
            if not l.get("metric") or not l.get("text"):
                err("%s: level needs metric and text" % w)
        if any(v > 1 for v in metrics.values()):
            err("%s: duplicate level metrics" % w)
    for c, n in codes.items():
        if n > 1:
            err("%s: item code %s used %d times" % (where, c, n))

    numbers = Counter()
    for f in req.get("filings", []):
        keys_ok(f, "filing", where)
        numbers[f.get("number")] += 1
        if f.get("kind") not in KIND:
            err("%s: filing %s bad kind %r" % (where, f.get("number"), f.get("kind")))
        if f.get("standard") and f["standard"] != "%s/%s" % (jur, ed):
            err("%s: filing %s belongs to %s" % (where, f.get("number"), f["standard"]))
        if not DATE_RE.match(f.get("date", "")):
            err("%s: filing %s bad date" % (where, f.get("number")))
        if not f.get("covers"):
            err("%s: filing %s covers nothing" % (where, f.get("number")))
        for s in f.get("covers", []):
            keys_ok(s, "scope", where)
            if s.get("field", "") not in SCOPE_FIELDS:
                err("%s: filing %s bad field %r" % (where, f.get("number"), s.get("field")))
            if f.get("kind") == "RAISE" and s.get("itemCode") not in codes:
                err("%s: RAISE filing %s covers unknown item %s" % (where, f.get("number"), s.get("itemCode")))
    for n, k in numbers.items():
        if k > 1:
            err("%s: filing number %s used %d times" % (where, n, k))
    for it in std.get("items", []):
        for ref in it.get("filingRefs", []) + it.get("exemptionRefs", []):
            if ref not in numbers:
                err("%s: item %s refers to unknown filing %s" % (where, it.get("code"), ref))
    return req


# ------------------------------------------------------------------ comparison (DESIGN.md §4)
VIOLATIONS = {"MISSING", "LOWERED", "NARROWED", "CONTENT_DROPPED", "RAISED_UNFILED",
              "UNCLASSIFIED", "LEVEL_INCOMPARABLE", "DUPLICATE_PARENT", "BAD_PARENT"}


def compare(child, parent):
    """-> (findings: {child code: set}, missing: [parent codes], exempt: [parent codes])"""
    cstd, pstd = child["standard"], parent["standard"]
    pitems = {i["code"]: i for i in pstd.get("items", [])}
    filings = {f["number"]: f for f in child.get("filings", [])}
    used = Counter()
    out = {}
    for c in cstd.get("items", []):
        f = set()
        out[c["code"]] = f
        pc = c.get("parentCode", "")
        if not pc:
            f.add("ADDED")
            if not c.get("note"):
                err("%s: ADDED item %s has no justification note" % (cstd["jurisdiction"], c["code"]))
            continue
        if pc not in pitems:
            f.add("BAD_PARENT")
            err("%s/%s item %s: parentCode %s not in %s" % (
                cstd["jurisdiction"], cstd["edition"], c["code"], pc, pstd["jurisdiction"]))
            continue
        used[pc] += 1
        p = pitems[pc]
        # an implementing item keeps the parent's name and place in the framework
        # (the national framework names two domains differently: 优军服务保障, 文体服务保障)
        same_place = (c["category"], c["name"]) == (p["category"], p["name"]) and (
            c["domain"] == p["domain"] or pstd["jurisdiction"] == "CN")
        if not same_place:
            err("%s/%s item %s: domain/category/name differ from parent item %s" % (
                cstd["jurisdiction"], cstd["edition"], c["code"], pc))
        # content
        pcs = [norm(x) for x in p.get("content", [])]
        ccs = [norm(x) for x in c.get("content", [])]
        for x in pcs:
            if x in ccs:
                continue
            if any(x in y and len(y) > len(x) for y in ccs):
                f.add("REFINED")
            else:
                f.add("CONTENT_DROPPED")
        for y in ccs:
            if y not in pcs and not any(x in y for x in pcs):
                f.add("SUPPLEMENTED")
        # levels
        pl = {norm(l["metric"]): l for l in p.get("levels", [])}
        cl = {norm(l["metric"]): l for l in c.get("levels", [])}
        level_changed = False
        for m, a in pl.items():
            b = cl.get(m)
            if b is None:
                f.add("LOWERED")            # a parent level no longer promised
                level_changed = True
                continue
            if (a["unit"], a["comparator"], a["direction"]) != (b["unit"], b["comparator"], b["direction"]):
                f.add("LEVEL_INCOMPARABLE")
                continue
            if a["value"] == b["value"] and a.get("valueMax") == b.get("valueMax"):
                continue
            level_changed = True
            better = b["value"] > a["value"] if a["direction"] == "HIGHER_IS_BETTER" else b["value"] < a["value"]
            f.add("RAISED" if better else "LOWERED")
        for m in cl:
            if m not in pl:
                f.add("REFINED")
                level_changed = True
        # target
        pg, cg = dict(groups(p)), dict(groups(c))
        for name, res in pg.items():
            if name not in cg or RANK[cg[name]] < RANK[res]:
                f.add("NARROWED")
            elif RANK[cg[name]] > RANK[res]:
                f.add("RAISED")
        for name in cg:
            if name not in pg:
                f.add("RAISED")              # population broadened
        same_groups = groups(p) == groups(c)
        if same_groups and norm(p["target"]["text"]) != norm(c["target"]["text"]):
            f.add("REFINED")
        # responsibilities
        if norm(p.get("spending")) != norm(c.get("spending")) or \
                norm(p.get("leadDepartment")) != norm(c.get("leadDepartment")):
            f.add("REASSIGNED")
        # standard text may only change together with the levels it states
        if norm(p.get("standardText")) != norm(c.get("standardText")) and not level_changed:
            f.add("UNCLASSIFIED")
        # raises must be filed
        if "RAISED" in f:
            ok = False
            for ref in c.get("filingRefs", []):
                fl = filings.get(ref)
                if fl and fl.get("kind") == "RAISE" and any(
                        s.get("itemCode") == c["code"] and s.get("field", "") in ("", "levels", "target")
                        for s in fl.get("covers", [])):
                    ok = True
            if not ok:
                f.discard("RAISED")
                f.add("RAISED_UNFILED")
        if not f:
            if pcs != ccs or not same_groups or groups(p) != groups(c):
                f.add("UNCLASSIFIED")
            else:
                f.add("INHERITED")
    for pc, n in used.items():
        if n > 1:
            err("%s: parent item %s implemented by %d child items" % (cstd["jurisdiction"], pc, n))
    exempted = set()
    for fl in child.get("filings", []):
        if fl.get("kind") == "EXEMPTION":
            exempted.update(s.get("itemCode") for s in fl.get("covers", []))
    missing = [pc for pc in pitems if pc not in used and pc not in exempted]
    exempt = [pc for pc in pitems if pc not in used and pc in exempted]
    for pc in exempted:
        if pc not in pitems:
            err("%s: EXEMPTION covers %s, not an item of the parent" % (cstd["jurisdiction"], pc))
    return out, missing, exempt


def tally(findings, missing, exempt):
    t = Counter()
    for fs in findings.values():
        for x in fs:
            t[x] += 1
    if missing:
        t["MISSING"] = len(missing)
    if exempt:
        t["MISSING_EXEMPTED"] = len(exempt)
    return t


def expect(label, got, want):
    """want: Counter of exact finding counts; INHERITED checked only if given."""
    bad = []
    for k in set(got) | set(want):
        if k == "INHERITED" and k not in want:
            continue
        if got.get(k, 0) != want.get(k, 0):
            bad.append("%s: got %d want %d" % (k, got.get(k, 0), want.get(k, 0)))
    status = "ok" if not bad else "FAIL"
    print("  %-34s %s  %s" % (label, status, dict(sorted(got.items()))))
    for b in bad:
        err("%s: %s" % (label, b))


# ------------------------------------------------------------------ expectations
SEED001_SUPPLEMENTED = {
    "免费孕前优生健康检查", "孕产妇健康服务", "儿童健康管理", "困境儿童保障",
    "农村留守儿童关爱保护", "学前教育幼儿资助", "普通高中免学杂费", "中等职业教育免除学杂费",
    "困难残疾人生活补贴和重度残疾人护理补贴", "残疾儿童及青少年教育"}
SEED001_REFINED = {
    "孕产妇健康服务", "普通高中免学杂费", "中等职业教育免除学杂费", "就业登记与失业登记",
    "就业见习服务", "慢性病患者健康管理", "农村符合条件的计划生育家庭奖励扶助",
    "计划生育家庭特别扶助", "老年人福利补贴", "公租房保障", "城镇棚户区住房改造",
    "农村危房改造", "突发事件应急管理"}
SEED001_RAISED = {"环境质量"}
SEED001_ADDED = {"0-3岁儿童发育及养育风险筛查", "文艺健身进家庭",
                 "“义童游”家庭友好活动基地", "公共家庭教育指导服务"}

COUNTY_DEVIATIONS = Counter({"MISSING": 1, "LOWERED": 1, "NARROWED": 1, "ADDED": 1})


def names_with(std, findings, kind):
    by = {i["code"]: i["name"] for i in std["standard"]["items"]}
    return {by[c] for c, fs in findings.items() if kind in fs}


def edition_diff(old, new):
    """CompareEditions by item code -> Counter of change kinds."""
    o = {i["code"]: i for i in old["standard"]["items"]}
    n = {i["code"]: i for i in new["standard"]["items"]}
    d = Counter()
    d["added"] = len(set(n) - set(o))
    d["removed"] = len(set(o) - set(n))
    for c in set(o) & set(n):
        a, b = o[c], n[c]
        if [norm(x) for x in a["content"]] != [norm(x) for x in b["content"]]:
            d["content"] += 1
        if a.get("levels", []) != b.get("levels", []):
            d["levels"] += 1
        if norm(a["leadDepartment"]) != norm(b["leadDepartment"]):
            d["leadDepartment"] += 1
        if a["target"] != b["target"]:
            d["target"] += 1
    return +d


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "standards")
    files = sorted(glob.glob(os.path.join(d, "*.json")))
    if not files:
        print("no fixtures in %s" % d)
        return 1
    std = {}
    print("files:")
    for p in files:
        req = check_file(p)
        if req is None:
            continue
        s = req["standard"]
        sid = "%s/%s" % (s["jurisdiction"], s["edition"])
        std[sid] = req
        doms = len({i["domain"] for i in s.get("items", [])})
        cats = len({(i["domain"], i["category"]) for i in s.get("items", [])})
        print("  %-18s %-12s %3d items %2d domains %2d categories %d filings" % (
            os.path.basename(p), sid, len(s.get("items", [])), doms, cats,
            len(req.get("filings", []))))

    required = ["CN/2021", "330000/2021", "330700/2021", "330782/2021"]
    for r in required:
        if r not in std:
            err("required fixture %s missing" % r)

    print("comparisons (child vs declared parent):")
    results = {}
    for sid, req in sorted(std.items()):
        par = req["standard"].get("parent", "")
        if not par:
            continue
        if par not in std:
            err("%s: parent standard %s not among the fixtures" % (sid, par))
            continue
        results[sid] = (compare(req, std[par]), par)

    def t(sid):
        (f, m, e), _ = results[sid]
        return tally(f, m, e)

    if "330000/2021" in results:
        zj = std["330000/2021"]["standard"]["items"]
        expect("330000/2021 vs CN/2021", t("330000/2021"),
               Counter({"ADDED": sum(1 for i in zj if not i.get("parentCode")),
                        "INHERITED": sum(1 for i in zj if i.get("parentCode"))}))
        if any(i["domain"] != "事有所便" for i in zj if not i.get("parentCode")):
            print("    (浙江 additions outside 事有所便: %s)" % ", ".join(
                i["name"] for i in zj if not i.get("parentCode") and i["domain"] != "事有所便"))
    if "330700/2021" in results:
        expect("330700/2021 vs 330000/2021", t("330700/2021"),
               Counter({"INHERITED": len(std["330700/2021"]["standard"]["items"])}))
    if "330782/2021" in results:
        (f, m, e), _ = results["330782/2021"]
        got = t("330782/2021")
        want = Counter({"ADDED": 4, "SUPPLEMENTED": 10, "RAISED": 1, "REFINED": 13})
        want["INHERITED"] = len(f) - len([c for c, fs in f.items() if fs - {"INHERITED"}])
        expect("330782/2021 vs 330700/2021", got, want)
        yw = std["330782/2021"]
        for kind, names in (("SUPPLEMENTED", SEED001_SUPPLEMENTED), ("REFINED", SEED001_REFINED),
                            ("RAISED", SEED001_RAISED), ("ADDED", SEED001_ADDED)):
            have = names_with(yw, f, kind)
            if have != names:
                err("330782/2021 %s items differ from seed 001: extra %s, lacking %s" % (
                    kind, sorted(have - names), sorted(names - have)))
        both = names_with(yw, f, "SUPPLEMENTED") & names_with(yw, f, "REFINED")
        print("    supplemented and refined: %s" % "、".join(sorted(both)))
    for sid in ("330781/2021", "330783/2021", "330784/2021"):
        if sid in results:
            (f, m, e), par = results[sid]
            want = Counter(COUNTY_DEVIATIONS)
            expect("%s vs %s" % (sid, par), t(sid), want)
            if not any("LOWERED" in fs and "NARROWED" not in fs for fs in f.values()):
                err("%s: the LOWERED and NARROWED deviations should be on different items" % sid)
    if "330700/2023" in results:
        (f, m, e), par = results["330700/2023"]
        expect("330700/2023 vs %s" % par, t("330700/2023"),
               Counter({"ADDED": 1, "RAISED": 1, "REFINED": 1, "REASSIGNED": 1,
                        "MISSING_EXEMPTED": 1}))
        if "330700/2021" in std:
            dd = edition_diff(std["330700/2021"], std["330700/2023"])
            want = Counter({"added": 1, "removed": 1, "levels": 1, "content": 1,
                            "leadDepartment": 1})
            ok = dd == want
            print("  %-34s %s  %s" % ("edition 330700 2021 -> 2023", "ok" if ok else "FAIL", dict(dd)))
            if not ok:
                err("edition diff 330700 2021->2023: got %s want %s" % (dict(dd), dict(want)))

    # no MISSING anywhere up the core chain
    for sid in ("330000/2021", "330700/2021", "330782/2021"):
        if sid in results and results[sid][0][1]:
            err("%s: parent items not implemented: %s" % (sid, results[sid][0][1]))
    # every fixture: no unexpected violations beyond the documented ones
    for sid, ((f, m, e), par) in results.items():
        for c, fs in f.items():
            if fs & {"UNCLASSIFIED", "LEVEL_INCOMPARABLE", "RAISED_UNFILED", "BAD_PARENT"}:
                err("%s item %s: %s" % (sid, c, sorted(fs)))

    if ERRORS:
        print("\n%d problem(s):" % len(ERRORS))
        for e in ERRORS:
            print("  - " + e)
        return 1
    print("\nall fixture checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
