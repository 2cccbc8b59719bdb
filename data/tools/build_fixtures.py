#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""Generate the fixture standards in data/standards/ (ImportStandardRequest JSON).

    /usr/bin/python3 data/tools/build_fixtures.py [OUTDIR]

The JSON files are the product; this script only keeps them consistent with each
other.  Edit jinhua2021.py (the shared item table) or the deviations below, rerun,
then run tests/data/validate_fixtures.py.  stdlib only.
"""
import copy
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jinhua2021 import ITEMS, lv, U, H, R, SP_LOCAL, L_HEALTH, L_CULT, L_SPORT  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "standards")

J_CN = {"code": "CN", "name": "全国"}
J_ZJ = {"code": "330000", "name": "浙江省"}
J_JH = {"code": "330700", "name": "金华市"}
J_YW = {"code": "330782", "name": "义乌市"}
J_LX = {"code": "330781", "name": "兰溪市"}
J_DY = {"code": "330783", "name": "东阳市"}
J_YK = {"code": "330784", "name": "永康市"}

NATIONAL_DOMAIN = {"军有所抚": "优军服务保障", "文有所化": "文体服务保障",
                   "体有所健": "文体服务保障"}

INV = "[invented]"


# ------------------------------------------------------------------ helpers
def number(items, prefix):
    """Assign domain.category.item codes in list order: PREFIX-d.c.i"""
    doms, cats, cnt = [], {}, {}
    for x in items:
        d = x["domain"]
        if d not in doms:
            doms.append(d)
            cats[d] = []
        if x["category"] not in cats[d]:
            cats[d].append(x["category"])
        k = (d, x["category"])
        cnt[k] = cnt.get(k, 0) + 1
        x["code"] = "%s-%d.%d.%d" % (prefix, doms.index(d) + 1,
                                      cats[d].index(x["category"]) + 1, cnt[k])
    return items


def to_item(x):
    """Table row -> protobuf JSON Item (defaults omitted, as canonical JSON does)."""
    out = {"code": x["code"]}
    if x.get("parent"):
        out["parentCode"] = x["parent"]
    out["domain"] = x["domain"]
    out["category"] = x["category"]
    out["name"] = x["name"]
    groups = []
    for name, res in x["groups"]:
        g = {"name": name}
        if res != U:
            g["residency"] = res
        groups.append(g)
    out["target"] = {"text": x["target"], "groups": groups}
    out["content"] = list(x["content"])
    if x["levels"]:
        out["levels"] = [dict(l) for l in x["levels"]]
    out["standardText"] = x["std"]
    out["spending"] = x["spend"]
    out["leadDepartment"] = x["lead"]
    if x.get("filings"):
        out["filingRefs"] = list(x["filings"])
    if x.get("exemptions"):
        out["exemptionRefs"] = list(x["exemptions"])
    if x.get("note"):
        out["note"] = x["note"]
    return out


def write(fname, jurisdictions, std, items, filings=()):
    req = {"jurisdictions": jurisdictions,
           "standard": dict(std, items=[to_item(x) for x in items])}
    if filings:
        req["filings"] = list(filings)
    path = os.path.join(OUT, fname)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(req, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print("%-18s %3d items" % (fname, len(items)))


def rows():
    return [copy.deepcopy(x) for x in ITEMS]


def by_key(items):
    return {x["key"]: x for x in items}


def derive(parent_items, prefix):
    """Verbatim copies of the parent's items, parentCode -> parent's code."""
    out = copy.deepcopy(parent_items)
    for x, p in zip(out, parent_items):
        x["parent"] = p["code"]
        x.pop("filings", None)
    return number(out, prefix)


def extend(x, i, more, note):
    """细化: clause i is kept whole and made more specific."""
    x["content"][i] = x["content"][i] + more
    x["note"] = (x["note"] + "; " if x["note"] else "") + note


def append(x, clause, note):
    """补充完善: a new clause is appended, every parent clause kept."""
    x["content"].append(clause)
    x["note"] = (x["note"] + "; " if x["note"] else "") + note


# ------------------------------------------------------------------ national + Zhejiang + Jinhua
def build_chain():
    cn = [x for x in rows() if not x["zj"]]
    for x in cn:
        x["domain"] = NATIONAL_DOMAIN.get(x["domain"], x["domain"])
    number(cn, "CN")
    cn_by = by_key(cn)

    zj = rows()
    for x in zj:
        x["parent"] = "" if x["zj"] else cn_by[x["key"]]["code"]
    number(zj, "ZJ")

    jh = derive(zj, "JH")
    return cn, zj, jh


# ------------------------------------------------------------------ 义乌 2021 (seed 001)
YW_FILING = "义发改备〔2021〕1号"

YW_ADDED = {
    # key of the item after which the added item is inserted -> row
    "childhm": dict(
        key="yw_screen", domain="幼有所育", category="儿童健康服务",
        name="0-3岁儿童发育及养育风险筛查",
        target="0—3岁户籍儿童", groups=[("0-3岁儿童", H)],
        content=["为0—3岁儿童开展发育筛查，包括儿童脑发育评估、儿童髋关节发育筛查、孤独症早期筛查等",
                 "增加养育风险筛查，包括3、6、8、12、18、24、30、36月龄时，共8次",
                 "按照《养育风险筛查表》询问养育人，了解影响儿童早期发展的养育风险因素和保护性因素，了解养育人的担忧和养育中存在的问题和困难",
                 "开展养育照护小组活动，依据婴幼儿发展规律特点，每月按照0-1岁、1-2岁、2-3岁分别组织1次活动"],
        levels=[lv("养育风险筛查次数", "EQ", 8, "次",
                   "养育风险筛查，包括3、6、8、12、18、24、30、36月龄时，共8次"),
                lv("养育照护小组活动频次（每个年龄段）", "GE", 1, "次/月",
                   "每月按照0-1岁、1-2岁、2-3岁分别组织1次活动")],
        std="0—3岁户籍儿童养育风险筛查共8次；养育照护小组活动每月每个年龄段1次",
        spend=SP_LOCAL, lead=L_HEALTH,
        note="新增（seed 001 三(二)1(1)）：幼有所育领域的0-3岁儿童发育及养育风险筛查项目；"
             "standardText/spending/leadDepartment " + INV),
    "heritage": dict(
        key="yw_wuyi", domain="文有所化", category="公共文化服务", name="文艺健身进家庭",
        target="全市家庭", groups=[("全市家庭", U)],
        content=["依托市木兰拳协会在文艺健身方面丰富的培训资源和在各镇街设有分站的组织优势，将培训和带练服务送进各个需要的村、社区"],
        levels=[], std="按需将文艺健身培训和带练服务送进村、社区", spend=SP_LOCAL, lead=L_SPORT,
        note="新增（seed 001 三(二)1(2)）：文有所化领域的文艺健身进家庭；"
             "standardText/spending/leadDepartment " + INV),
    "yw_wuyi": dict(
        key="yw_yitongyou", domain="文有所化", category="公共文化服务",
        name="“义童游”家庭友好活动基地",
        target="全市家庭", groups=[("全市家庭", U)],
        content=["以服务家庭为目标，依托义乌自然景观、传统文化、商贸特色、红色信仰等资源，通过组织家庭亲子活动，帮助家长与孩子构建良好的亲子关系，营造良好的家庭文化氛围，进一步加强家庭家教家风建设"],
        levels=[], std="依托“义童游”家庭友好活动基地组织家庭亲子活动", spend=SP_LOCAL, lead=L_CULT,
        note="新增（seed 001 三(二)1(3)）：文有所化领域的“义童游”家庭友好活动基地；"
             "standardText/spending/leadDepartment " + INV),
    "villawyer": dict(
        key="yw_familyedu", domain="事有所便", category="生活便利服务",
        name="公共家庭教育指导服务",
        target="全市家庭", groups=[("全市家庭", U)],
        content=["推进家庭教育指导线上线下服务平台，向全市家庭提供全周期立体式家庭教育服务",
                 "发挥政府主导作用，可以购买服务的方式把家庭教育指导服务切实纳入社区（村）公共服务",
                 "以城带乡，统筹城乡社区家庭教育指导服务协调发展",
                 "以家长为中心，调动家长学习的积极性和主动性",
                 "以家庭教育需求为导向，为不同年龄层次、不同文化程度的城乡社区居民提供多样化的家庭教育指导服务",
                 "体现家庭教育公共服务的普惠性，促进未成年人健康成长"],
        levels=[], std="向全市家庭提供全周期立体式家庭教育服务", spend=SP_LOCAL, lead="妇联",
        note="新增（seed 001 三(二)1(4)）：事有所便领域的公共家庭教育指导服务；"
             "standardText/spending/leadDepartment " + INV),
}


def build_yiwu(jh):
    yw = copy.deepcopy(jh)
    for x, p in zip(yw, jh):
        x["parent"] = p["code"]
    b = by_key(yw)
    S = "补充完善（seed 001 三(二)2(%d)）"
    F = "细化（seed 001 三(二)3）：extended wording " + INV

    # ---- 补充完善 10 (new clauses are seed 001's text)
    append(b["prepreg"], "开设新婚夫妇课堂、孕妇课堂等，开展公益性早期家庭教育指导",
           S % 1 + "：增加公益性早期家庭教育指导")
    append(b["maternal"], "孕妇学校开展公益性早期家庭教育指导，社区（村）每年至少开展4次家庭教育基础课程指导",
           S % 2 + "：增加公益性早期家庭教育指导")
    append(b["childhm"], "开展3岁以下婴幼儿家庭养育指导，力争新生儿家庭科学育儿宣教覆盖率达到100%，婴幼儿照护服务机构、早期教育服务机构等提供科学养育指导等公益性家庭教育指导服务",
           S % 3 + "：增加开展3岁以下婴幼儿家庭养育指导；the 力争…100% is aspirational, so no Level "
           "(a new metric would make the item 细化, which seed 001 does not list)")
    append(b["hardchild"], "儿童福利机构、未成年人救助保护机构等提供有针对性的家庭教育指导服务",
           S % 4 + "：增加针对性家庭教育指导服务")
    append(b["leftchild"], "建档立卡，提供生活帮扶、创业就业支持等关爱服务，为留守儿童的父母或者其他监护人实施家庭教育提供服务",
           S % 5 + "：增加关爱服务和家庭教育服务")
    append(b["preschool"], "标准保教费收费标准低于补助标准，按实补助",
           S % 6 + "：增加标准保教费收费标准低于补助标准，按实补助")
    append(b["hsfree"], "对公办普通高中符合条件学生按当地人民政府及其价格、财政主管部门批准的学费标准免交免学费、代收费、住宿费",
           S % 7 + "：增加普通高中免住宿费")
    append(b["vocfree"], "中等职业学校减免代收费、住宿费",
           S % 8 + "：增加中等职业学校减免代收费、住宿费")
    append(b["disabsub"], "为未享受困难残疾人生活补贴和重度残疾人护理补贴的老龄残疾人（65周岁及以上）发放老龄补贴",
           S % 9 + "：增加为未享受的老龄残疾人发放老龄补贴（65周岁 is an eligibility age, not a service level: no Level）")
    append(b["disabedu"], "开展符合特点需求的家庭教育指导帮扶",
           S % 10 + "：增加残疾儿童及青少年的家庭教育指导帮扶")

    # ---- 细化 13 (seed 001 names them only; the more specific wording is invented)
    m = b["maternal"]
    extend(m, 0, "，孕早期建立孕产妇保健手册并开展妊娠风险筛查评估和分级管理", F)
    m["levels"].append(lv("社区（村）家庭教育基础课程指导次数", "GE", 4, "次/年",
                          "社区（村）每年至少开展4次家庭教育基础课程指导"))
    extend(b["hsfree"], 1, "；公办普通高中符合条件学生的住宿费按本标准另行免除", F)
    extend(b["vocfree"], 1, "，按学年核定补助资金并拨付学校", F)
    extend(b["jobreg"], 1, "，劳动者可在常住地公共就业服务机构或通过“浙里办”线上办理", F)
    extend(b["trainee"], 1, "，见习期限一般为3至12个月", F)
    c = b["chronic"]
    extend(c, 1, "，并每年提供1次较全面的健康体检", F + "; extra Level " + INV)
    c["levels"].append(lv("较全面健康体检次数", "GE", 1, "次/年", "每年提供1次较全面的健康体检"))
    extend(b["fpreward"], 0, "，奖励扶助金按年度通过社会保障卡发放", F)
    extend(b["fpspecial"], 0, "，对独生子女伤残、死亡家庭分别按标准按月发放特别扶助金", F)
    extend(b["elderwelf"], 3, "，百岁老人按规定发放长寿保健金", F)
    extend(b["pubrent"], 0, "，住房困难家庭可申请实物配租或领取租赁补贴", F)
    extend(b["shanty"], 0, "，安置住房同步配套建设水、电、路、气等基础设施", F)
    extend(b["ruralhouse"], 0, "，改造后的房屋须达到安全住房标准", F)
    extend(b["emergency"], 0, "，通过应急广播、短信和“浙里办”等渠道向受影响区域居民推送预警信息", F)

    # ---- 调高 1: good-air days 92% -> 97% (filed)
    e = b["envq"]
    e["levels"][0] = lv("空气质量优良天数比率", "GE", 97, "%", "空气质量优良天数比率达到97%以上")
    e["std"] = "空气质量优良天数比率达到97%以上；地表水达到或好于Ⅲ类水体比例达到95%以上"
    e["filings"] = [YW_FILING]
    e["note"] += "; 调高（seed 001 三(二)2 调高(1)）：金华标准92%，义乌97%以上；filed as " + YW_FILING + " " + INV

    # ---- 新增 4, inserted after the named item
    out = []
    for x in yw:
        out.append(x)
        k = x["key"]
        while k in YW_ADDED:
            a = copy.deepcopy(YW_ADDED[k])
            a["parent"] = ""
            out.append(a)
            k = a["key"]
    number(out, "YW")
    env_code = by_key(out)["envq"]["code"]
    filings = [{
        "number": YW_FILING, "standard": "330782/2021", "kind": "RAISE",
        "authority": "金华市发展和改革委员会", "date": "2021-10-28",
        "covers": [{"itemCode": env_code, "field": "levels"}],
        "reason": "[示例/invented] 义乌市空气质量优良天数比率由金华标准的92%调高至97%以上。"
                  "seed 001 only states the raise and that content above the 浙江/金华 standards "
                  "underwent 必要性、合理性论证和风险评估 before approval on 2021-10-28; "
                  "the filing number, authority and date of this record are invented."}]
    return out, filings


# ------------------------------------------------------------------ other 金华 counties (all invented)
def county(jh, prefix, missing, lowered, narrowed, added):
    """missing: key; lowered: (key, level_index, new_value, new_std or None);
    narrowed: (key, group_index, new_residency, new_target_text); added: row."""
    out = derive(jh, prefix)
    out = [x for x in out if x["key"] != missing]
    b = by_key(out)
    k, i, v, std = lowered
    l = b[k]["levels"][i]
    old = l["value"]
    l["value"] = v
    l["text"] = l["text"].replace(_fmt(old), _fmt(v))
    if std:
        b[k]["std"] = std
    b[k]["note"] += "; LOWERED %s %s -> %s %s" % (l["metric"], _fmt(old), _fmt(v), INV)
    k, gi, res, text = narrowed
    g = b[k]["groups"]
    g[gi] = (g[gi][0], res)
    b[k]["target"] = text
    b[k]["note"] += "; NARROWED target to %s %s" % (text, INV)
    a = copy.deepcopy(added)
    a["parent"] = ""
    # keep domain order: insert the added row behind the last row of its category
    pos = max(i for i, x in enumerate(out) if x["category"] == a["category"]) + 1
    out.insert(pos, a)
    return number(out, prefix)


def _fmt(v):
    return ("%g" % v)


# ------------------------------------------------------------------ 金华 2023 (edition changes, all invented)
JH23_RAISE = "金发改备〔2024〕3号"
JH23_EXEMPT = "金发改备〔2024〕4号"


def build_jh2023(zj, jh21):
    out = copy.deepcopy(jh21)          # same codes as 2021 (codes are stable across editions)
    zb = by_key(zj)
    for x in out:
        x["parent"] = zb[x["key"]]["code"]
    b = by_key(out)
    # removed: 观看电视 (exempted against 浙江 2021 by an EXEMPTION filing)
    removed = b["tv"]
    out.remove(removed)
    # raised: 持证适龄残疾儿童少年义务教育入学率 98% -> 99% (filed)
    r = b["disabedu"]
    r["levels"][0] = lv("持证适龄残疾儿童少年义务教育入学率", "GE", 99, "%",
                        "持证适龄残疾儿童少年义务教育入学率达到99%以上")
    r["filings"] = [JH23_RAISE]
    r["std"] = "持证适龄残疾儿童少年义务教育入学率达到99%以上"
    r["note"] += "; 2023: level raised 98% -> 99% " + INV
    # reworded content: 就业援助 clause made more specific
    extend(b["jobaid"], 0, "，对符合条件的就业困难人员按规定给予社会保险补贴和岗位补贴",
           "2023: clause reworded (extended) " + INV)
    # lead department change: 公共交通 交通运输部门 -> 交通运输部门、公安部门
    b["transit"]["lead"] = "交通运输部门、公安部门"
    b["transit"]["note"] += "; 2023: lead department changed " + INV
    # added: 普惠托育服务 (seed 002 §(四) asks to bring 普惠托育 into basic public services)
    add = dict(key="jh23_tuoyu", code="JH-1.2.4", parent="", domain="幼有所育",
               category="儿童健康服务", name="普惠托育服务",
               target="3岁以下婴幼儿家庭", groups=[("3岁以下婴幼儿家庭", U)],
               content=["为有需求的3岁以下婴幼儿家庭提供普惠托育服务"],
               levels=[], std="按省、市普惠托育机构认定和收费标准执行",
               spend=SP_LOCAL, lead=L_HEALTH,
               note="2023: added " + INV + " (seed 002 §(四) 推进普惠托育纳入基本公共服务)")
    pos = max(i for i, x in enumerate(out) if x["category"] == "儿童健康服务") + 1
    out.insert(pos, add)
    filings = [
        {"number": JH23_RAISE, "standard": "330700/2023", "kind": "RAISE",
         "authority": "浙江省发展和改革委员会", "date": "2024-08-01",
         "covers": [{"itemCode": r["code"], "field": "levels"}],
         "reason": "[示例/invented] 持证适龄残疾儿童少年义务教育入学率由98%调高至99%以上。"},
        {"number": JH23_EXEMPT, "standard": "330700/2023", "kind": "EXEMPTION",
         "authority": "浙江省发展和改革委员会", "date": "2024-08-01",
         "covers": [{"itemCode": zb["tv"]["code"]}],
         "reason": "[示例/invented] 观看电视项目并入其他项目，2023年版不再单列。"},
    ]
    return out, filings


# ------------------------------------------------------------------ main
def main():
    os.makedirs(OUT, exist_ok=True)
    cn, zj, jh = build_chain()
    yw, yw_filings = build_yiwu(jh)

    write("CN-2021.json", [J_CN],
          {"jurisdiction": "CN", "edition": "2021",
           "title": "国家基本公共服务标准（2021年版）", "status": "PUBLISHED"}, cn)
    write("330000-2021.json", [J_CN, J_ZJ],
          {"jurisdiction": "330000", "edition": "2021",
           "title": "浙江省基本公共服务标准（2021年版）", "parent": "CN/2021",
           "status": "PUBLISHED"}, zj)
    write("330700-2021.json", [J_CN, J_ZJ, J_JH],
          {"jurisdiction": "330700", "edition": "2021",
           "title": "金华市基本公共服务标准（2021年版）", "parent": "330000/2021",
           "status": "PUBLISHED"}, jh)
    write("330782-2021.json", [J_CN, J_ZJ, J_JH, J_YW],
          {"jurisdiction": "330782", "edition": "2021",
           "title": "义乌市基本公共服务标准（2021年版）", "parent": "330700/2021",
           "status": "PUBLISHED"}, yw, yw_filings)

    # ---- second priority: other counties and 金华 2023 (invented deviations)
    lx = county(jh, "LX", missing="pollut",
                lowered=("vaccine", 0, 90, "国家免疫规划疫苗接种率以乡(镇)为单位达到90%以上"),
                narrowed=("maternal", 0, H, "辖区内户籍孕产妇"),
                added=dict(key="lx_add", domain="老有所养", category="养老助老服务",
                           name="老年人助餐服务", target="辖区内60周岁及以上老年人",
                           groups=[("60周岁及以上老年人", U)],
                           content=["依托居家养老服务中心为有需求的老年人提供助餐服务"],
                           levels=[], std="按本市老年助餐服务规范执行",
                           spend=SP_LOCAL, lead="民政部门",
                           note="新增 " + INV + " (兰溪 fixture)"))
    write("330781-2021.json", [J_CN, J_ZJ, J_JH, J_LX],
          {"jurisdiction": "330781", "edition": "2021",
           "title": "兰溪市基本公共服务标准（2021年版）[示例]", "parent": "330700/2021",
           "status": "PUBLISHED"}, lx)
    dy = county(jh, "DY", missing="weather",
                lowered=("childhm", 0, 12, None),
                narrowed=("healthrec", 0, H, "辖区内户籍居民"),
                added=dict(key="dy_add", domain="文有所化", category="公共文化服务",
                           name="木雕文化进校园", target="中小学生",
                           groups=[("中小学生", U)],
                           content=["组织木雕非遗传承人进校园开展木雕技艺普及活动"],
                           levels=[], std="每所中小学每学年至少开展1次", spend=SP_LOCAL,
                           lead="文化和旅游部门", note="新增 " + INV + " (东阳 fixture)"))
    write("330783-2021.json", [J_CN, J_ZJ, J_JH, J_DY],
          {"jurisdiction": "330783", "edition": "2021",
           "title": "东阳市基本公共服务标准（2021年版）[示例]", "parent": "330700/2021",
           "status": "PUBLISHED"}, dy)
    yk = county(jh, "YK", missing="youthpalace",
                lowered=("envq", 0, 90, "空气质量优良天数比率达到90%；地表水达到或好于Ⅲ类水体比例达到95%以上"),
                narrowed=("elderhm", 0, H, "辖区内65岁及以上户籍居民"),
                added=dict(key="yk_add", domain="劳有所得", category="就业创业服务",
                           name="五金产业工人技能提升服务", target="五金产业在岗职工",
                           groups=[("五金产业在岗职工", U)],
                           content=["为五金产业在岗职工提供免费技能提升培训"],
                           levels=[], std="按本市职业技能提升行动规定执行",
                           spend=SP_LOCAL, lead="人力资源社会保障部门",
                           note="新增 " + INV + " (永康 fixture)"))
    write("330784-2021.json", [J_CN, J_ZJ, J_JH, J_YK],
          {"jurisdiction": "330784", "edition": "2021",
           "title": "永康市基本公共服务标准（2021年版）[示例]", "parent": "330700/2021",
           "status": "PUBLISHED"}, yk)

    jh23, jh23_filings = build_jh2023(zj, jh)
    write("330700-2023.json", [J_CN, J_ZJ, J_JH],
          {"jurisdiction": "330700", "edition": "2023",
           "title": "金华市基本公共服务标准（2023年版）[示例]", "parent": "330000/2021",
           "status": "PUBLISHED"}, jh23, jh23_filings)


if __name__ == "__main__":
    main()
