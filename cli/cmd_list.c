/* cmd_list.c — the listing commands: list (standards), jurisdictions, revisions,
 * filings. Each follows next_page_token to the end and prints a table, or a JSON
 * array with --json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pbjson.h"
#include "pss/catalog/v1/catalog.pb-c.h"

/* ------------------------------------------------------------ paging helper */

/* Per command: fill the request's page token, and pull the elements and the next token
 * out of a response. */
typedef struct pager {
  const char *method;
  ProtobufCMessage *req;
  char **req_page_token;                       /* &req->page_token */
  const ProtobufCMessageDescriptor *resp_desc;
  /* offsets into the response: count, array, next token */
  size_t (*count)(const ProtobufCMessage *resp);
  ProtobufCMessage *(*elem)(const ProtobufCMessage *resp, size_t i);
  const char *(*next)(const ProtobufCMessage *resp);
} pager;

/* Calls until the last page; every element is converted with pbjson and appended to
 * *out (a JSON array). Returns CLI_OK or CLI_ERR (error printed). */
static int page_all(cli_ctx *ctx, const pager *p, json_t *out) {
  char *token = NULL;
  int rc = CLI_OK;
  do {
    *p->req_page_token = token ? token : (char *)"";
    ProtobufCMessage *resp = NULL;
    if (cli_call(ctx, NULL, p->method, p->req, p->resp_desc, &resp) != GRPC_STATUS_OK) {
      rc = CLI_ERR;
      break;
    }
    size_t n = p->count(resp);
    for (size_t i = 0; i < n; i++) json_array_append_new(out, pbjson_from_message(p->elem(resp, i)));
    const char *next = p->next(resp);
    char *nt = next && next[0] ? strdup(next) : NULL;
    if (nt && token && strcmp(nt, token) == 0) { /* a server bug must not loop forever */
      free(nt);
      nt = NULL;
    }
    free(token);
    token = nt;
    protobuf_c_message_free_unpacked(resp, NULL);
  } while (token);
  *p->req_page_token = (char *)"";
  free(token);
  return rc;
}

static const char *jstr(json_t *o, const char *key) {
  json_t *v = json_object_get(o, key);
  return json_is_string(v) ? json_string_value(v) : "";
}

/* Numbers as text: 64-bit values are JSON strings, 32-bit ones integers; absent = 0. */
static const char *jnum(json_t *o, const char *key, char *buf, size_t n) {
  json_t *v = json_object_get(o, key);
  if (json_is_string(v)) return json_string_value(v);
  snprintf(buf, n, "%lld", json_is_integer(v) ? (long long)json_integer_value(v) : 0LL);
  return buf;
}

/* Prints a table: columns named in cols, each row from the JSON objects of arr. The
 * last column is not padded (titles and names, in CJK, go there). */
typedef const char *(*cell_fn)(json_t *row, char *buf, size_t n);
static void print_table(json_t *arr, const char *const *heads, const cell_fn *cells, int ncols) {
  size_t nrows = json_array_size(arr);
  int *w = calloc((size_t)ncols, sizeof *w);
  char buf[128];
  for (int c = 0; c < ncols; c++) w[c] = cli_display_width(heads[c]);
  for (size_t r = 0; r < nrows; r++)
    for (int c = 0; c < ncols; c++) {
      int cw = cli_display_width(cells[c](json_array_get(arr, r), buf, sizeof buf));
      if (cw > w[c]) w[c] = cw;
    }
  for (int c = 0; c < ncols; c++)
    if (c + 1 < ncols)
      cli_print_cell(heads[c], w[c]);
    else
      puts(heads[c]);
  for (size_t r = 0; r < nrows; r++)
    for (int c = 0; c < ncols; c++) {
      const char *s = cells[c](json_array_get(arr, r), buf, sizeof buf);
      if (c + 1 < ncols)
        cli_print_cell(s, w[c]);
      else
        puts(s);
    }
  free(w);
}

static int finish(json_t *arr, bool as_json, const char *const *heads, const cell_fn *cells,
                  int ncols) {
  int rc = CLI_OK;
  if (as_json)
    rc = cli_print_json(arr, CLI_JSON_PRETTY) == 0 ? CLI_OK : CLI_ERR;
  else
    print_table(arr, heads, cells, ncols);
  json_decref(arr);
  return rc;
}

