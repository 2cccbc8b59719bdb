/* cmd_compare.c — the comparison-svc commands of stdctl: compare, audit, resolve,
 * coverage, diff. Each calls one Comparison method and renders the answer with
 * report_render.h in --format json|csv|md|sarif, to standard output or -o FILE.
 * compare and audit exit 0 when conformant and 3 (CLI_NONCONFORMANT) when not. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "pss/catalog/v1/catalog.pb-c.h"
#include "report_render.h"

static const char COMPARE_HELP[] =
    "Usage: stdctl compare JUR/EDITION [--against JUR/EDITION] [--revision N]\n"
    "                      [--against-revision N] [--format json|csv|md|sarif] [-o FILE]\n"
    "\n"
    "Compares a standard with its parent (default: the parent it declares) through\n"
    "comparison-svc and prints the report: every finding (新增 ADDED, 补充完善\n"
    "SUPPLEMENTED, 调高 RAISED, 细化 REFINED, 降低 LOWERED, 缺项 MISSING, …) with its rule\n"
    "id, the verdict and the filings (提标备案) that accepted findings.\n"
    "\n"
    "Options:\n"
    "  --against JUR/EDITION   compare with this standard instead of the declared parent\n"
    "  --revision N            the child as of store revision N (default: latest)\n"
    "  --against-revision N    the parent as of store revision N (default: latest)\n"
    "  --format F              json (default): {\"counts\", \"conformant\", \"findings\", …};\n"
    "                          csv: one row per finding, UTF-8 with BOM for Excel;\n"
    "                          md: a report in the style of a 起草说明 (与上级标准的区别);\n"
    "                          sarif: SARIF 2.1.0 for code-scanning tools\n"
    "  -o, --output FILE       write to FILE (atomically) instead of standard output\n"
    "  --comparison HOST:PORT  comparison-svc (env STDCTL_COMPARISON, default " CLI_DEFAULT_COMPARISON ")\n"
    "  --catalog HOST:PORT     catalog-svc, for the jurisdiction names of the md report\n"
    "  --timeout MS\n"
    "\n"
    "Exit codes: 0 conformant, 3 not conformant, 1 error, 2 usage error.\n"
    "\n"
    "Example:\n"
    "  stdctl --comparison 127.0.0.1:7002 compare 330782/2021 --format md -o yiwu-vs-jinhua.md\n"
    "  stdctl compare 330782/2021 --against 330000/2021 --format csv > yiwu-vs-zhejiang.csv\n";

static const char AUDIT_HELP[] =
    "Usage: stdctl audit JUR/EDITION [--revision N] [--format json|csv|md|sarif] [-o FILE]\n"
    "\n"
    "Audits a standard against every ancestor up to the national standard. Each gap is\n"
    "reported once, attributed to the level where it first appeared (\"origin\").\n"
    "The JSON has \"standard\", \"chain\", \"conformant\", \"counts\", \"findings\", \"levels\".\n"
    "\n"
    "Options:\n"
    "  --revision N            the standard as of store revision N (default: latest)\n"
    "  --format F              json (default), csv, md or sarif\n"
    "  -o, --output FILE       write to FILE instead of standard output\n"
    "  --comparison HOST:PORT, --catalog HOST:PORT, --timeout MS\n"
    "\n"
    "Exit codes: 0 conformant, 3 not conformant, 1 error, 2 usage error.\n"
    "\n"
    "Example:\n"
    "  stdctl audit 330782/2021 --format sarif -o yiwu-audit.sarif\n";

static const char RESOLVE_HELP[] =
    "Usage: stdctl resolve JUR/EDITION|JUR [--format json|csv] [-o FILE]\n"
    "\n"
    "Prints the effective standard of a jurisdiction: every item with, for each field,\n"
    "the standard (jurisdiction and revision) that set the value in effect. A bare\n"
    "jurisdiction code means its published standard.\n"
    "\n"
    "Options:\n"
    "  --format F              json (default) or csv (one row per item)\n"
    "  -o, --output FILE       write to FILE instead of standard output\n"
    "  --comparison HOST:PORT, --timeout MS\n"
    "\n"
    "Example:\n"
    "  stdctl resolve 330782/2021 --format csv -o yiwu-effective.csv\n";

static const char COVERAGE_HELP[] =
    "Usage: stdctl coverage JUR/EDITION [--type TYPE[,TYPE…]]… [--page-size N]\n"
    "                       [--format json|csv|md] [-o FILE]\n"
    "\n"
    "Prints the 县域同标 matrix of a parent standard: one row per parent item, one column\n"
    "per published descendant, each cell the finding types of its implementation\n"
    "(\"SUPPLEMENTED+REFINED (1.1.1)\", \"MISSING BLOCKING\"). Follows every page.\n"
    "\n"
    "Options:\n"
    "  --type TYPE       only rows with a cell of this finding type (MISSING, LOWERED, …);\n"
    "                    repeat or separate with commas\n"
    "  --page-size N     rows per request (default: the service's, 50)\n"
    "  --format F        json (default), csv or md\n"
    "  -o, --output FILE write to FILE instead of standard output\n"
    "  --comparison HOST:PORT, --timeout MS\n"
    "\n"
    "Example:\n"
    "  stdctl coverage 330700/2021 --type MISSING,LOWERED --format csv -o jinhua-coverage.csv\n";

static const char DIFF_HELP[] =
    "Usage: stdctl diff JUR/EDITION JUR/EDITION [--format json|csv|md] [-o FILE]\n"
    "\n"
    "Compares two editions of one jurisdiction (CompareEditions): items added and\n"
    "removed, levels raised and lowered, target groups widened or narrowed, content\n"
    "reworded, lead department or spending changed.\n"
    "\n"
    "Options:\n"
    "  --format F        json (default): {\"from\", \"to\", \"counts\", \"changes\"}; csv; md\n"
    "  -o, --output FILE write to FILE instead of standard output\n"
    "  --comparison HOST:PORT, --timeout MS\n"
    "\n"
    "Example:\n"
    "  stdctl diff 330700/2021 330700/2023 --format md\n";

/* ---------------------------------------------------------------- output */

