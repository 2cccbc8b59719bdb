/*
 * reflection.c — gRPC server reflection (v1 and v1alpha share the wire format).
 *
 * The FileDescriptorSet embedded at build time is walked with a tiny protobuf wire
 * reader (field numbers from google/protobuf/descriptor.proto) to index every file
 * by name and every symbol (package-qualified messages, nested messages, fields,
 * enums, enum values, services, methods) by full name. Files are sent back as the
 * exact bytes found in the set, followed by their transitive dependencies.
 */
#include "log.h"
#include "rpc.h"
#include "rpc_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grpc/reflection/v1/reflection.pb-c.h"

/* ------------------------------------------------------------ wire reader */

typedef struct wire { const uint8_t *p, *end; } wire;
typedef struct field {
  uint32_t num;
  int type;                 /* 0 varint, 1 fixed64, 2 bytes, 5 fixed32 */
  uint64_t v;
  const uint8_t *data;
  size_t len;
} field;

static bool varint(wire *w, uint64_t *out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64 && w->p < w->end; shift += 7) {
    uint8_t b = *w->p++;
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *out = v;
      return true;
    }
  }
  return false;
}

/* 1 = field read, 0 = end, -1 = malformed */
static int next_field(wire *w, field *f) {
  if (w->p >= w->end) return 0;
  uint64_t key;
  if (!varint(w, &key)) return -1;
  f->num = (uint32_t)(key >> 3);
  f->type = (int)(key & 7);
  switch (f->type) {
    case 0:
      return varint(w, &f->v) ? 1 : -1;
    case 1:
      if (w->end - w->p < 8) return -1;
      w->p += 8;
      return 1;
    case 5:
      if (w->end - w->p < 4) return -1;
      w->p += 4;
      return 1;
    case 2: {
      uint64_t len;
      if (!varint(w, &len) || len > (uint64_t)(w->end - w->p)) return -1;
      f->data = w->p;
      f->len = (size_t)len;
      w->p += len;
      return 1;
    }
    default:
      return -1;
  }
}

/* ------------------------------------------------------------ index */

typedef struct dfile {
  char *name;
  const uint8_t *data;
  size_t len;
  size_t *deps;             /* indexes into files */
  size_t n_deps;
  char **dep_names;
  size_t n_dep_names;
} dfile;

typedef struct symbol { char *name; size_t file; } symbol;

struct rpc_reflection {
  rpc_server *srv;
  dfile *files;
  size_t n_files;
  symbol *syms;
  size_t n_syms, cap_syms;
};

static char *dupn(const uint8_t *p, size_t n) {
  char *s = malloc(n + 1);
  if (!s) abort();
  memcpy(s, p, n);
  s[n] = '\0';
  return s;
}

static void add_symbol(rpc_reflection *r, const char *scope, const uint8_t *name, size_t n,
                       size_t file, char **full_out) {
  size_t sl = strlen(scope);
  char *full = malloc(sl + n + 2);
  if (!full) abort();
  if (sl) {
    memcpy(full, scope, sl);
    full[sl] = '.';
    memcpy(full + sl + 1, name, n);
    full[sl + 1 + n] = '\0';
  } else {
    memcpy(full, name, n);
    full[n] = '\0';
  }
  if (r->n_syms == r->cap_syms) {
    r->cap_syms = r->cap_syms ? 2 * r->cap_syms : 256;
    r->syms = realloc(r->syms, r->cap_syms * sizeof *r->syms);
    if (!r->syms) abort();
  }
  r->syms[r->n_syms].name = full;
  r->syms[r->n_syms].file = file;
  r->n_syms++;
  if (full_out) *full_out = full;
}

/* Name (field 1) of a nested descriptor message. */
static bool name_of(const uint8_t *p, size_t n, const uint8_t **name, size_t *len) {
  wire w = {p, p + n};
  field f;
  int rc;
  while ((rc = next_field(&w, &f)) == 1) {
    if (f.num == 1 && f.type == 2) {
      *name = f.data;
      *len = f.len;
      return true;
    }
  }
  return false;
}