/* cell functions */
#define CELL_STR(fn, key) \
  static const char *fn(json_t *r, char *b, size_t n) { (void)b; (void)n; return jstr(r, key); }
#define CELL_NUM(fn, key) \
  static const char *fn(json_t *r, char *b, size_t n) { return jnum(r, key, b, n); }
#define CELL_ENUM(fn, key, dflt) \
  static const char *fn(json_t *r, char *b, size_t n) { \
    (void)b; (void)n; const char *s = jstr(r, key); return *s ? s : dflt; }

CELL_STR(c_id, "id")
CELL_ENUM(c_status, "status", "-")
CELL_NUM(c_revision, "revision")
CELL_NUM(c_items, "itemCount")
CELL_STR(c_title, "title")
CELL_STR(c_code, "code")
CELL_ENUM(c_level, "level", "-")
CELL_STR(c_parent_code, "parentCode")
CELL_STR(c_name, "name")
CELL_ENUM(c_kind, "kind", "-")
CELL_STR(c_time, "time")
CELL_STR(c_number, "number")
CELL_STR(c_date, "date")
CELL_STR(c_authority, "authority")

static const char *c_covers(json_t *r, char *b, size_t n) {
  size_t i, o = 0;
  json_t *c;
  b[0] = '\0';
  json_array_foreach(json_object_get(r, "covers"), i, c) {
    const char *f = jstr(c, "field");
    int k = snprintf(b + o, o < n ? n - o : 0, "%s%s%s%s", i ? "," : "", jstr(c, "itemCode"),
                     *f ? ":" : "", f);
    if (k > 0) o += (size_t)k;
    if (o >= n) break;
  }
  return b;
}

/* ------------------------------------------------------------ list */

static const char LIST_HELP[] =
    "Usage: stdctl list [--jurisdiction PREFIX] [--status S] [--parent ID] [--json]\n"
    "\n"
    "Lists standards (all pages): id, status, revision, items, title.\n"
    "\n"
    "Options:\n"
    "  --jurisdiction PREFIX  only jurisdictions whose code starts with PREFIX (\"3307\")\n"
    "  --status S             DRAFT, PUBLISHED, SUPERSEDED or WITHDRAWN\n"
    "  --parent ID            only children of standard ID\n"
    "  --json                 print a JSON array of standard headers instead of a table\n"
    "  --catalog HOST:PORT, --timeout MS\n"
    "\n"
    "Example:\n"
    "  stdctl list --jurisdiction 3307 --status PUBLISHED\n";

static size_t ls_count(const ProtobufCMessage *m) {
  return ((const Pss__Catalog__V1__ListStandardsResponse *)m)->n_standards;
}
static ProtobufCMessage *ls_elem(const ProtobufCMessage *m, size_t i) {
  return &((const Pss__Catalog__V1__ListStandardsResponse *)m)->standards[i]->base;
}
static const char *ls_next(const ProtobufCMessage *m) {
  return ((const Pss__Catalog__V1__ListStandardsResponse *)m)->next_page_token;
}

int cmd_list(cli_ctx *ctx, int argc, char **argv) {
  const char *prefix = NULL, *status = NULL, *parent = NULL;
  bool as_json = false;
  const cli_opt opts[] = {{"jurisdiction", 0, true, &prefix, NULL},
                          {"status", 0, true, &status, NULL},
                          {"parent", 0, true, &parent, NULL},
                          {"json", 0, false, NULL, &as_json},
                          {NULL, 0, false, NULL, NULL}};
  const char *pos[1];
  int rc;
  int n = cli_parse(ctx, argc, argv, opts, LIST_HELP, pos, 0, &rc);
  if (n < 0) return rc;
  Pss__Catalog__V1__ListStandardsRequest req = PSS__CATALOG__V1__LIST_STANDARDS_REQUEST__INIT;
  if (prefix) req.jurisdiction_prefix = (char *)prefix;
  if (parent) req.parent = (char *)parent;
  if (status) {
    int v;
    if (cli_enum_parse(&pss__catalog__v1__standard_status__descriptor, status, &v))
      return cli_usage_error("list", "unknown status '%s' (DRAFT, PUBLISHED, SUPERSEDED, WITHDRAWN)",
                             status);
    req.status = (Pss__Catalog__V1__StandardStatus)v;
  }
  req.page_size = 1000;
  pager p = {CATALOG_METHOD("ListStandards"), &req.base, &req.page_token,
             &pss__catalog__v1__list_standards_response__descriptor, ls_count, ls_elem, ls_next};
  json_t *arr = json_array();
  if (page_all(ctx, &p, arr) != CLI_OK) {
    json_decref(arr);
    return CLI_ERR;
  }
  static const char *const heads[] = {"ID", "STATUS", "REVISION", "ITEMS", "TITLE"};
  static const cell_fn cells[] = {c_id, c_status, c_revision, c_items, c_title};
  return finish(arr, as_json, heads, cells, 5);
}

