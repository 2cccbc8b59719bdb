/* status_name.c — canonical names of gRPC status codes, for messages and logs. */
#include "rpc.h"

const char *rpc_status_name(grpc_status_code code) {
  static const char *const names[] = {
      "OK",                 "CANCELLED",         "UNKNOWN",        "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED",  "NOT_FOUND",         "ALREADY_EXISTS", "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",      "OUT_OF_RANGE",
      "UNIMPLEMENTED",      "INTERNAL",          "UNAVAILABLE",    "DATA_LOSS",
      "UNAUTHENTICATED"};
  if ((int)code >= 0 && (size_t)code < sizeof names / sizeof names[0]) return names[code];
  return "UNKNOWN";
}
