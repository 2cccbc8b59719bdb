/* cmd_csv.c — the Excel path for officials: `stdctl import-csv` (an item table as
 * CSV, the header from flags, one ImportStandard transaction) and `stdctl export-csv`
 * (the same table from GetStandard). Format: docs/import-formats.md, "Item tables
 * (CSV, Excel)"; the table itself is cli/csv_items.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "csv_items.h"
#include "importfile.h"
#include "pbjson.h"
#include "pss/catalog/v1/catalog.pb-c.h"

static const char IMPORT_HELP[] =
    "Usage: stdctl import-csv FILE --standard JUR/EDITION --title TITLE [--parent JUR/EDITION]\n"
    "                         [--status STATUS] [--jurisdiction-name NAME]\n"
    "                         [--jurisdictions-from FILE.json] [--filings-from FILE.json] [--check]\n"
    "\n"
    "Imports a standard whose items are a CSV table (Excel: 另存为 → CSV UTF-8（逗号分隔）).\n"
    "FILE is UTF-8 with or without a BOM (\"-\" = standard input); row 1 names the columns:\n"
    "  编码 上级编码 领域 服务类别 服务项目 服务对象 服务内容 服务标准 支出责任 牵头负责单位\n"
    "  对象人群 指标 备案 豁免 备注 行政区划代码   (English: code parent_code domain …)\n"
    "Required: 编码, 领域, 服务项目. 服务内容 holds one clause per line of the cell;\n"
    "对象人群 one group per line, \"名称:常住|户籍|居住证\"; 指标 one level per line,\n"
    "\"指标名|≥|97|%|高优|原文\" (comparator ≥ ≤ = ~, range value 90~95, direction 高优/低优).\n"
    "Full rules: docs/import-formats.md, \"Item tables (CSV, Excel)\".\n"
    "\n"
    "Every row is checked before anything is sent; each problem is reported as\n"
    "  FILE: row R, column C: what is wrong\n"
    "(row 1 is the header, as a spreadsheet numbers rows) and when there is any, nothing is\n"
    "imported (exit 1). The standard is stored in one ImportStandard transaction.\n"
    "\n"
    "Options:\n"
    "  --standard JUR/EDITION   the standard to create, e.g. 330782/2021 (JUR: CN or a\n"
    "                           6-digit GB/T 2260 code)\n"
    "  --title TITLE            its title, e.g. 义乌市基本公共服务标准（2021年版）\n"
    "  --parent JUR/EDITION     the parent standard (required except for CN)\n"
    "  --status STATUS          DRAFT (default), PUBLISHED (publish in the same transaction),\n"
    "                           SUPERSEDED or WITHDRAWN (a historical edition)\n"
    "  --jurisdiction-name NAME create the standard's jurisdiction with this name if missing\n"
    "  --jurisdictions-from F   jurisdictions to create if missing: the \"jurisdictions\" of an\n"
    "                           import/export JSON file, or a JSON array of {code, name}\n"
    "                           (otherwise the jurisdiction must already be in the catalog)\n"
    "  --filings-from F         filings (提标备案, exemptions) to store with the standard: the\n"
    "                           \"filings\" of an import/export JSON file, or a JSON array\n"
    "  --check                  check the file and the flags only; send nothing\n"
    "  --catalog HOST:PORT, --timeout MS, --token TOKEN\n"
    "\n"
    "Example:\n"
    "  stdctl import-csv 义乌2021.csv --standard 330782/2021 --parent 330700/2021 \\\n"
    "      --title '义乌市基本公共服务标准（2021年版）' --status PUBLISHED --jurisdiction-name 义乌市\n";

static const char EXPORT_HELP[] =
    "Usage: stdctl export-csv JUR/EDITION [-o FILE] [--revision N]\n"
    "\n"
    "Writes the items of a standard as the CSV table `stdctl import-csv` reads: UTF-8 with a\n"
    "BOM (so Excel opens it as UTF-8), CRLF line ends, the Chinese column names, one row per\n"
    "item. The standard's header (title, parent, status) is not in the table: pass it back\n"
    "to import-csv as flags (with -o, the command to do so is printed on stderr). Filings\n"
    "are not in the table either (`stdctl export` writes them as JSON). A value the table\n"
    "cannot hold exactly (e.g. a line break inside a 服务内容 clause) is an error: the CSV\n"
    "is always a lossless copy of the items.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE  write to FILE (atomically: a temporary file is renamed); default stdout\n"
    "  --revision N       export the standard as of store revision N\n"
    "  --catalog HOST:PORT, --timeout MS\n"
    "\n"
    "Example:\n"
    "  stdctl export-csv 330782/2021 -o 义乌2021.csv\n"
    "  stdctl import-csv 义乌2021.csv --standard 330782/2022 --parent 330700/2021 --title '…'\n";

/* "JUR/EDITION" -> jur, edition; a usage error naming what is wrong otherwise. */
static int split_standard_id(const char *cmd, const char *flag, const char *id, char *jur,
                             size_t jlen, char *ed, size_t elen) {
  const char *slash = id ? strchr(id, '/') : NULL;
  if (!slash || strchr(slash + 1, '/'))
    return cli_usage_error(cmd, "%s '%s' is not a standard id (JUR/EDITION, e.g. 330782/2021)",
                           flag, id ? id : "");
  snprintf(jur, jlen, "%.*s", (int)(slash - id), id);
  snprintf(ed, elen, "%s", slash + 1);
  const char *why;
  if (!csv_items_valid_jurisdiction(jur, &why))
    return cli_usage_error(cmd,
                           "%s '%s': \"%s\" is not a jurisdiction code: %s",
                           flag, id, jur, why);
  size_t n = strlen(ed);
  bool ok = n >= 1 && n <= 16;
  for (size_t i = 0; ok && i < n; i++) {
    char c = ed[i];
    ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         c == '.' || c == '_' || c == '-';
  }
  if (!ok)
    return cli_usage_error(cmd, "%s '%s': edition \"%s\" must be 1-16 of [0-9A-Za-z._-]", flag,
                           id, ed);
  return CLI_OK;
}