/* ------------------------------------------------------------ jurisdictions */

static const char JUR_HELP[] =
    "Usage: stdctl jurisdictions [PREFIX] [--json]\n"
    "\n"
    "Lists jurisdictions whose code starts with PREFIX (all when omitted): code, level,\n"
    "parent, name.\n"
    "\n"
    "Options:\n"
    "  --json   print a JSON array instead of a table\n"
    "  --catalog HOST:PORT, --timeout MS\n"
    "\n"
    "Example:\n"
    "  stdctl jurisdictions 3307\n";

static size_t lj_count(const ProtobufCMessage *m) {
  return ((const Pss__Catalog__V1__ListJurisdictionsResponse *)m)->n_jurisdictions;
}
static ProtobufCMessage *lj_elem(const ProtobufCMessage *m, size_t i) {
  return &((const Pss__Catalog__V1__ListJurisdictionsResponse *)m)->jurisdictions[i]->base;
}
static const char *lj_next(const ProtobufCMessage *m) {
  return ((const Pss__Catalog__V1__ListJurisdictionsResponse *)m)->next_page_token;
}

int cmd_jurisdictions(cli_ctx *ctx, int argc, char **argv) {
  bool as_json = false;
  const cli_opt opts[] = {{"json", 0, false, NULL, &as_json}, {NULL, 0, false, NULL, NULL}};
  const char *pos[1];
  int rc;
  int n = cli_parse(ctx, argc, argv, opts, JUR_HELP, pos, 1, &rc);
  if (n < 0) return rc;
  Pss__Catalog__V1__ListJurisdictionsRequest req = PSS__CATALOG__V1__LIST_JURISDICTIONS_REQUEST__INIT;
  if (n == 1) req.code_prefix = (char *)pos[0];
  req.page_size = 1000;
  pager p = {CATALOG_METHOD("ListJurisdictions"), &req.base, &req.page_token,
             &pss__catalog__v1__list_jurisdictions_response__descriptor, lj_count, lj_elem, lj_next};
  json_t *arr = json_array();
  if (page_all(ctx, &p, arr) != CLI_OK) {
    json_decref(arr);
    return CLI_ERR;
  }
  static const char *const heads[] = {"CODE", "LEVEL", "PARENT", "NAME"};
  static const cell_fn cells[] = {c_code, c_level, c_parent_code, c_name};
  return finish(arr, as_json, heads, cells, 4);
}

/* ------------------------------------------------------------ revisions */

static const char REV_HELP[] =
    "Usage: stdctl revisions JUR/EDITION [--json]\n"
    "\n"
    "Lists every store revision that changed the standard: revision, kind, status,\n"
    "items, time. Any of them can be read back with `stdctl get ID --revision N`.\n"
    "\n"
    "Options:\n"
    "  --json   print a JSON array instead of a table\n"
    "  --catalog HOST:PORT, --timeout MS\n"
    "\n"
    "Example:\n"
    "  stdctl revisions 330782/2021\n";

static size_t lr_count(const ProtobufCMessage *m) {
  return ((const Pss__Catalog__V1__ListRevisionsResponse *)m)->n_revisions;
}
static ProtobufCMessage *lr_elem(const ProtobufCMessage *m, size_t i) {
  return &((const Pss__Catalog__V1__ListRevisionsResponse *)m)->revisions[i]->base;
}
static const char *lr_next(const ProtobufCMessage *m) {
  return ((const Pss__Catalog__V1__ListRevisionsResponse *)m)->next_page_token;
}

