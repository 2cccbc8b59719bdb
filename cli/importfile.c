/* importfile.c — decoding import files and ordering them parents-first. */
#include "importfile.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbjson.h"

int importfile_from_json(const char *name, json_t *json,
                         Pss__Catalog__V1__ImportStandardRequest **out, char *id, size_t idlen,
                         char *err, size_t errlen) {
  char perr[512];
  *out = NULL;
  ProtobufCMessage *m = pbjson_to_message(&pss__catalog__v1__import_standard_request__descriptor,
                                          json, NULL, perr, sizeof perr);
  if (!m) {
    snprintf(err, errlen, "%s: %s", name, perr);
    return -1;
  }
  Pss__Catalog__V1__ImportStandardRequest *r = (Pss__Catalog__V1__ImportStandardRequest *)m;
  const char *problem = NULL;
  if (!r->standard)
    problem = "standard: missing";
  else if (!r->standard->jurisdiction || !r->standard->jurisdiction[0])
    problem = "standard.jurisdiction: missing";
  else if (!r->standard->edition || !r->standard->edition[0])
    problem = "standard.edition: missing";
  if (problem) {
    snprintf(err, errlen, "%s: %s", name, problem);
    protobuf_c_message_free_unpacked(m, NULL);
    return -1;
  }
  char sid[256];
  snprintf(sid, sizeof sid, "%s/%s", r->standard->jurisdiction, r->standard->edition);
  if (r->standard->id && r->standard->id[0] && strcmp(r->standard->id, sid) != 0) {
    snprintf(err, errlen, "%s: standard.id: \"%s\" does not match jurisdiction/edition \"%s\"", name,
             r->standard->id, sid);
    protobuf_c_message_free_unpacked(m, NULL);
    return -1;
  }
  if (id && idlen) snprintf(id, idlen, "%s", sid);
  *out = r;
  return 0;
}

int importfile_load(const char *path, Pss__Catalog__V1__ImportStandardRequest **out, char *id,
                    size_t idlen, char *err, size_t errlen) {
  json_error_t je;
  *out = NULL;
  json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
  if (!j) {
    if (je.line > 0)
      snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    else
      snprintf(err, errlen, "%s: %s", path, je.text);
    return -1;
  }
  int rc = importfile_from_json(path, j, out, id, idlen, err, errlen);
  json_decref(j);
  return rc;
}

static bool has_parent(const topo_node *nodes, size_t child, size_t parent) {
  const char *p = nodes[child].parent;
  return p && p[0] && nodes[parent].id && strcmp(p, nodes[parent].id) == 0;
}

int topo_order(const topo_node *nodes, size_t n, size_t *order, char *err, size_t errlen) {
  if (err && errlen) err[0] = '\0';
  if (n == 0) return 0;
  /* Kahn's algorithm, always taking the lowest-index ready node: keeps the given order
   * wherever parents allow it. n is a handful of files, so O(n^2) is fine. */
  size_t *indeg = calloc(n, sizeof *indeg);
  bool *done = calloc(n, sizeof *done);
  if (!indeg || !done) {
    free(indeg);
    free(done);
    if (err && errlen) snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (size_t c = 0; c < n; c++)
    for (size_t p = 0; p < n; p++)
      if (has_parent(nodes, c, p)) indeg[c]++;
  size_t emitted = 0;
  while (emitted < n) {
    size_t pick = n;
    for (size_t i = 0; i < n; i++)
      if (!done[i] && indeg[i] == 0) {
        pick = i;
        break;
      }
    if (pick == n) break; /* the rest lies on or behind a cycle */
    done[pick] = true;
    order[emitted++] = pick;
    for (size_t c = 0; c < n; c++)
      if (!done[c] && has_parent(nodes, c, pick)) indeg[c]--;
  }
  int rc = 0;
  if (emitted < n) {
    rc = -1;
    if (err && errlen) {
      /* walk parent links from a remaining node until one repeats: that is the cycle */
      size_t start = 0;
      while (done[start]) start++;
      size_t *seen_at = calloc(n, sizeof *seen_at); /* step+1 at which node was visited */
      size_t cur = start, step = 0;
      while (seen_at && !seen_at[cur]) {
        seen_at[cur] = ++step;
        size_t next = n;
        for (size_t p = 0; p < n; p++)
          if (!done[p] && has_parent(nodes, cur, p)) {
            next = p;
            break;
          }
        if (next == n) break;
        cur = next;
      }
      size_t o = (size_t)snprintf(err, errlen, "parent cycle: ");
      size_t first = cur, k = cur;
      do {
        if (o < errlen) o += (size_t)snprintf(err + o, errlen - o, "%s -> ", nodes[k].id);
        size_t next = n;
        for (size_t p = 0; p < n; p++)
          if (!done[p] && has_parent(nodes, k, p)) {
            next = p;
            break;
          }
        if (next == n) break;
        k = next;
      } while (k != first);
      if (o < errlen) snprintf(err + o, errlen - o, "%s", nodes[first].id);
      free(seen_at);
    }
  }
  free(indeg);
  free(done);
  return rc;
}