/* The array under `key` of a JSON file (an import/export file), or the file's top-level
 * array. NULL with a message printed on failure. */
static json_t *load_json_list(const char *path, const char *key) {
  json_error_t je;
  json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
  if (!j) {
    if (je.line > 0)
      fprintf(stderr, "error: %s:%d:%d: %s\n", path, je.line, je.column, je.text);
    else
      fprintf(stderr, "error: %s: %s\n", path, je.text);
    return NULL;
  }
  json_t *a = json_is_array(j) ? j : json_object_get(j, key);
  if (!json_is_array(a)) {
    fprintf(stderr, "error: %s: expected a JSON array or an object with \"%s\": [...]\n", path,
            key);
    json_decref(j);
    return NULL;
  }
  json_incref(a);
  json_decref(j);
  return a;
}

/* Appends "(standard.items[K] is row R of FILE)" when the server's message names an item. */
static void explain_item_path(const char *msg, const size_t *rows, size_t n_rows,
                              const char *file) {
  const char *p = msg ? strstr(msg, "standard.items[") : NULL;
  size_t k;
  if (p && sscanf(p, "standard.items[%zu]", &k) == 1 && k < n_rows)
    fprintf(stderr, "  (standard.items[%zu] is row %zu of %s)\n", k, rows[k], file);
}