typedef struct output {
  FILE *f;
  const char *path; /* NULL = stdout */
  char *tmp;
} output;

static int output_open(output *o, const char *path) {
  memset(o, 0, sizeof *o);
  if (!path || strcmp(path, "-") == 0) {
    o->f = stdout;
    return 0;
  }
  size_t n = strlen(path) + 32;
  o->tmp = malloc(n);
  if (!o->tmp) return -1;
  snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
  o->f = fopen(o->tmp, "w");
  if (!o->f) {
    fprintf(stderr, "error: %s: %s\n", o->tmp, strerror(errno));
    free(o->tmp);
    o->tmp = NULL;
    return -1;
  }
  o->path = path;
  return 0;
}

/* ok: the rendering succeeded. Returns 0 when the output is complete in place. */
static int output_close(output *o, bool ok) {
  if (!o->path) {
    if (fflush(stdout) != 0 || ferror(stdout)) ok = false;
    if (!ok) fprintf(stderr, "error: writing to standard output failed\n");
    return ok ? 0 : -1;
  }
  int err = 0;
  if (fflush(o->f) != 0 || ferror(o->f)) err = errno ? errno : EIO;
  if (!err && fsync(fileno(o->f)) != 0) err = errno;
  if (fclose(o->f) != 0 && !err) err = errno ? errno : EIO;
  if (ok && !err && rename(o->tmp, o->path) != 0) err = errno;
  if (!ok || err) {
    if (err)
      fprintf(stderr, "error: %s: %s\n", o->path, strerror(err));
    else
      fprintf(stderr, "error: %s: the report could not be written\n", o->path);
    unlink(o->tmp);
  }
  free(o->tmp);
  o->tmp = NULL;
  return ok && !err ? 0 : -1;
}

/* ---------------------------------------------------------------- helpers */

static int check_format(const char *cmd, const char *s, render_format *f, unsigned allowed) {
  if (!s) s = "json";
  if (render_format_parse(s, f) != 0 || !(allowed & (1u << *f)))
    return cli_usage_error(cmd, "--format must be one of %s, not '%s'",
                           allowed == 0xF ? "json, csv, md, sarif"
                           : allowed == 0x7 ? "json, csv, md"
                                            : "json, csv",
                           s);
  return CLI_OK;
}
#define FMT_ALL 0xFu          /* json csv md sarif */
#define FMT_NO_SARIF 0x7u     /* json csv md */
#define FMT_JSON_CSV 0x3u     /* json csv */

