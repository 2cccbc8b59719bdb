/* cmd_get.c — `stdctl get` (a standard with items as JSON) and `stdctl export` (a full
 * ImportStandardRequest that `stdctl import` accepts back). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pbjson.h"
#include "pss/catalog/v1/catalog.pb-c.h"

static const char GET_HELP[] =
    "Usage: stdctl get JUR/EDITION [--revision N]\n"
    "\n"
    "Prints the standard with its items as JSON (the shape of an import file's\n"
    "\"standard\", plus the output-only fields: id, status, revision, etag, times).\n"
    "\n"
    "Options:\n"
    "  --revision N   read the standard as of store revision N (default: latest)\n"
    "  --catalog HOST:PORT, --timeout MS\n"
    "\n"
    "Example:\n"
    "  stdctl get 330782/2021 --revision 12 > yiwu-2021.json\n";

static const char EXPORT_HELP[] =
    "Usage: stdctl export JUR/EDITION [-o FILE] [--revision N]\n"
    "\n"
    "Writes an import file for the standard: the jurisdictions it belongs to (itself and\n"
    "its ancestors), the standard with its items and its filings. `stdctl import FILE`\n"
    "stores it back. Output-only fields (revision, etag, times, item counts) are left\n"
    "out. Without -o the file goes to standard output.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE  write to FILE (atomically: a temporary file is renamed)\n"
    "  --revision N       export the standard as of store revision N\n"
    "  --catalog HOST:PORT, --timeout MS\n"
    "\n"
    "Example:\n"
    "  stdctl export 330782/2021 -o 330782-2021.json && stdctl import 330782-2021.json\n";

/* GetStandard with items; NULL (error printed) on failure. */
static Pss__Catalog__V1__Standard *get_standard(cli_ctx *ctx, const char *id, uint64_t revision) {
  Pss__Catalog__V1__GetStandardRequest req = PSS__CATALOG__V1__GET_STANDARD_REQUEST__INIT;
  req.id = (char *)id;
  req.revision = revision;
  req.include_items = 1;
  ProtobufCMessage *resp = NULL;
  if (cli_call(ctx, NULL, CATALOG_METHOD("GetStandard"), &req.base,
               &pss__catalog__v1__standard__descriptor, &resp) != GRPC_STATUS_OK)
    return NULL;
  return (Pss__Catalog__V1__Standard *)resp;
}

static int parse_id_and_revision(const char *cmd, int n, const char **pos, const char *rev_s,
                                 uint64_t *rev) {
  if (n != 1) return cli_usage_error(cmd, n == 0 ? "missing JUR/EDITION" : "too many arguments");
  if (!cli_valid_standard_id(pos[0]))
    return cli_usage_error(cmd, "'%s' is not a standard id (JUR/EDITION, e.g. 330782/2021)", pos[0]);
  *rev = 0;
  if (rev_s && !cli_parse_u64(rev_s, rev))
    return cli_usage_error(cmd, "--revision needs a number, not '%s'", rev_s);
  return CLI_OK;
}

int cmd_get(cli_ctx *ctx, int argc, char **argv) {
  const char *rev_s = NULL;
  const cli_opt opts[] = {{"revision", 0, true, &rev_s, NULL}, {NULL, 0, false, NULL, NULL}};
  const char *pos[2];
  int rc;
  int n = cli_parse(ctx, argc, argv, opts, GET_HELP, pos, 2, &rc);
  if (n < 0) return rc;
  uint64_t rev;
  if ((rc = parse_id_and_revision("get", n, pos, rev_s, &rev)) != CLI_OK) return rc;
  Pss__Catalog__V1__Standard *s = get_standard(ctx, pos[0], rev);
  if (!s) return CLI_ERR;
  json_t *j = pbjson_from_message(&s->base);
  rc = cli_print_json(j, CLI_JSON_PRETTY) == 0 ? CLI_OK : CLI_ERR;
  json_decref(j);
  protobuf_c_message_free_unpacked(&s->base, NULL);
  return rc;
}

static void del_keys(json_t *obj, const char *const *keys) {
  for (; obj && *keys; keys++) json_object_del(obj, *keys);
}