int cmd_import_csv(cli_ctx *ctx, int argc, char **argv) {
  const char *std_s = NULL, *title = NULL, *parent = NULL, *status_s = NULL, *jname = NULL,
             *jfrom = NULL, *ffrom = NULL;
  bool check = false;
  const cli_opt opts[] = {{"standard", 0, true, &std_s, NULL},
                          {"title", 0, true, &title, NULL},
                          {"parent", 0, true, &parent, NULL},
                          {"status", 0, true, &status_s, NULL},
                          {"jurisdiction-name", 0, true, &jname, NULL},
                          {"jurisdictions-from", 0, true, &jfrom, NULL},
                          {"filings-from", 0, true, &ffrom, NULL},
                          {"check", 0, false, NULL, &check},
                          {NULL, 0, false, NULL, NULL}};
  const char *pos[2];
  int rc;
  int n = cli_parse(ctx, argc, argv, opts, IMPORT_HELP, pos, 2, &rc);
  if (n < 0) return rc;
  if (n != 1) return cli_usage_error("import-csv", n == 0 ? "missing FILE" : "too many arguments");
  if (!std_s) return cli_usage_error("import-csv", "--standard JUR/EDITION is required");
  char jur[64], ed[64];
  if ((rc = split_standard_id("import-csv", "--standard", std_s, jur, sizeof jur, ed, sizeof ed)))
    return rc;
  if (!title || !*title) return cli_usage_error("import-csv", "--title TITLE is required");
  bool national = strcmp(jur, "CN") == 0;
  if (national && parent && *parent)
    return cli_usage_error("import-csv", "the national standard has no --parent");
  if (!national && (!parent || !*parent))
    return cli_usage_error("import-csv", "--parent JUR/EDITION is required (the standard %s implements)",
                           std_s);
  if (!national) {
    char pj[64], pe[64];
    if ((rc = split_standard_id("import-csv", "--parent", parent, pj, sizeof pj, pe, sizeof pe)))
      return rc;
  }
  int status = PSS__CATALOG__V1__STANDARD_STATUS__DRAFT;
  if (status_s && (cli_enum_parse(&pss__catalog__v1__standard_status__descriptor, status_s, &status) ||
                   status == PSS__CATALOG__V1__STANDARD_STATUS__STANDARD_STATUS_UNSPECIFIED))
    return cli_usage_error("import-csv",
                           "--status '%s': use DRAFT, PUBLISHED, SUPERSEDED or WITHDRAWN", status_s);
  if (jname && !*jname) return cli_usage_error("import-csv", "--jurisdiction-name is empty");

  const char *file = pos[0];
  json_t *jurs = NULL, *filings = NULL, *items = NULL, *doc = NULL;
  size_t *rows = NULL;
  Pss__Catalog__V1__ImportStandardRequest *req = NULL;
  rc = CLI_ERR;

  if (jfrom && !(jurs = load_json_list(jfrom, "jurisdictions"))) goto out;
  if (!jurs) jurs = json_array();
  if (jname) {
    json_t *j = json_object();
    json_object_set_new(j, "code", json_string(jur));
    json_object_set_new(j, "name", json_string(jname));
    /* the flag wins over a file entry of the same code */
    size_t k;
    json_t *e;
    json_array_foreach(jurs, k, e) {
      const char *c = json_string_value(json_object_get(e, "code"));
      if (c && strcmp(c, jur) == 0) {
        json_array_remove(jurs, k);
        break;
      }
    }
    json_array_append_new(jurs, j);
  }
  if (ffrom) {
    if (!(filings = load_json_list(ffrom, "filings"))) goto out;
    size_t k;
    json_t *f;
    json_array_foreach(filings, k, f) json_object_del(f, "standard"); /* it is this one */
  }

  csv_msgs msgs = {0};
  items = csv_items_decode_file(file, jur, &rows, &msgs);
  if (!items) {
    for (size_t i = 0; i < msgs.n; i++) fprintf(stderr, "%s\n", msgs.v[i]);
    if (msgs.more) fprintf(stderr, "… and %zu more problems\n", msgs.more);
    fprintf(stderr, "error: %s: %zu problem%s; nothing imported\n",
            strcmp(file, "-") == 0 ? "<stdin>" : file, msgs.n + msgs.more,
            msgs.n + msgs.more == 1 ? "" : "s");
    csv_msgs_free(&msgs);
    goto out;
  }
  size_t n_items = json_array_size(items);

  doc = json_object();
  json_t *std = json_object();
  json_object_set_new(std, "jurisdiction", json_string(jur));
  json_object_set_new(std, "edition", json_string(ed));
  json_object_set_new(std, "title", json_string(title));
  if (!national) json_object_set_new(std, "parent", json_string(parent));
  json_object_set_new(std, "status",
                      json_string(cli_enum_name(&pss__catalog__v1__standard_status__descriptor, status)));
  json_object_set(std, "items", items);
  json_object_set_new(doc, "standard", std);
  if (json_array_size(jurs)) json_object_set(doc, "jurisdictions", jurs);
  if (filings && json_array_size(filings)) json_object_set(doc, "filings", filings);

  char id[256], err[1024];
  if (importfile_from_json(file, doc, &req, id, sizeof id, err, sizeof err)) {
    fprintf(stderr, "error: %s\n", err);
    explain_item_path(err, rows, n_items, file);
    fprintf(stderr, "error: nothing imported\n");
    goto out;
  }
  if (check) {
    printf("checked %s: %zu items for %s, nothing sent\n", file, n_items, id);
    rc = CLI_OK;
    goto out;
  }

  ProtobufCMessage *resp = NULL;
  rpc_client *c = cli_client(ctx, NULL);
  if (!c) {
    cli_print_rpc_error(GRPC_STATUS_UNAVAILABLE, "cannot create a channel");
    goto out;
  }
  /* cli_call prints the server's message; the extra lines point at the row or flag */
  rpc_metadata_kv md[1];
  size_t n_md = cli_metadata(ctx, md);
  rpc_result res;
  memset(&res, 0, sizeof res);
  grpc_status_code code = rpc_client_call(
      c, CATALOG_METHOD("ImportStandard"), &req->base,
      &pss__catalog__v1__import_standard_response__descriptor, &resp,
      rpc_deadline_ms(ctx->timeout_ms), md, n_md, &res);
  if (code != GRPC_STATUS_OK) {
    cli_print_rpc_error(code, res.message);
    fprintf(stderr, "  while importing %s from %s; nothing imported\n", id, file);
    explain_item_path(res.message, rows, n_items, file);
    if (res.message && strstr(res.message, "jurisdiction") && strstr(res.message, "does not exist"))
      fprintf(stderr, "  hint: give --jurisdiction-name NAME (or --jurisdictions-from FILE.json "
                      "with the missing ancestors) to create it\n");
    if (resp) protobuf_c_message_free_unpacked(resp, NULL);
    rpc_result_clear(&res);
    goto out;
  }
  rpc_result_clear(&res);
  Pss__Catalog__V1__ImportStandardResponse *r = (Pss__Catalog__V1__ImportStandardResponse *)resp;
  if (r->unchanged) {
    printf("unchanged %s\n", id);
  } else {
    uint64_t rev = r->standard ? r->standard->revision : 0;
    size_t cnt = r->standard && r->standard->item_count ? r->standard->item_count : n_items;
    printf("imported %s (%zu items) at revision %llu\n", id, cnt, (unsigned long long)rev);
  }
  protobuf_c_message_free_unpacked(resp, NULL);
  rc = CLI_OK;
out:
  if (req) protobuf_c_message_free_unpacked(&req->base, NULL);
  json_decref(doc);
  json_decref(items);
  json_decref(jurs);
  json_decref(filings);
  free(rows);
  return rc;
}