static int check_id(const char *cmd, const char *id) {
  if (!cli_valid_standard_id(id))
    return cli_usage_error(cmd, "'%s' is not a standard id (JUR/EDITION, e.g. 330782/2021)", id);
  return CLI_OK;
}

static int check_rev(const char *cmd, const char *opt, const char *s, uint64_t *out) {
  *out = 0;
  if (s && !cli_parse_u64(s, out))
    return cli_usage_error(cmd, "--%s needs a number, not '%s'", opt, s);
  return CLI_OK;
}

static ProtobufCMessage *call(cli_ctx *ctx, const char *method, const ProtobufCMessage *req,
                              const ProtobufCMessageDescriptor *d) {
  ProtobufCMessage *resp = NULL;
  if (cli_call(ctx, ctx->comparison, method, req, d, &resp) != GRPC_STATUS_OK) return NULL;
  return resp;
}

/* Display names of the md report, read quietly from catalog-svc; a standard whose
 * names cannot be read keeps its id in the report. Strings are malloc'd. */
typedef struct names_buf {
  char *name[2], *title[2];
} names_buf;

static void lookup_names(cli_ctx *ctx, const char *id, char **name, char **title) {
  *name = *title = NULL;
  if (!id || !*id) return;
  rpc_client *c = cli_client(ctx, ctx->catalog);
  if (!c) return;
  int64_t ms = ctx->timeout_ms < 5000 ? ctx->timeout_ms : 5000;
  rpc_metadata_kv md[1];
  size_t n_md = cli_metadata(ctx, md);
  rpc_result res;
  memset(&res, 0, sizeof res);
  Pss__Catalog__V1__GetStandardRequest sr = PSS__CATALOG__V1__GET_STANDARD_REQUEST__INIT;
  sr.id = (char *)id;
  ProtobufCMessage *resp = NULL;
  grpc_status_code code = rpc_client_call(c, CATALOG_METHOD("GetStandard"), &sr.base,
                                          &pss__catalog__v1__standard__descriptor, &resp,
                                          rpc_deadline_ms(ms), md, n_md, &res);
  rpc_result_clear(&res);
  if (code != GRPC_STATUS_OK || !resp) {
    if (resp) protobuf_c_message_free_unpacked(resp, NULL);
    return;
  }
  Pss__Catalog__V1__Standard *s = (Pss__Catalog__V1__Standard *)resp;
  if (s->title && *s->title) *title = strdup(s->title);
  char jur[64];
  snprintf(jur, sizeof jur, "%s", s->jurisdiction ? s->jurisdiction : "");
  protobuf_c_message_free_unpacked(resp, NULL);
  if (!jur[0]) return;
  Pss__Catalog__V1__GetJurisdictionRequest jr = PSS__CATALOG__V1__GET_JURISDICTION_REQUEST__INIT;
  jr.code = jur;
  resp = NULL;
  memset(&res, 0, sizeof res);
  code = rpc_client_call(c, CATALOG_METHOD("GetJurisdiction"), &jr.base,
                         &pss__catalog__v1__jurisdiction__descriptor, &resp, rpc_deadline_ms(ms),
                         md, n_md, &res);
  rpc_result_clear(&res);
  if (code == GRPC_STATUS_OK && resp) {
    Pss__Catalog__V1__Jurisdiction *J = (Pss__Catalog__V1__Jurisdiction *)resp;
    if (J->name && *J->name) *name = strdup(J->name);
  }
  if (resp) protobuf_c_message_free_unpacked(resp, NULL);
}

static void names_fill(cli_ctx *ctx, names_buf *nb, render_names *rn, const char *child,
                       const char *parent) {
  memset(nb, 0, sizeof *nb);
  lookup_names(ctx, child, &nb->name[0], &nb->title[0]);
  lookup_names(ctx, parent, &nb->name[1], &nb->title[1]);
  if (!nb->name[0] || !nb->name[1])
    fprintf(stderr, "note: jurisdiction names not available from catalog-svc at %s; the "
                    "report names standards by id\n", ctx->catalog);
  rn->child_name = nb->name[0];
  rn->parent_name = nb->name[1];
  rn->child_title = nb->title[0];
  rn->parent_title = nb->title[1];
}

static void names_free(names_buf *nb) {
  for (int i = 0; i < 2; i++) {
    free(nb->name[i]);
    free(nb->title[i]);
  }
}

