/* render_md.c — Markdown in the structure of seed 001 section 三 (与上级标准的区别):
 *
 *   # 义乌市标准与金华市标准的区别
 *   服务标准与内容方面，在金华市标准的基础上，新增4项基本公共服务标准和内容，补充完善10项…。
 *   1.新增的4项分别是：
 *   （1）幼有所育领域的0-3岁儿童发育及养育风险筛查项目。
 *   2.补充完善的10项分别是：
 *   （1）幼有所育领域的免费孕前优生健康检查，在金华市标准基础上增加……。
 *   3.调高的1项分别是：
 *   （1）事有所便领域的环境质量（金华市标准：空气质量优良天数比率≥92%；义乌市标准：≥97%）。
 *   4.细化的13项分别是：
 *   孕产妇健康服务、普通高中免学杂费、……。
 *
 * followed by the verdict, the blocking findings and the filings that accepted findings.
 * Every line is its own paragraph so that renderers keep the seed's line structure.
 */
#include <stdlib.h>
#include <string.h>

#include "report_render.h"

typedef Pss__Comparison__V1__Finding finding;

/* Prose: line breaks folded to spaces. */
static void md_text(FILE *o, const char *s) {
  for (s = render_str(s); *s; s++) fputc(*s == '\r' || *s == '\n' ? ' ' : *s, o);
}

/* Table cell: also '|' escaped. */
static void md_cell(FILE *o, const char *s) {
  fputc(' ', o);
  for (s = render_str(s); *s; s++) {
    if (*s == '|')
      fputs("\\|", o);
    else if (*s == '\r' || *s == '\n')
      fputs("<br>", o);
    else
      fputc(*s, o);
  }
  fputs(" |", o);
}

/* How the seed words the summary: "新增4项基本公共服务标准和内容", "调高1项基本公共服务标准". */
static const char *summary_suffix(int t) {
  switch (t) {
    case PSS__COMPARISON__V1__FINDING_TYPE__ADDED:
    case PSS__COMPARISON__V1__FINDING_TYPE__SUPPLEMENTED:
    case PSS__COMPARISON__V1__FINDING_TYPE__REFINED:
      return "基本公共服务标准和内容";
    case PSS__COMPARISON__V1__FINDING_TYPE__RAISED:
    case PSS__COMPARISON__V1__FINDING_TYPE__LOWERED:
      return "基本公共服务标准";
    case PSS__COMPARISON__V1__FINDING_TYPE__MISSING:
      return "上级标准项目";
    default:
      return "基本公共服务项目";
  }
}

/* The item a finding is about: the child item, or the parent item (MISSING). */
static const char *item_key(const finding *f) {
  return f->child_item_code && *f->child_item_code ? f->child_item_code
                                                    : render_str(f->parent_item_code);
}

typedef struct group {
  const finding **fs; /* findings of one type about one item, report order */
  size_t n;
} group;

typedef struct groups {
  group *g;
  size_t n;
} groups;

static void groups_free(groups *gs) {
  for (size_t i = 0; i < gs->n; i++) free(gs->g[i].fs);
  free(gs->g);
  gs->g = NULL;
  gs->n = 0;
}

/* Findings of type t grouped by item (and, in an audit, by origin), in order of first
 * appearance. Returns -1 on allocation failure. */
static int group_by_item(finding *const *fs, size_t n, int t, bool by_origin, groups *out) {
  out->g = NULL;
  out->n = 0;
  for (size_t i = 0; i < n; i++) {
    const finding *f = fs[i];
    if ((int)f->type != t) continue;
    group *g = NULL;
    for (size_t k = 0; k < out->n && !g; k++) {
      const finding *h = out->g[k].fs[0];
      if (strcmp(item_key(h), item_key(f)) == 0 &&
          (!by_origin || strcmp(render_str(h->origin), render_str(f->origin)) == 0))
        g = &out->g[k];
    }
    if (!g) {
      group *ng = realloc(out->g, (out->n + 1) * sizeof *ng);
      if (!ng) return -1;
      out->g = ng;
      g = &out->g[out->n++];
      g->fs = NULL;
      g->n = 0;
    }
    const finding **nf = realloc(g->fs, (g->n + 1) * sizeof *nf);
    if (!nf) return -1;
    g->fs = nf;
    g->fs[g->n++] = f;
  }
  return 0;
}

typedef struct labels {
  char parent[256]; /* "金华市标准" / "上级标准（330700/2021）" */
  char child[256];  /* "义乌市标准" / "本标准" */
} labels;