/* EnumDescriptorProto: 1 name, 2 value (EnumValueDescriptorProto: 1 name).
 * Enum values live in the enclosing scope, as in protobuf's descriptor pool. */
static void index_enum(rpc_reflection *r, const char *scope, const uint8_t *p, size_t n,
                       size_t file) {
  const uint8_t *nm;
  size_t nl;
  if (!name_of(p, n, &nm, &nl)) return;
  add_symbol(r, scope, nm, nl, file, NULL);
  wire w = {p, p + n};
  field f;
  while (next_field(&w, &f) == 1)
    if (f.num == 2 && f.type == 2 && name_of(f.data, f.len, &nm, &nl))
      add_symbol(r, scope, nm, nl, file, NULL);
}

/* DescriptorProto: 1 name, 2 field, 3 nested_type, 4 enum_type, 6 extension, 8 oneof. */
static void index_message(rpc_reflection *r, const char *scope, const uint8_t *p, size_t n,
                          size_t file) {
  const uint8_t *nm;
  size_t nl;
  if (!name_of(p, n, &nm, &nl)) return;
  char *full;
  add_symbol(r, scope, nm, nl, file, &full);
  wire w = {p, p + n};
  field f;
  while (next_field(&w, &f) == 1) {
    if (f.type != 2) continue;
    if (f.num == 3) index_message(r, full, f.data, f.len, file);
    else if (f.num == 4) index_enum(r, full, f.data, f.len, file);
    else if ((f.num == 2 || f.num == 6 || f.num == 8) && name_of(f.data, f.len, &nm, &nl))
      add_symbol(r, full, nm, nl, file, NULL);
  }
}

/* ServiceDescriptorProto: 1 name, 2 method (MethodDescriptorProto: 1 name). */
static void index_service(rpc_reflection *r, const char *scope, const uint8_t *p, size_t n,
                          size_t file) {
  const uint8_t *nm;
  size_t nl;
  if (!name_of(p, n, &nm, &nl)) return;
  char *full;
  add_symbol(r, scope, nm, nl, file, &full);
  wire w = {p, p + n};
  field f;
  while (next_field(&w, &f) == 1)
    if (f.num == 2 && f.type == 2 && name_of(f.data, f.len, &nm, &nl))
      add_symbol(r, full, nm, nl, file, NULL);
}

/* FileDescriptorProto: 1 name, 2 package, 3 dependency, 4 message_type, 5 enum_type,
 * 6 service, 7 extension. */
static bool index_file(rpc_reflection *r, size_t idx) {
  dfile *df = &r->files[idx];
  char *package = NULL;
  wire w = {df->data, df->data + df->len};
  field f;
  int rc;
  while ((rc = next_field(&w, &f)) == 1) {
    if (f.type != 2) continue;
    if (f.num == 1 && !df->name) df->name = dupn(f.data, f.len);
    else if (f.num == 2 && !package) package = dupn(f.data, f.len);
    else if (f.num == 3) {
      df->dep_names = realloc(df->dep_names, (df->n_dep_names + 1) * sizeof *df->dep_names);
      if (!df->dep_names) abort();
      df->dep_names[df->n_dep_names++] = dupn(f.data, f.len);
    }
  }
  if (rc < 0 || !df->name) {
    free(package);
    return false;
  }
  const char *scope = package ? package : "";
  w = (wire){df->data, df->data + df->len};
  while (next_field(&w, &f) == 1) {
    if (f.type != 2) continue;
    if (f.num == 4) index_message(r, scope, f.data, f.len, idx);
    else if (f.num == 5) index_enum(r, scope, f.data, f.len, idx);
    else if (f.num == 6) index_service(r, scope, f.data, f.len, idx);
    else if (f.num == 7) {
      const uint8_t *nm;
      size_t nl;
      if (name_of(f.data, f.len, &nm, &nl)) add_symbol(r, scope, nm, nl, idx, NULL);
    }
  }
  free(package);
  return true;
}