/* Writes data to path atomically (temporary file + rename). */
static int write_file_atomic(const char *path, const char *data, size_t len) {
  size_t n = strlen(path) + 32;
  char *tmp = malloc(n);
  if (!tmp) return -1;
  snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "wb");
  int rc = f ? 0 : -1;
  if (f) {
    if (fwrite(data, 1, len, f) != len) rc = -1;
    if (fflush(f) != 0 || ferror(f)) rc = -1;
    if (rc == 0 && fsync(fileno(f)) != 0) rc = -1;
    if (fclose(f) != 0) rc = -1;
    if (rc == 0 && rename(tmp, path) != 0) rc = -1;
  }
  if (rc != 0) {
    fprintf(stderr, "error: %s: %s\n", path, strerror(errno ? errno : EIO));
    unlink(tmp);
  }
  free(tmp);
  return rc;
}

/* 'text' quoted for a POSIX shell. */
static void print_shell_quoted(FILE *f, const char *s) {
  fputc('\'', f);
  for (; *s; s++) {
    if (*s == '\'')
      fputs("'\\''", f);
    else
      fputc(*s, f);
  }
  fputc('\'', f);
}

int cmd_export_csv(cli_ctx *ctx, int argc, char **argv) {
  const char *rev_s = NULL, *outpath = NULL;
  const cli_opt opts[] = {{"revision", 0, true, &rev_s, NULL},
                          {"output", 'o', true, &outpath, NULL},
                          {NULL, 0, false, NULL, NULL}};
  const char *pos[2];
  int rc;
  int n = cli_parse(ctx, argc, argv, opts, EXPORT_HELP, pos, 2, &rc);
  if (n < 0) return rc;
  if (n != 1) return cli_usage_error("export-csv", n == 0 ? "missing JUR/EDITION" : "too many arguments");
  char jur[64], ed[64];
  if ((rc = split_standard_id("export-csv", "standard", pos[0], jur, sizeof jur, ed, sizeof ed)))
    return rc;
  uint64_t rev = 0;
  if (rev_s && !cli_parse_u64(rev_s, &rev))
    return cli_usage_error("export-csv", "--revision needs a number, not '%s'", rev_s);

  Pss__Catalog__V1__GetStandardRequest req = PSS__CATALOG__V1__GET_STANDARD_REQUEST__INIT;
  req.id = (char *)pos[0];
  req.revision = rev;
  req.include_items = 1;
  ProtobufCMessage *resp = NULL;
  if (cli_call(ctx, NULL, CATALOG_METHOD("GetStandard"), &req.base,
               &pss__catalog__v1__standard__descriptor, &resp) != GRPC_STATUS_OK)
    return CLI_ERR;
  Pss__Catalog__V1__Standard *s = (Pss__Catalog__V1__Standard *)resp;
  json_t *js = pbjson_from_message(&s->base);
  json_t *items = json_object_get(js, "items");
  json_t *empty = NULL;
  if (!items) items = empty = json_array();

  char *data = NULL;
  size_t len = 0;
  FILE *mf = open_memstream(&data, &len);
  char err[1024] = "out of memory";
  rc = CLI_ERR;
  if (mf) {
    int e = csv_items_encode(mf, items, s->jurisdiction, err, sizeof err);
    if (fclose(mf) != 0) e = -1;
    if (e == 0) rc = CLI_OK;
  }
  if (rc != CLI_OK) {
    fprintf(stderr, "error: %s: %s\n", pos[0], err);
  } else if (outpath && strcmp(outpath, "-") != 0) {
    rc = write_file_atomic(outpath, data, len) == 0 ? CLI_OK : CLI_ERR;
    if (rc == CLI_OK) {
      fprintf(stderr, "wrote %s (%zu items of %s); to import it back:\n  stdctl import-csv ", outpath,
              json_array_size(items), pos[0]);
      print_shell_quoted(stderr, outpath);
      fprintf(stderr, " --standard %s", pos[0]);
      if (s->parent && *s->parent) fprintf(stderr, " --parent %s", s->parent);
      fputs(" --title ", stderr);
      print_shell_quoted(stderr, s->title ? s->title : "");
      fprintf(stderr, " --status %s\n",
              cli_enum_name(&pss__catalog__v1__standard_status__descriptor, s->status) );
    }
  } else {
    if (fwrite(data, 1, len, stdout) != len) rc = CLI_ERR;
  }
  free(data);
  json_decref(empty);
  json_decref(js);
  protobuf_c_message_free_unpacked(resp, NULL);
  return rc;
}