static void make_labels(labels *L, const char *child, const char *parent, const render_names *nm) {
  if (nm && nm->parent_name && *nm->parent_name)
    snprintf(L->parent, sizeof L->parent, "%s标准", nm->parent_name);
  else if (parent && *parent)
    snprintf(L->parent, sizeof L->parent, "上级标准（%s）", parent);
  else
    snprintf(L->parent, sizeof L->parent, "上级标准");
  if (nm && nm->child_name && *nm->child_name)
    snprintf(L->child, sizeof L->child, "%s标准", nm->child_name);
  else
    snprintf(L->child, sizeof L->child, "本标准");
  (void)child;
}

/* "（k）幼有所育领域的免费孕前优生健康检查，在金华市标准基础上增加……。" */
static void item_line(FILE *o, size_t k, const group *g, const labels *L, bool audit) {
  const finding *f0 = g->fs[0];
  int t = f0->type;
  fprintf(o, "（%zu）", k);
  if (f0->domain && *f0->domain) {
    md_text(o, f0->domain);
    fputs("领域的", o);
  }
  md_text(o, f0->item_name && *f0->item_name ? f0->item_name : item_key(f0));
  const char *code = item_key(f0);
  if (*code) fprintf(o, "（%s）", code);

  if (t == PSS__COMPARISON__V1__FINDING_TYPE__SUPPLEMENTED) {
    fprintf(o, "，在%s基础上增加", L->parent);
    for (size_t i = 0; i < g->n; i++) {
      if (i) fputs("；", o);
      md_text(o, *render_str(g->fs[i]->new_value) ? g->fs[i]->new_value : g->fs[i]->message_zh);
    }
  } else if (t == PSS__COMPARISON__V1__FINDING_TYPE__ADDED) {
    /* the seed names the item only; a missing justification is worth saying */
    if (f0->message_zh && strstr(f0->message_zh, "缺少新增理由")) fputs("（缺少新增理由说明）", o);
  } else {
    bool levels = true;
    for (size_t i = 0; i < g->n; i++)
      if (strcmp(render_str(g->fs[i]->field), "levels") != 0 || !*render_str(g->fs[i]->old_value) ||
          !*render_str(g->fs[i]->new_value))
        levels = false;
    if (levels) {
      /* "（金华市标准：空气质量优良天数比率≥92%；义乌市标准：≥97%）" */
      fputs("（", o);
      for (size_t i = 0; i < g->n; i++) {
        const finding *f = g->fs[i];
        if (i) fputs("；", o);
        fprintf(o, "%s：", L->parent);
        md_text(o, f->subject);
        md_text(o, f->old_value);
        fprintf(o, "；%s：", L->child);
        md_text(o, f->new_value);
      }
      fputs("）", o);
    } else {
      fputs("：", o);
      for (size_t i = 0; i < g->n; i++) {
        if (i) fputs("；", o);
        md_text(o, g->fs[i]->message_zh);
      }
    }
  }
  fputs("。", o);
  for (size_t i = 0; i < g->n; i++) {
    const finding *f = g->fs[i];
    if (f->accepted_by_filing && *f->accepted_by_filing) {
      fputs("已由提标备案“", o);
      md_text(o, f->accepted_by_filing);
      fputs("”接受。", o);
      break;
    }
  }
  for (size_t i = 0; i < g->n; i++)
    if (g->fs[i]->blocking) {
      fputs("**不符合（阻断）**", o);
      break;
    }
  if (audit && f0->origin && *f0->origin) {
    fputs("（首次出现于", o);
    md_text(o, f0->origin);
    if (f0->parent_standard && *f0->parent_standard) {
      fputs("，对照", o);
      md_text(o, f0->parent_standard);
    }
    fputs("）", o);
  }
  fputs("\n\n", o);
}

static uint32_t count_of(Pss__Comparison__V1__Report__CountsEntry *const *e, size_t n, int t) {
  const char *name = render_type_name(t);
  for (size_t i = 0; i < n; i++)
    if (e[i]->key && strcmp(e[i]->key, name) == 0) return e[i]->value;
  return 0;
}

/* The summary sentence and the numbered sections. counts: the service's distinct-item
 * counts when it sent them (else the groups are counted). */
