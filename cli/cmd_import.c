/* cmd_import.c — `stdctl import FILE…`: parse every file first, then import them
 * parents-first, one Catalog/ImportStandard call per file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "importfile.h"

static const char HELP[] =
    "Usage: stdctl import FILE…\n"
    "\n"
    "Imports standards. Each FILE holds one ImportStandardRequest as JSON:\n"
    "  {\"jurisdictions\":[{\"code\":\"330782\",\"name\":\"义乌市\"},…],\n"
    "   \"standard\":{\"jurisdiction\":\"330782\",\"edition\":\"2021\",\"parent\":\"330700/2021\",\n"
    "                \"title\":…,\"items\":[…]},\n"
    "   \"filings\":[…]}\n"
    "Field names are lowerCamelCase or snake_case (docs/import-formats.md). All files are\n"
    "read and checked before anything is sent; they may be given in any order: a standard\n"
    "is imported after its parent (standard.parent) when both are given. Prints one line\n"
    "per file: \"imported ID (N items) at revision R\" or \"unchanged ID\".\n"
    "\n"
    "Options: --catalog HOST:PORT, --timeout MS, --token TOKEN\n"
    "\n"
    "Example:\n"
    "  stdctl import data/standards/330782-2021.json data/standards/330700-2021.json\n";

typedef struct {
  const char *path;
  char id[256];
  Pss__Catalog__V1__ImportStandardRequest *req;
} import_file;

int cmd_import(cli_ctx *ctx, int argc, char **argv) {
  int rc;
  const char **pos = calloc((size_t)argc + 1, sizeof *pos);
  if (!pos) return CLI_ERR;
  int n = cli_parse(ctx, argc, argv, NULL, HELP, pos, argc, &rc);
  if (n < 0) {
    free(pos);
    return rc;
  }
  if (n == 0) {
    free(pos);
    return cli_usage_error("import", "no FILE given");
  }
  import_file *files = calloc((size_t)n, sizeof *files);
  topo_node *nodes = calloc((size_t)n, sizeof *nodes);
  size_t *order = calloc((size_t)n, sizeof *order);
  rc = CLI_OK;
  if (!files || !nodes || !order) {
    rc = CLI_ERR;
    goto out;
  }
  for (int i = 0; i < n; i++) {
    char err[1024];
    files[i].path = pos[i];
    if (importfile_load(pos[i], &files[i].req, files[i].id, sizeof files[i].id, err, sizeof err)) {
      fprintf(stderr, "error: %s\n", err);
      rc = CLI_ERR;
    }
    nodes[i].id = files[i].id;
    nodes[i].parent = files[i].req ? files[i].req->standard->parent : NULL;
  }
  if (rc != CLI_OK) goto out;
  char err[1024];
  if (topo_order(nodes, (size_t)n, order, err, sizeof err)) {
    fprintf(stderr, "error: %s\n", err);
    rc = CLI_ERR;
    goto out;
  }
  bool progress = isatty(STDERR_FILENO);
  for (int k = 0; k < n; k++) {
    import_file *f = &files[order[k]];
    if (progress) fprintf(stderr, "[%d/%d] %s\n", k + 1, n, f->id);
    ProtobufCMessage *resp = NULL;
    grpc_status_code code =
        cli_call(ctx, NULL, CATALOG_METHOD("ImportStandard"), &f->req->base,
                 &pss__catalog__v1__import_standard_response__descriptor, &resp);
    if (code != GRPC_STATUS_OK) {
      fprintf(stderr, "  while importing %s (%s)\n", f->id, f->path);
      rc = CLI_ERR;
      goto out;
    }
    Pss__Catalog__V1__ImportStandardResponse *r = (Pss__Catalog__V1__ImportStandardResponse *)resp;
    if (r->unchanged) {
      printf("unchanged %s\n", f->id);
    } else {
      size_t items = f->req->standard->n_items;
      uint64_t rev = 0;
      if (r->standard) {
        if (r->standard->item_count) items = r->standard->item_count;
        rev = r->standard->revision;
      }
      printf("imported %s (%zu items) at revision %llu\n", f->id, items, (unsigned long long)rev);
    }
    fflush(stdout);
    protobuf_c_message_free_unpacked(resp, NULL);
  }
out:
  for (int i = 0; files && i < n; i++)
    if (files[i].req) protobuf_c_message_free_unpacked(&files[i].req->base, NULL);
  free(files);
  free(nodes);
  free(order);
  free(pos);
  return rc;
}