static int rendered(const char *cmd, output *out, int rc) {
  if (rc == RENDER_EFORMAT) fprintf(stderr, "error: %s: format not supported\n", cmd);
  return output_close(out, rc == RENDER_OK) == 0 ? CLI_OK : CLI_ERR;
}

/* ---------------------------------------------------------------- compare */

int cmd_compare(cli_ctx *ctx, int argc, char **argv) {
  const char *against = NULL, *rev_s = NULL, *arev_s = NULL, *fmt_s = NULL, *outpath = NULL;
  const cli_opt opts[] = {{"against", 0, true, &against, NULL},
                          {"revision", 0, true, &rev_s, NULL},
                          {"against-revision", 0, true, &arev_s, NULL},
                          {"format", 'f', true, &fmt_s, NULL},
                          {"output", 'o', true, &outpath, NULL},
                          {NULL, 0, false, NULL, NULL}};
  const char *pos[2];
  int rc;
  int n = cli_parse(ctx, argc, argv, opts, COMPARE_HELP, pos, 2, &rc);
  if (n < 0) return rc;
  if (n != 1) return cli_usage_error("compare", n == 0 ? "missing JUR/EDITION" : "too many arguments");
  render_format fmt;
  uint64_t rev, arev;
  if ((rc = check_id("compare", pos[0])) || (against && (rc = check_id("compare", against))) ||
      (rc = check_rev("compare", "revision", rev_s, &rev)) ||
      (rc = check_rev("compare", "against-revision", arev_s, &arev)) ||
      (rc = check_format("compare", fmt_s, &fmt, FMT_ALL)))
    return rc;

  Pss__Comparison__V1__CompareRequest req = PSS__COMPARISON__V1__COMPARE_REQUEST__INIT;
  req.child = (char *)pos[0];
  req.child_revision = rev;
  req.against = (char *)(against ? against : "");
  req.against_revision = arev;
  Pss__Comparison__V1__Report *r = (Pss__Comparison__V1__Report *)call(
      ctx, COMPARISON_METHOD("Compare"), &req.base, &pss__comparison__v1__report__descriptor);
  if (!r) return CLI_ERR;

  render_names rn = {0};
  names_buf nb = {0};
  if (fmt == RENDER_MD) names_fill(ctx, &nb, &rn, r->child, r->parent);
  output out;
  if (output_open(&out, outpath) != 0)
    rc = CLI_ERR;
  else
    rc = rendered("compare", &out, render_report(out.f, r, fmt, &rn));
  if (rc == CLI_OK && !r->conformant) rc = CLI_NONCONFORMANT;
  names_free(&nb);
  protobuf_c_message_free_unpacked(&r->base, NULL);
  return rc;
}

/* ---------------------------------------------------------------- audit */

int cmd_audit(cli_ctx *ctx, int argc, char **argv) {
  const char *rev_s = NULL, *fmt_s = NULL, *outpath = NULL;
  const cli_opt opts[] = {{"revision", 0, true, &rev_s, NULL},
                          {"format", 'f', true, &fmt_s, NULL},
                          {"output", 'o', true, &outpath, NULL},
                          {NULL, 0, false, NULL, NULL}};
  const char *pos[2];
  int rc;
  int n = cli_parse(ctx, argc, argv, opts, AUDIT_HELP, pos, 2, &rc);
  if (n < 0) return rc;
  if (n != 1) return cli_usage_error("audit", n == 0 ? "missing JUR/EDITION" : "too many arguments");
  render_format fmt;
  uint64_t rev;
  if ((rc = check_id("audit", pos[0])) || (rc = check_rev("audit", "revision", rev_s, &rev)) ||
      (rc = check_format("audit", fmt_s, &fmt, FMT_ALL)))
    return rc;
  Pss__Comparison__V1__AuditRequest req = PSS__COMPARISON__V1__AUDIT_REQUEST__INIT;
  req.standard = (char *)pos[0];
  req.revision = rev;
  Pss__Comparison__V1__AuditReport *a = (Pss__Comparison__V1__AuditReport *)call(
      ctx, COMPARISON_METHOD("Audit"), &req.base, &pss__comparison__v1__audit_report__descriptor);
  if (!a) return CLI_ERR;
  render_names rn = {0};
  names_buf nb = {0};
  if (fmt == RENDER_MD) {
    lookup_names(ctx, a->standard, &nb.name[0], &nb.title[0]);
    rn.child_name = nb.name[0];
    rn.child_title = nb.title[0];
  }
  output out;
  if (output_open(&out, outpath) != 0)
    rc = CLI_ERR;
  else
    rc = rendered("audit", &out, render_audit(out.f, a, fmt, &rn));
  if (rc == CLI_OK && !a->conformant) rc = CLI_NONCONFORMANT;
  names_free(&nb);
  protobuf_c_message_free_unpacked(&a->base, NULL);
  return rc;
}