static int body(FILE *o, finding *const *fs, size_t n, const uint32_t *counts,
                const labels *L, bool audit, uint32_t inherited) {
  size_t nt = RENDER_N_TYPE_ORDER;
  groups *per = calloc(nt, sizeof *per);
  uint32_t *num = calloc(nt, sizeof *num);
  if (!per || !num) {
    free(per);
    free(num);
    return RENDER_EIO;
  }
  for (size_t i = 0; i < nt; i++) {
    if (group_by_item(fs, n, RENDER_TYPE_ORDER[i], audit, &per[i]) != 0) {
      for (size_t k = 0; k <= i; k++) groups_free(&per[k]);
      free(per);
      free(num);
      return RENDER_EIO;
    }
    num[i] = counts && counts[i] ? counts[i] : (uint32_t)per[i].n;
  }

  /* summary */
  fprintf(o, "服务标准与内容方面，在%s的基础上，", L->parent);
  bool any = false;
  for (size_t i = 0; i < nt; i++) {
    if (!num[i]) continue;
    int t = RENDER_TYPE_ORDER[i];
    fprintf(o, "%s%s%u项%s", any ? "，" : "", render_type_zh(t), num[i], summary_suffix(t));
    any = true;
  }
  if (!any) fputs("无新增、补充完善、调高或细化的内容", o);
  fputs("。", o);
  if (inherited) fprintf(o, "其余%u项与%s一致（继承）。", inherited, L->parent);
  fputs("\n\n", o);

  /* sections */
  int sec = 0;
  for (size_t i = 0; i < nt; i++) {
    if (!per[i].n) continue;
    int t = RENDER_TYPE_ORDER[i];
    fprintf(o, "%d.%s的%u项分别是：\n\n", ++sec, render_type_zh(t), num[i]);
    if (t == PSS__COMPARISON__V1__FINDING_TYPE__REFINED) {
      /* the seed lists the refined items by name on one line */
      for (size_t k = 0; k < per[i].n; k++) {
        const finding *f = per[i].g[k].fs[0];
        if (k) fputs("、", o);
        md_text(o, f->item_name && *f->item_name ? f->item_name : item_key(f));
      }
      fputs("。\n\n", o);
    }
    for (size_t k = 0; k < per[i].n; k++) item_line(o, k + 1, &per[i].g[k], L, audit);
  }
  for (size_t i = 0; i < nt; i++) groups_free(&per[i]);
  free(per);
  free(num);
  return RENDER_OK;
}

static void findings_table(FILE *o, const finding *const *fs, size_t n, bool audit) {
  fputs("| 序号 | 类型 | 规则 | 领域 | 项目 | 本级编码 | 上级编码 | 说明 |", o);
  if (audit) fputs(" 首次出现于 |", o);
  fputs("\n|---|---|---|---|---|---|---|---|", o);
  if (audit) fputs("---|", o);
  fputc('\n', o);
  for (size_t i = 0; i < n; i++) {
    const finding *f = fs[i];
    fprintf(o, "| %zu |", i + 1);
    char type[128];
    snprintf(type, sizeof type, "%s %s", render_type_zh(f->type), render_type_name(f->type));
    md_cell(o, type);
    md_cell(o, f->rule_id);
    md_cell(o, f->domain);
    md_cell(o, f->item_name);
    md_cell(o, f->child_item_code);
    md_cell(o, f->parent_item_code);
    md_cell(o, f->message_zh);
    if (audit) md_cell(o, f->origin);
    fputc('\n', o);
  }
  fputc('\n', o);
}

/* Verdict, blocking findings, filings. */
static int tail(FILE *o, finding *const *fs, size_t n, bool conformant, bool audit) {
  const finding **blk = calloc(n ? n : 1, sizeof *blk);
  const finding **acc = calloc(n ? n : 1, sizeof *acc);
  if (!blk || !acc) {
    free(blk);
    free(acc);
    return RENDER_EIO;
  }
  size_t nb = 0, na = 0;
  for (size_t i = 0; i < n; i++) {
    if (fs[i]->blocking) blk[nb++] = fs[i];
    if (fs[i]->accepted_by_filing && *fs[i]->accepted_by_filing) acc[na++] = fs[i];
  }
  fputs("## 结论\n\n", o);
  if (conformant)
    fputs("**符合**：没有阻断性问题（未经备案的调高、降低、人群缩小、内容缺失或缺项）。\n\n", o);
  else
    fprintf(o, "**不符合**：%zu项阻断性问题，见下表。\n\n", nb);
  if (nb) {
    fputs("### 阻断性问题\n\n", o);
    findings_table(o, blk, nb, audit);
  }
  if (na) {
    fputs("## 提标备案\n\n| 备案号 | 类型 | 项目 | 本级编码 | 变化 |\n|---|---|---|---|---|\n", o);
    for (size_t i = 0; i < na; i++) {
      const finding *f = acc[i];
      fputc('|', o);
      md_cell(o, f->accepted_by_filing);
      md_cell(o, render_type_zh(f->type));
      md_cell(o, f->item_name);
      md_cell(o, item_key(f));
      char *buf = NULL;
      size_t len = 0;
      FILE *m = open_memstream(&buf, &len);
      if (m) {
        if (*render_str(f->old_value) || *render_str(f->new_value))
          fprintf(m, "%s%s → %s", render_str(f->subject), render_str(f->old_value),
                  render_str(f->new_value));
        else
          fputs(render_str(f->message_zh), m);
        fclose(m);
      }
      md_cell(o, buf ? buf : "");
      free(buf);
      fputc('\n', o);
    }
    fputc('\n', o);
  }
  free(blk);
  free(acc);
  return RENDER_OK;
}