int cmd_export(cli_ctx *ctx, int argc, char **argv) {
  const char *rev_s = NULL, *outpath = NULL;
  const cli_opt opts[] = {{"revision", 0, true, &rev_s, NULL},
                          {"output", 'o', true, &outpath, NULL},
                          {NULL, 0, false, NULL, NULL}};
  const char *pos[2];
  int rc;
  int n = cli_parse(ctx, argc, argv, opts, EXPORT_HELP, pos, 2, &rc);
  if (n < 0) return rc;
  uint64_t rev;
  if ((rc = parse_id_and_revision("export", n, pos, rev_s, &rev)) != CLI_OK) return rc;

  Pss__Catalog__V1__Standard *s = get_standard(ctx, pos[0], rev);
  if (!s) return CLI_ERR;
  rc = CLI_ERR;
  json_t *doc = json_object();
  json_t *jurs = json_array();

  /* jurisdictions: the standard's own, then each parent up to the root; written
   * root first so an importer could create them in file order */
  char code[64];
  snprintf(code, sizeof code, "%s", s->jurisdiction);
  for (int depth = 0; code[0] && depth < 8; depth++) {
    Pss__Catalog__V1__GetJurisdictionRequest jr = PSS__CATALOG__V1__GET_JURISDICTION_REQUEST__INIT;
    jr.code = code;
    ProtobufCMessage *resp = NULL;
    if (cli_call(ctx, NULL, CATALOG_METHOD("GetJurisdiction"), &jr.base,
                 &pss__catalog__v1__jurisdiction__descriptor, &resp) != GRPC_STATUS_OK)
      goto out;
    Pss__Catalog__V1__Jurisdiction *J = (Pss__Catalog__V1__Jurisdiction *)resp;
    json_t *jj = json_object();
    json_object_set_new(jj, "code", json_string(J->code));
    if (J->name && J->name[0]) json_object_set_new(jj, "name", json_string(J->name));
    json_array_insert_new(jurs, 0, jj);
    snprintf(code, sizeof code, "%s", J->parent_code ? J->parent_code : "");
    protobuf_c_message_free_unpacked(resp, NULL);
  }

  /* the standard without output-only fields */
  json_t *js = pbjson_from_message(&s->base);
  static const char *const std_out_only[] = {"id", "revision", "etag", "createTime", "updateTime",
                                             "publishTime", "itemCount", "createRevision", NULL};
  static const char *const rev_only[] = {"revision", NULL};
  del_keys(js, std_out_only);
  size_t k;
  json_t *it;
  json_array_foreach(json_object_get(js, "items"), k, it) del_keys(it, rev_only);

  /* filings, all pages */
  json_t *jf = json_array();
  char *token = NULL;
  do {
    Pss__Catalog__V1__ListFilingsRequest fr = PSS__CATALOG__V1__LIST_FILINGS_REQUEST__INIT;
    fr.standard = (char *)pos[0];
    fr.page_size = 1000;
    fr.page_token = token ? token : (char *)"";
    ProtobufCMessage *resp = NULL;
    if (cli_call(ctx, NULL, CATALOG_METHOD("ListFilings"), &fr.base,
                 &pss__catalog__v1__list_filings_response__descriptor, &resp) != GRPC_STATUS_OK) {
      free(token);
      json_decref(js);
      json_decref(jf);
      goto out;
    }
    Pss__Catalog__V1__ListFilingsResponse *r = (Pss__Catalog__V1__ListFilingsResponse *)resp;
    for (size_t i = 0; i < r->n_filings; i++) {
      json_t *f = pbjson_from_message(&r->filings[i]->base);
      del_keys(f, rev_only);
      json_array_append_new(jf, f);
    }
    free(token);
    token = r->next_page_token && r->next_page_token[0] ? strdup(r->next_page_token) : NULL;
    protobuf_c_message_free_unpacked(resp, NULL);
  } while (token);

  json_object_set_new(doc, "jurisdictions", jurs);
  jurs = NULL;
  json_object_set_new(doc, "standard", js);
  if (json_array_size(jf))
    json_object_set_new(doc, "filings", jf);
  else
    json_decref(jf);

  if (outpath && strcmp(outpath, "-") != 0)
    rc = cli_write_json_file(outpath, doc) == 0 ? CLI_OK : CLI_ERR;
  else
    rc = cli_print_json(doc, CLI_JSON_PRETTY) == 0 ? CLI_OK : CLI_ERR;
out:
  json_decref(jurs);
  json_decref(doc);
  protobuf_c_message_free_unpacked(&s->base, NULL);
  return rc;
}
