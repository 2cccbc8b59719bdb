#!/usr/bin/env python3
"""gen_dataset.py — a country-scale catalog of basic public service standards, deterministic
by seed, written as ImportStandardRequest JSON (the format of data/standards/*.json and
docs/import-formats.md), one request per line, parents before children.

Shape (GB/T 2260-style codes; the numbers of the real administrative map):
  1 national standard (CN), 31 provinces (xx0000), 333 cities (xxxx00), 2,844 counties
  (xxxxyy), one 2021 edition each, all PUBLISHED; 11 domains; ~100 national items, each
  lower level derived from its parent item by item:
    ~85 % inherited verbatim, ~6 % supplemented (a clause added), ~4 % refined (a clause
    extended), ~1.5 % levels raised WITH a RAISE filing, ~1 % lead department reassigned,
    and a few violations (~0.4 % each: item missing, level lowered, clause dropped);
    plus 3-15 added items per province, 0-10 per city, 0-12 per county.
Names and texts are invented (the national items reuse data/standards/CN-2021.json).

  python3 bench/gen_dataset.py --seed 1 --out DIR
writes DIR/country.jsonl (one ImportStandardRequest per line) and DIR/manifest.json
(ids per level, sample county/province, expected deviation counts)."""
import argparse
import json
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PROVINCES = [
    ("11", "北京市"), ("12", "天津市"), ("13", "河北省"), ("14", "山西省"), ("15", "内蒙古自治区"),
    ("21", "辽宁省"), ("22", "吉林省"), ("23", "黑龙江省"), ("31", "上海市"), ("32", "江苏省"),
    ("33", "浙江省"), ("34", "安徽省"), ("35", "福建省"), ("36", "江西省"), ("37", "山东省"),
    ("41", "河南省"), ("42", "湖北省"), ("43", "湖南省"), ("44", "广东省"), ("45", "广西壮族自治区"),
    ("46", "海南省"), ("50", "重庆市"), ("51", "四川省"), ("52", "贵州省"), ("53", "云南省"),
    ("54", "西藏自治区"), ("61", "陕西省"), ("62", "甘肃省"), ("63", "青海省"), ("64", "宁夏回族自治区"),
    ("65", "新疆维吾尔自治区"),
]
N_CITIES, N_COUNTIES = 333, 2844
DOMAINS = ["幼有所育", "学有所教", "劳有所得", "病有所医", "老有所养", "住有所居", "弱有所扶",
           "军有所抚", "文有所化", "体有所健", "事有所便"]
DOMAIN_MAP = {"文体服务保障": "文有所化", "优军服务保障": "军有所抚"}
DEPARTMENTS = ["卫生健康部门", "教育部门", "人力资源社会保障部门", "民政部门", "住房城乡建设部门",
               "医疗保障部门", "文化和旅游部门", "体育部门", "退役军人事务部门", "政务服务管理部门"]
CLAUSES = ["建立服务对象信息台账，实行动态管理", "依托政务服务平台实现全程网办、跨省通办",
           "每年开展一次服务满意度评价并向社会公开结果", "为行动不便的服务对象提供上门服务",
           "在乡镇（街道）便民服务中心设立综合窗口", "加强服务人员培训，持证上岗率达到100%",
           "建立服务质量投诉受理和反馈机制", "将服务纳入基层网格化管理"]
# Metrics for the synthetic national items: (metric, unit, base value, step)
METRICS = [("服务覆盖率", "%", 90, 1), ("每万人服务设施数", "个", 3, 1), ("年度服务次数", "次/年", 4, 1),
           ("补助标准", "元/月", 300, 20), ("人均服务经费", "元/年", 80, 5), ("办理时限内办结率", "%", 95, 1)]


def split(rng, total, parts, lo):
    """total split into `parts` integers >= lo, skewed like real provinces."""
    w = [rng.uniform(0.4, 1.6) for _ in range(parts)]
    free = total - lo * parts
    xs = [lo + int(free * x / sum(w)) for x in w]
    i = 0
    while sum(xs) < total:
        xs[i % parts] += 1
        i += 1
    return xs