/* ---------------------------------------------------------------- resolve */

int cmd_resolve(cli_ctx *ctx, int argc, char **argv) {
  const char *fmt_s = NULL, *outpath = NULL;
  const cli_opt opts[] = {{"format", 'f', true, &fmt_s, NULL},
                          {"output", 'o', true, &outpath, NULL},
                          {NULL, 0, false, NULL, NULL}};
  const char *pos[2];
  int rc;
  int n = cli_parse(ctx, argc, argv, opts, RESOLVE_HELP, pos, 2, &rc);
  if (n < 0) return rc;
  if (n != 1)
    return cli_usage_error("resolve", n == 0 ? "missing JUR/EDITION" : "too many arguments");
  render_format fmt;
  if (!strchr(pos[0], '/') ? !*pos[0] : !cli_valid_standard_id(pos[0]))
    return cli_usage_error("resolve", "'%s' is neither a standard id (JUR/EDITION) nor a jurisdiction code",
                           pos[0]);
  if ((rc = check_format("resolve", fmt_s, &fmt, FMT_JSON_CSV))) return rc;
  Pss__Comparison__V1__ResolveRequest req = PSS__COMPARISON__V1__RESOLVE_REQUEST__INIT;
  req.standard = (char *)pos[0];
  Pss__Comparison__V1__EffectiveStandard *e = (Pss__Comparison__V1__EffectiveStandard *)call(
      ctx, COMPARISON_METHOD("Resolve"), &req.base,
      &pss__comparison__v1__effective_standard__descriptor);
  if (!e) return CLI_ERR;
  output out;
  rc = output_open(&out, outpath) != 0 ? CLI_ERR
                                       : rendered("resolve", &out, render_effective(out.f, e, fmt));
  protobuf_c_message_free_unpacked(&e->base, NULL);
  return rc;
}

/* ---------------------------------------------------------------- coverage */

/* Every "--type X" / "-t X" / "--type=X" before "--" (cli_parse keeps only the last one);
 * values may also be comma-separated. Returns -1 (usage error printed) on an
 * unknown type. */
static int collect_types(int argc, char **argv, int **types, size_t *n) {
  *types = NULL;
  *n = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = NULL;
    if (strcmp(a, "--") == 0) break;
    if ((strcmp(a, "--type") == 0 || strcmp(a, "-t") == 0) && i + 1 < argc)
      v = argv[++i];
    else if (strncmp(a, "--type=", 7) == 0)
      v = a + 7;
    else
      continue;
    char *copy = strdup(v), *save = NULL;
    if (!copy) return -1;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
      int t;
      if (cli_enum_parse(&pss__comparison__v1__finding_type__descriptor, tok, &t) != 0 ||
          t == PSS__COMPARISON__V1__FINDING_TYPE__FINDING_TYPE_UNSPECIFIED) {
        cli_usage_error("coverage", "unknown finding type '%s' (e.g. MISSING, LOWERED, RAISED)",
                        tok);
        free(copy);
        free(*types);
        *types = NULL;
        return -1;
      }
      int *nt = realloc(*types, (*n + 1) * sizeof *nt);
      if (!nt) {
        free(copy);
        return -1;
      }
      *types = nt;
      (*types)[(*n)++] = t;
    }
    free(copy);
  }
  return 0;
}