static int sym_cmp(const void *a, const void *b) {
  return strcmp(((const symbol *)a)->name, ((const symbol *)b)->name);
}

static long find_file(const rpc_reflection *r, const char *name) {
  if (!name) return -1;
  for (size_t i = 0; i < r->n_files; i++)
    if (strcmp(r->files[i].name, name) == 0) return (long)i;
  return -1;
}

static long find_symbol(const rpc_reflection *r, const char *name) {
  if (!name || !r->n_syms) return -1;
  if (name[0] == '.') name++;
  symbol key = {(char *)name, 0};
  symbol *s = bsearch(&key, r->syms, r->n_syms, sizeof *r->syms, sym_cmp);
  return s ? (long)s->file : -1;
}

rpc_reflection *rpc_reflection_new(rpc_server *s, const unsigned char *set, size_t len) {
  rpc_reflection *r = calloc(1, sizeof *r);
  if (!r) abort();
  r->srv = s;
  wire w = {set, set + len};
  field f;
  int rc;
  while ((rc = next_field(&w, &f)) == 1) {
    if (f.num != 1 || f.type != 2) continue;
    r->files = realloc(r->files, (r->n_files + 1) * sizeof *r->files);
    if (!r->files) abort();
    dfile *df = &r->files[r->n_files];
    memset(df, 0, sizeof *df);
    df->data = f.data;
    df->len = f.len;
    r->n_files++;
    if (!index_file(r, r->n_files - 1)) {
      log_event(LOG_ERROR, "reflection: malformed file in descriptor set", NULL);
      if (!df->name) df->name = dupn((const uint8_t *)"", 0);
    }
  }
  if (rc < 0) log_event(LOG_ERROR, "reflection: malformed descriptor set", NULL);
  for (size_t i = 0; i < r->n_files; i++) {
    dfile *df = &r->files[i];
    df->deps = calloc(df->n_dep_names ? df->n_dep_names : 1, sizeof *df->deps);
    if (!df->deps) abort();
    size_t k = 0;
    for (size_t j = 0; j < df->n_dep_names; j++) {
      long d = find_file(r, df->dep_names[j]);
      if (d >= 0) df->deps[k++] = (size_t)d;
    }
    df->n_deps = k;
  }
  qsort(r->syms, r->n_syms, sizeof *r->syms, sym_cmp);
  return r;
}

void rpc_reflection_free(rpc_reflection *r) {
  if (!r) return;
  for (size_t i = 0; i < r->n_files; i++) {
    dfile *df = &r->files[i];
    free(df->name);
    free(df->deps);
    for (size_t j = 0; j < df->n_dep_names; j++) free(df->dep_names[j]);
    free(df->dep_names);
  }
  for (size_t i = 0; i < r->n_syms; i++) free(r->syms[i].name);
  free(r->syms);
  free(r->files);
  free(r);
}

/* ------------------------------------------------------------ handler */

typedef Grpc__Reflection__V1__ServerReflectionRequest Req;
typedef Grpc__Reflection__V1__ServerReflectionResponse Resp;

/* Adds file i and (recursively) its dependencies, each once, requested file first. */
static void collect(const rpc_reflection *r, size_t i, bool *seen, size_t *order,
                    size_t *n) {
  if (seen[i]) return;
  seen[i] = true;
  order[(*n)++] = i;
  for (size_t j = 0; j < r->files[i].n_deps; j++) collect(r, r->files[i].deps[j], seen, order, n);
}

static void set_error(rpc_call *call, Resp *resp, grpc_status_code code, const char *fmt,
                      const char *arg) {
  Grpc__Reflection__V1__ErrorResponse *e = rpc_alloc(call, sizeof *e);
  grpc__reflection__v1__error_response__init(e);
  e->error_code = (int32_t)code;
  size_t len = strlen(fmt) + strlen(arg) + 1;
  e->error_message = rpc_alloc(call, len);
  snprintf(e->error_message, len, fmt, arg);
  resp->message_response_case = GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_ERROR_RESPONSE;
  resp->error_response = e;
}