#define COUNTS_ARRAY(arr, e, n)                                                         \
  do {                                                                                  \
    for (size_t i_ = 0; i_ < RENDER_N_TYPE_ORDER; i_++) {                               \
      const char *nm_ = render_type_name(RENDER_TYPE_ORDER[i_]);                        \
      (arr)[i_] = 0;                                                                    \
      for (size_t k_ = 0; k_ < (n); k_++)                                               \
        if ((e)[k_]->key && strcmp((e)[k_]->key, nm_) == 0) (arr)[i_] = (e)[k_]->value; \
    }                                                                                   \
  } while (0)

int render_md_report(FILE *o, const Pss__Comparison__V1__Report *r, const render_names *nm) {
  labels L;
  make_labels(&L, r->child, r->parent, nm);
  if (nm && nm->child_name && *nm->child_name && nm->parent_name && *nm->parent_name)
    fprintf(o, "# %s与%s的区别\n\n", L.child, L.parent);
  else
    fprintf(o, "# %s 与 %s 的区别\n\n", render_str(r->child), render_str(r->parent));
  fputs("比较对象：", o);
  if (nm && nm->child_title && *nm->child_title) fprintf(o, "《%s》", nm->child_title);
  fprintf(o, "%s（修订号 %llu）；上级标准：", render_str(r->child),
          (unsigned long long)r->child_revision);
  if (nm && nm->parent_title && *nm->parent_title) fprintf(o, "《%s》", nm->parent_title);
  fprintf(o, "%s（修订号 %llu）。\n\n", render_str(r->parent),
          (unsigned long long)r->parent_revision);
  uint32_t counts[64]; /* >= RENDER_N_TYPE_ORDER (17) */
  COUNTS_ARRAY(counts, r->counts, r->n_counts);
  uint32_t inherited =
      count_of(r->counts, r->n_counts, PSS__COMPARISON__V1__FINDING_TYPE__INHERITED);
  int rc = body(o, r->findings, r->n_findings, counts, &L, false, inherited);
  if (rc == RENDER_OK) rc = tail(o, r->findings, r->n_findings, r->conformant, false);
  if (rc != RENDER_OK) return rc;
  return render_finish(o);
}

int render_md_audit(FILE *o, const Pss__Comparison__V1__AuditReport *a, const render_names *nm) {
  labels L;
  make_labels(&L, a->standard, a->n_chain > 1 ? a->chain[1] : "", nm);
  snprintf(L.parent, sizeof L.parent, "各级上级标准");
  fprintf(o, "# %s 逐级审计\n\n审计链：", render_str(a->standard));
  for (size_t i = 0; i < a->n_chain; i++) {
    if (i) fputs(" → ", o);
    md_text(o, a->chain[i]);
  }
  fputs("。每项问题只在首次出现的层级报告一次。\n\n", o);
  uint32_t counts[64]; /* >= RENDER_N_TYPE_ORDER (17) */
  COUNTS_ARRAY(counts, a->counts, a->n_counts);
  int rc = body(o, a->findings, a->n_findings, counts, &L, true, 0);
  if (rc == RENDER_OK) rc = tail(o, a->findings, a->n_findings, a->conformant, true);
  if (rc != RENDER_OK) return rc;
  if (a->n_levels) {
    fputs("## 各级比较\n\n| 本级 | 上级 | 结论 | 问题数 | 阻断数 |\n|---|---|---|---|---|\n", o);
    for (size_t i = 0; i < a->n_levels; i++) {
      const Pss__Comparison__V1__Report *r = a->levels[i];
      fputc('|', o);
      md_cell(o, r->child);
      md_cell(o, r->parent);
      md_cell(o, r->conformant ? "符合" : "不符合");
      fprintf(o, " %zu | %zu |\n", r->n_findings, r->n_blocking);
    }
    fputc('\n', o);
  }
  return render_finish(o);
}