int cmd_coverage(cli_ctx *ctx, int argc, char **argv) {
  const char *fmt_s = NULL, *outpath = NULL, *type_s = NULL, *ps_s = NULL;
  const cli_opt opts[] = {{"type", 't', true, &type_s, NULL},
                          {"page-size", 0, true, &ps_s, NULL},
                          {"format", 'f', true, &fmt_s, NULL},
                          {"output", 'o', true, &outpath, NULL},
                          {NULL, 0, false, NULL, NULL}};
  const char *pos[2];
  int rc;
  int n = cli_parse(ctx, argc, argv, opts, COVERAGE_HELP, pos, 2, &rc);
  if (n < 0) return rc;
  if (n != 1)
    return cli_usage_error("coverage", n == 0 ? "missing JUR/EDITION" : "too many arguments");
  render_format fmt;
  uint64_t ps = 0;
  if ((rc = check_id("coverage", pos[0])) || (rc = check_format("coverage", fmt_s, &fmt, FMT_NO_SARIF)))
    return rc;
  if (ps_s && (!cli_parse_u64(ps_s, &ps) || ps == 0 || ps > 500))
    return cli_usage_error("coverage", "--page-size needs a number from 1 to 500, not '%s'", ps_s);
  int *types = NULL;
  size_t n_types = 0;
  if (type_s && collect_types(argc, argv, &types, &n_types) != 0) return CLI_USAGE;

  Pss__Comparison__V1__CoverageResponse **pages = NULL;
  size_t n_pages = 0;
  char *token = NULL;
  rc = CLI_ERR;
  for (;;) {
    Pss__Comparison__V1__CoverageRequest req = PSS__COMPARISON__V1__COVERAGE_REQUEST__INIT;
    req.parent = (char *)pos[0];
    req.n_types = n_types;
    req.types = (Pss__Comparison__V1__FindingType *)types;
    req.page_size = (int32_t)ps;
    req.page_token = token ? token : (char *)"";
    Pss__Comparison__V1__CoverageResponse *p = (Pss__Comparison__V1__CoverageResponse *)call(
        ctx, COMPARISON_METHOD("Coverage"), &req.base,
        &pss__comparison__v1__coverage_response__descriptor);
    if (!p) goto out;
    Pss__Comparison__V1__CoverageResponse **np = realloc(pages, (n_pages + 1) * sizeof *np);
    if (!np) {
      protobuf_c_message_free_unpacked(&p->base, NULL);
      fprintf(stderr, "error: out of memory\n");
      goto out;
    }
    pages = np;
    pages[n_pages++] = p;
    if (!p->next_page_token || !*p->next_page_token) break;
    if (token && strcmp(token, p->next_page_token) == 0) {
      fprintf(stderr, "error: comparison-svc returned the same page token twice\n");
      goto out;
    }
    free(token);
    token = strdup(p->next_page_token);
    if (!token) goto out;
  }
  output o;
  rc = output_open(&o, outpath) != 0 ? CLI_ERR
                                     : rendered("coverage", &o, render_coverage(o.f, pages, n_pages, fmt));
out:
  free(token);
  free(types);
  for (size_t i = 0; i < n_pages; i++) protobuf_c_message_free_unpacked(&pages[i]->base, NULL);
  free(pages);
  return rc;
}

/* ---------------------------------------------------------------- diff */

int cmd_diff(cli_ctx *ctx, int argc, char **argv) {
  const char *fmt_s = NULL, *outpath = NULL;
  const cli_opt opts[] = {{"format", 'f', true, &fmt_s, NULL},
                          {"output", 'o', true, &outpath, NULL},
                          {NULL, 0, false, NULL, NULL}};
  const char *pos[3];
  int rc;
  int n = cli_parse(ctx, argc, argv, opts, DIFF_HELP, pos, 3, &rc);
  if (n < 0) return rc;
  if (n != 2)
    return cli_usage_error("diff", n < 2 ? "needs two standards: FROM TO (e.g. 330700/2021 330700/2023)"
                                         : "too many arguments");
  render_format fmt;
  if ((rc = check_id("diff", pos[0])) || (rc = check_id("diff", pos[1])) ||
      (rc = check_format("diff", fmt_s, &fmt, FMT_NO_SARIF)))
    return rc;
  Pss__Comparison__V1__CompareEditionsRequest req =
      PSS__COMPARISON__V1__COMPARE_EDITIONS_REQUEST__INIT;
  req.from = (char *)pos[0];
  req.to = (char *)pos[1];
  Pss__Comparison__V1__EditionDiff *d = (Pss__Comparison__V1__EditionDiff *)call(
      ctx, COMPARISON_METHOD("CompareEditions"), &req.base,
      &pss__comparison__v1__edition_diff__descriptor);
  if (!d) return CLI_ERR;
  output out;
  rc = output_open(&out, outpath) != 0 ? CLI_ERR
                                       : rendered("diff", &out, render_editions(out.f, d, fmt));
  protobuf_c_message_free_unpacked(&d->base, NULL);
  return rc;
}