static int one_standard_id(const char *cmd, int n, const char **pos) {
  if (n != 1) return cli_usage_error(cmd, n == 0 ? "missing JUR/EDITION" : "too many arguments");
  if (!cli_valid_standard_id(pos[0]))
    return cli_usage_error(cmd, "'%s' is not a standard id (JUR/EDITION, e.g. 330782/2021)", pos[0]);
  return CLI_OK;
}

int cmd_revisions(cli_ctx *ctx, int argc, char **argv) {
  bool as_json = false;
  const cli_opt opts[] = {{"json", 0, false, NULL, &as_json}, {NULL, 0, false, NULL, NULL}};
  const char *pos[2];
  int rc;
  int n = cli_parse(ctx, argc, argv, opts, REV_HELP, pos, 2, &rc);
  if (n < 0) return rc;
  if ((rc = one_standard_id("revisions", n, pos)) != CLI_OK) return rc;
  Pss__Catalog__V1__ListRevisionsRequest req = PSS__CATALOG__V1__LIST_REVISIONS_REQUEST__INIT;
  req.id = (char *)pos[0];
  req.page_size = 1000;
  pager p = {CATALOG_METHOD("ListRevisions"), &req.base, &req.page_token,
             &pss__catalog__v1__list_revisions_response__descriptor, lr_count, lr_elem, lr_next};
  json_t *arr = json_array();
  if (page_all(ctx, &p, arr) != CLI_OK) {
    json_decref(arr);
    return CLI_ERR;
  }
  static const char *const heads[] = {"REVISION", "KIND", "STATUS", "ITEMS", "TIME"};
  static const cell_fn cells[] = {c_revision, c_kind, c_status, c_items, c_time};
  return finish(arr, as_json, heads, cells, 5);
}

/* ------------------------------------------------------------ filings */

static const char FIL_HELP[] =
    "Usage: stdctl filings JUR/EDITION [--json]\n"
    "\n"
    "Lists the filings of a standard (提标备案 RAISE, EXEMPTION): number, kind, date,\n"
    "covers (item[:field]…), authority.\n"
    "\n"
    "Options:\n"
    "  --json   print a JSON array instead of a table\n"
    "  --catalog HOST:PORT, --timeout MS\n"
    "\n"
    "Example:\n"
    "  stdctl filings 330782/2021 --json\n";

static size_t lf_count(const ProtobufCMessage *m) {
  return ((const Pss__Catalog__V1__ListFilingsResponse *)m)->n_filings;
}
static ProtobufCMessage *lf_elem(const ProtobufCMessage *m, size_t i) {
  return &((const Pss__Catalog__V1__ListFilingsResponse *)m)->filings[i]->base;
}
static const char *lf_next(const ProtobufCMessage *m) {
  return ((const Pss__Catalog__V1__ListFilingsResponse *)m)->next_page_token;
}

int cmd_filings(cli_ctx *ctx, int argc, char **argv) {
  bool as_json = false;
  const cli_opt opts[] = {{"json", 0, false, NULL, &as_json}, {NULL, 0, false, NULL, NULL}};
  const char *pos[2];
  int rc;
  int n = cli_parse(ctx, argc, argv, opts, FIL_HELP, pos, 2, &rc);
  if (n < 0) return rc;
  if ((rc = one_standard_id("filings", n, pos)) != CLI_OK) return rc;
  Pss__Catalog__V1__ListFilingsRequest req = PSS__CATALOG__V1__LIST_FILINGS_REQUEST__INIT;
  req.standard = (char *)pos[0];
  req.page_size = 1000;
  pager p = {CATALOG_METHOD("ListFilings"), &req.base, &req.page_token,
             &pss__catalog__v1__list_filings_response__descriptor, lf_count, lf_elem, lf_next};
  json_t *arr = json_array();
  if (page_all(ctx, &p, arr) != CLI_OK) {
    json_decref(arr);
    return CLI_ERR;
  }
  static const char *const heads[] = {"NUMBER", "KIND", "DATE", "COVERS", "AUTHORITY"};
  static const cell_fn cells[] = {c_number, c_kind, c_date, c_covers, c_authority};
  return finish(arr, as_json, heads, cells, 5);
}