def national_items(rng):
    src = json.load(open(os.path.join(ROOT, "data", "standards", "CN-2021.json"), encoding="utf-8"))
    items = []
    for it in src["standard"]["items"]:
        it = dict(it)
        it.pop("note", None)
        it["domain"] = DOMAIN_MAP.get(it["domain"], it["domain"])
        items.append(it)
    k = 0
    while len(items) < 100:
        dom = DOMAINS[9 + k % 2] if k < 12 else DOMAINS[k % len(DOMAINS)]
        metric, unit, base, step = METRICS[k % len(METRICS)]
        value = base + step * rng.randint(0, 3)
        name = "%s公共服务%d" % (dom, k + 1)
        items.append({
            "code": "CN-X.%d" % (k + 1), "domain": dom, "category": dom + "基本服务",
            "name": name,
            "target": {"text": "辖区内常住居民", "groups": [{"name": "常住居民", "residency": "RESIDENT"}]},
            "content": ["按标准为辖区内常住居民提供%s" % name, CLAUSES[k % len(CLAUSES)]],
            "levels": [{"metric": metric, "comparator": "GE", "value": value, "unit": unit,
                        "direction": "HIGHER_IS_BETTER", "text": "%s不低于%s%s" % (metric, value, unit)}],
            "standardText": "%s不低于%s%s" % (metric, value, unit),
            "spending": "地方财政事权，由地方各级财政按规定承担",
            "leadDepartment": DEPARTMENTS[k % len(DEPARTMENTS)],
        })
        k += 1
    return items


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.stats = {}

    def count(self, what):
        self.stats[what] = self.stats.get(what, 0) + 1

    def derive(self, parent_items, jur, jname, pname, n_added):
        """Child items (and RAISE filings) from the parent's items."""
        rng = self.rng
        items, filings = [], []
        for p in parent_items:
            r = rng.random()
            c = dict(p)
            c["parentCode"] = p["code"]
            c.pop("note", None)
            if r < 0.004:                       # violation: item not implemented
                self.count("missing")
                continue
            elif r < 0.008 and p.get("levels"):  # violation: level lowered
                lv = [dict(x) for x in p["levels"]]
                lv[0]["value"] = lv[0]["value"] - max(1, abs(lv[0]["value"]) * 0.05)
                lv[0]["text"] = "%s不低于%g%s" % (lv[0]["metric"], lv[0]["value"], lv[0]["unit"])
                c["levels"] = lv
                self.count("lowered")
            elif r < 0.012 and len(p.get("content", [])) > 1:  # violation: clause dropped
                c["content"] = p["content"][:-1]
                self.count("content_dropped")
            elif r < 0.027 and p.get("levels"):  # raised, with a filing
                lv = [dict(x) for x in p["levels"]]
                lv[0]["value"] = lv[0]["value"] + max(1, abs(lv[0]["value"]) * 0.05)
                lv[0]["text"] = "%s不低于%g%s" % (lv[0]["metric"], lv[0]["value"], lv[0]["unit"])
                c["levels"] = lv
                num = "%s发改备〔2021〕%d号" % (jname, len(filings) + 1)
                c["filingRefs"] = [num]
                filings.append({"number": num, "kind": "RAISE", "authority": pname + "发展和改革委员会",
                                "date": "2021-%02d-%02d" % (rng.randint(1, 12), rng.randint(1, 28)),
                                "covers": [{"itemCode": c["code"], "field": "levels"}],
                                "reason": "经必要性、合理性论证和风险评估，%s调高%s" % (jname, lv[0]["metric"])})
                self.count("raised_filed")
            elif r < 0.087:                     # supplemented: a clause added
                c["content"] = list(p.get("content", [])) + [CLAUSES[rng.randrange(len(CLAUSES))] + "（" + jname + "）"]
                c["note"] = "补充完善：结合%s实际增加服务内容" % jname
                self.count("supplemented")
            elif r < 0.127 and p.get("content"):  # refined: a clause extended
                cl = list(p["content"])
                cl[0] = cl[0] + "，并细化到乡镇（街道）和村（社区）"
                c["content"] = cl
                self.count("refined")
            elif r < 0.137:                     # lead department reassigned
                c["leadDepartment"] = DEPARTMENTS[rng.randrange(len(DEPARTMENTS))]
                self.count("reassigned")
            else:
                self.count("inherited")
                # inherited verbatim: the very same dict object (serialised once)
                c = p if p.get("parentCode") == p["code"] and "note" not in p else c
            items.append(c)
        for k in range(n_added):
            dom = DOMAINS[rng.randrange(len(DOMAINS))]
            metric, unit, base, step = METRICS[rng.randrange(len(METRICS))]
            value = base + step * rng.randint(0, 5)
            name = "%s特色服务%d" % (jname, k + 1)
            items.append({
                "code": "%s-A%d" % (jur, k + 1), "domain": dom, "category": dom + "地方服务",
                "name": name,
                "target": {"text": "辖区内户籍居民", "groups": [{"name": "户籍居民", "residency": "HOUSEHOLD"}]},
                "content": ["按标准为辖区内户籍居民提供%s" % name, CLAUSES[rng.randrange(len(CLAUSES))]],
                "levels": [{"metric": metric, "comparator": "GE", "value": value, "unit": unit,
                            "direction": "HIGHER_IS_BETTER", "text": "%s不低于%s%s" % (metric, value, unit)}],
                "standardText": "%s不低于%s%s" % (metric, value, unit),
                "spending": "地方财政事权，由本级财政承担",
                "leadDepartment": DEPARTMENTS[rng.randrange(len(DEPARTMENTS))],
                "note": "新增：%s根据财力和群众需求增加的项目" % jname,
            })
            self.count("added")
        return items, filings


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--counties", type=int, default=N_COUNTIES, help="fewer for a quick run")
    a = ap.parse_args()
    g = Gen(a.seed)
    rng = g.rng
    os.makedirs(a.out, exist_ok=True)
    cache = {}  # id(item dict) -> its JSON (inherited items are shared objects)

    def item_json(it):
        s = cache.get(id(it))
        if s is None:
            s = json.dumps(it, ensure_ascii=False, separators=(",", ":"))
            cache[id(it)] = s
        return s

    out = open(os.path.join(a.out, "country.jsonl.tmp"), "w", encoding="utf-8")
    man = {"seed": a.seed, "levels": {"national": [], "province": [], "city": [], "county": []},
           "parent": {}, "items": 0}
    keep = []  # item lists must stay alive while their ids are cached

    def emit(level, jurs, code, title, parent, items, filings):
        sid = code + "/2021"
        head = {"jurisdiction": code, "edition": "2021", "title": title, "status": "PUBLISHED"}
        if parent:
            head["parent"] = parent
        h = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
        line = ('{"jurisdictions":%s,"standard":%s,"items":[%s]}}' %
                (json.dumps(jurs, ensure_ascii=False, separators=(",", ":")), h,
                 ",".join(item_json(i) for i in items)))
        if filings:
            for f in filings:
                f["standard"] = sid
            line = line[:-1] + ',"filings":%s}' % json.dumps(filings, ensure_ascii=False, separators=(",", ":"))
        out.write(line + "\n")
        man["levels"][level].append(sid)
        man["parent"][sid] = parent
        man["items"] += len(items)
        keep.append(items)
        return sid

    cn_items = national_items(rng)
    jcn = {"code": "CN", "name": "全国"}
    cn = emit("national", [jcn], "CN", "国家基本公共服务标准（2021年版）", "", cn_items, [])
    n_prov = len(PROVINCES)
    cities_per = split(rng, N_CITIES, n_prov, 1)
    counties = (split(rng, a.counties, N_CITIES, 1) if a.counties >= N_CITIES
                else [1] * a.counties + [0] * (N_CITIES - a.counties))
    ci = 0
    prov_out, city_out, county_out = [], [], []
    for (pc, pname), nc in zip(PROVINCES, cities_per):
        pcode = pc + "0000"
        jp = {"code": pcode, "name": pname}
        items, filings = g.derive(cn_items, pcode, pname, "国家", rng.randint(3, 15))
        prov_out.append(([jcn, jp], pcode, pname + "基本公共服务标准（2021年版）", cn, items, filings))
        for k in range(nc):
            ccode = "%s%02d00" % (pc, k + 1)
            cname = "%s第%d市" % (pname.rstrip("省市").replace("自治区", ""), k + 1)
            jc = {"code": ccode, "name": cname}
            citems, cfil = g.derive(items, ccode, cname, pname, rng.randint(0, 10))
            city_out.append(([jcn, jp, jc], ccode, cname + "基本公共服务标准（2021年版）", pcode + "/2021",
                             citems, cfil))
            for m in range(counties[ci]):
                ycode = "%s%02d%02d" % (pc, k + 1, m + 1)
                yname = "%s第%d县" % (cname, m + 1)
                jy = {"code": ycode, "name": yname}
                yitems, yfil = g.derive(citems, ycode, yname, cname, rng.randint(0, 12))
                county_out.append(([jcn, jp, jc, jy], ycode, yname + "基本公共服务标准（2021年版）",
                                   ccode + "/2021", yitems, yfil))
            ci += 1
    for level, rows in (("province", prov_out), ("city", city_out), ("county", county_out)):
        for r in rows:
            emit(level, *r)
    out.close()
    os.replace(os.path.join(a.out, "country.jsonl.tmp"), os.path.join(a.out, "country.jsonl"))
    # samples: a 130-140-item county, and the province with the most descendants
    sizes, first_item = {}, {}
    for r in county_out:
        sizes[r[1] + "/2021"] = len(r[4])
        first_item[r[1] + "/2021"] = r[4][0]["code"]
    big = [s for s, n in sizes.items() if 130 <= n <= 140] or sorted(sizes, key=sizes.get)[-1:]
    big.sort(key=lambda s: (not s.startswith("33"), s))  # prefer 浙江, the seeds' province
    man["sample_county"] = big[0]
    man["sample_county_items"] = sizes[big[0]]
    man["sample_item"] = first_item[big[0]]
    pc = big[0][:2]
    man["sample_province"] = pc + "0000/2021"
    man["sample_province_descendants"] = sum(1 for s in man["parent"] if s.startswith(pc) and not s.startswith(pc + "0000"))
    man["deviations"] = g.stats
    man["standards"] = sum(len(v) for v in man["levels"].values())
    with open(os.path.join(a.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(man, f, ensure_ascii=False)
    print(json.dumps({"standards": man["standards"], "items": man["items"],
                      "bytes": os.path.getsize(os.path.join(a.out, "country.jsonl")),
                      "deviations": g.stats, "sample_county": man["sample_county"]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