static const char *edition_change_zh(int t) {
  switch (t) {
    case PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__ITEM_ADDED: return "新增项目";
    case PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__ITEM_REMOVED: return "删除项目";
    case PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__LEVEL_RAISED: return "调高";
    case PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__LEVEL_LOWERED: return "降低";
    case PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__TARGET_WIDENED: return "服务对象扩大";
    case PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__TARGET_NARROWED: return "服务对象缩小";
    case PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__CONTENT_REWORDED: return "服务内容修改";
    case PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__LEAD_DEPARTMENT_CHANGED: return "牵头单位调整";
    case PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__SPENDING_CHANGED: return "支出责任调整";
    case PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__UNCHANGED: return "未变化";
    default: return "其他变化";
  }
}

/* "与旧版（330700/2021）相比，新增项目1项，删除项目1项，调高1项。" then one section per
 * change type in EditionChangeType order, one "（k）项目（编码）：说明" line per change. */
int render_md_editions(FILE *o, const Pss__Comparison__V1__EditionDiff *d) {
  fprintf(o, "# %s → %s 版本变化\n\n", render_str(d->from), render_str(d->to));
  const ProtobufCEnumDescriptor *ed = &pss__comparison__v1__edition_change_type__descriptor;
  bool any = false;
  for (unsigned v = 0; v < ed->n_values; v++) {
    int t = ed->values[v].value;
    if (t == PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__UNCHANGED) continue;
    size_t k = 0;
    for (size_t i = 0; i < d->n_changes; i++) k += (int)d->changes[i]->type == t;
    if (!k) continue;
    fprintf(o, "%s%s%zu项", any ? "，" : "与旧版相比，", edition_change_zh(t), k);
    any = true;
  }
  fputs(any ? "。\n\n" : "两版之间没有变化。\n", o);
  int sec = 0;
  for (unsigned v = 0; v < ed->n_values; v++) {
    int t = ed->values[v].value;
    if (t == PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__UNCHANGED) continue;
    size_t n = 0;
    for (size_t i = 0; i < d->n_changes; i++) n += (int)d->changes[i]->type == t;
    if (!n) continue;
    fprintf(o, "%d.%s的%zu项分别是：\n\n", ++sec, edition_change_zh(t), n);
    size_t k = 0;
    for (size_t i = 0; i < d->n_changes; i++) {
      const Pss__Comparison__V1__EditionChange *c = d->changes[i];
      if ((int)c->type != t) continue;
      fprintf(o, "（%zu）", ++k);
      md_text(o, c->item_name);
      fprintf(o, "（%s）", render_str(c->item_code));
      if (*render_str(c->message_zh)) {
        fputs("：", o);
        md_text(o, c->message_zh);
      }
      /* old → new, unless the message already says it */
      const char *ov = render_str(c->old_value), *nv = render_str(c->new_value);
      if (*ov && *nv && !strstr(render_str(c->message_zh), nv)) {
        fputs("（", o);
        md_text(o, ov);
        fputs(" → ", o);
        md_text(o, nv);
        fputs("）", o);
      }
      fputs("。\n\n", o);
    }
  }
  return render_finish(o);
}

int render_md_coverage(FILE *o, Pss__Comparison__V1__CoverageResponse *const *pages, size_t n) {
  const Pss__Comparison__V1__CoverageResponse *p0 = n ? pages[0] : NULL;
  fprintf(o, "# %s 县域同标覆盖情况\n\n| 编码 | 项目 | 领域 |", p0 ? render_str(p0->parent) : "");
  for (size_t d = 0; p0 && d < p0->n_descendants; d++) md_cell(o, p0->descendants[d]);
  fputs("\n|---|---|---|", o);
  for (size_t d = 0; p0 && d < p0->n_descendants; d++) fputs("---|", o);
  fputc('\n', o);
  for (size_t p = 0; p < n; p++)
    for (size_t i = 0; i < pages[p]->n_rows; i++) {
      const Pss__Comparison__V1__CoverageRow *r = pages[p]->rows[i];
      fputc('|', o);
      md_cell(o, r->parent_item_code);
      md_cell(o, r->item_name);
      md_cell(o, r->domain);
      for (size_t d = 0; p0 && d < p0->n_descendants; d++) {
        const Pss__Comparison__V1__CoverageCell *c = render_coverage_find(r, p0->descendants[d]);
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        if (m) {
          if (c) render_coverage_cell(m, c, true);
          fclose(m);
        }
        md_cell(o, buf ? buf : "");
        free(buf);
      }
      fputc('\n', o);
    }
  fputs("\n✗ = 阻断性问题（未经备案）\n", o);
  return render_finish(o);
}