static void set_files(rpc_call *call, const rpc_reflection *r, Resp *resp, size_t first) {
  bool *seen = rpc_alloc(call, r->n_files * sizeof *seen);
  size_t *order = rpc_alloc(call, r->n_files * sizeof *order);
  size_t n = 0;
  collect(r, first, seen, order, &n);
  Grpc__Reflection__V1__FileDescriptorResponse *fd = rpc_alloc(call, sizeof *fd);
  grpc__reflection__v1__file_descriptor_response__init(fd);
  fd->file_descriptor_proto = rpc_alloc(call, n * sizeof *fd->file_descriptor_proto);
  fd->n_file_descriptor_proto = n;
  for (size_t k = 0; k < n; k++) {
    fd->file_descriptor_proto[k].data = (uint8_t *)r->files[order[k]].data;
    fd->file_descriptor_proto[k].len = r->files[order[k]].len;
  }
  resp->message_response_case = GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_FILE_DESCRIPTOR_RESPONSE;
  resp->file_descriptor_response = fd;
}

grpc_status_code rpc_reflection_handle(rpc_call *call, const ProtobufCMessage *req_,
                                       ProtobufCMessage **out, void *ctx) {
  const rpc_reflection *r = ctx;
  const Req *req = (const Req *)req_;
  Resp *resp = rpc_alloc(call, sizeof *resp);
  grpc__reflection__v1__server_reflection_response__init(resp);
  resp->valid_host = req->host ? req->host : "";
  resp->original_request = (Req *)req;
  long i;
  switch (req->message_request_case) {
    case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_LIST_SERVICES: {
      const char *const *names;
      size_t n = rpc_server_service_names(r->srv, &names);
      Grpc__Reflection__V1__ListServiceResponse *ls = rpc_alloc(call, sizeof *ls);
      grpc__reflection__v1__list_service_response__init(ls);
      ls->service = rpc_alloc(call, (n ? n : 1) * sizeof *ls->service);
      for (size_t k = 0; k < n; k++) {
        Grpc__Reflection__V1__ServiceResponse *sr = rpc_alloc(call, sizeof *sr);
        grpc__reflection__v1__service_response__init(sr);
        sr->name = (char *)names[k];
        ls->service[ls->n_service++] = sr;
      }
      resp->message_response_case = GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_LIST_SERVICES_RESPONSE;
      resp->list_services_response = ls;
      break;
    }
    case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_BY_FILENAME:
      if ((i = find_file(r, req->file_by_filename)) >= 0) set_files(call, r, resp, (size_t)i);
      else set_error(call, resp, GRPC_STATUS_NOT_FOUND, "file not found: %s", req->file_by_filename);
      break;
    case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_CONTAINING_SYMBOL:
      if ((i = find_symbol(r, req->file_containing_symbol)) >= 0) set_files(call, r, resp, (size_t)i);
      else set_error(call, resp, GRPC_STATUS_NOT_FOUND, "symbol not found: %s", req->file_containing_symbol);
      break;
    case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_CONTAINING_EXTENSION:
      set_error(call, resp, GRPC_STATUS_NOT_FOUND, "extension not found%s", "");
      break;
    case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_ALL_EXTENSION_NUMBERS_OF_TYPE:
      if (find_symbol(r, req->all_extension_numbers_of_type) >= 0) {
        Grpc__Reflection__V1__ExtensionNumberResponse *en = rpc_alloc(call, sizeof *en);
        grpc__reflection__v1__extension_number_response__init(en);
        en->base_type_name = req->all_extension_numbers_of_type;
        resp->message_response_case = GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_ALL_EXTENSION_NUMBERS_RESPONSE;
        resp->all_extension_numbers_response = en;
      } else {
        set_error(call, resp, GRPC_STATUS_NOT_FOUND, "type not found: %s",
                  req->all_extension_numbers_of_type);
      }
      break;
    default:
      set_error(call, resp, GRPC_STATUS_INVALID_ARGUMENT, "message_request: not set%s", "");
      break;
  }
  *out = &resp->base;
  return GRPC_STATUS_OK;
}
