/*
 * pbjson.h — protobuf-c messages <-> JSON (jansson), driven by the descriptors, so
 * every message of proto/ has the same JSON form as protobuf's canonical JSON mapping:
 *  - field names in lowerCamelCase on output; both lowerCamelCase and the proto's
 *    snake_case names accepted on input;
 *  - enums as their value names ("PUBLISHED"); numbers accepted on input too;
 *  - 64-bit integers as decimal strings on output; strings or numbers accepted on input;
 *  - default values (0, "", false, empty repeated, unset message) omitted on output;
 *  - bytes as base64.
 * Unknown fields on input are an error naming the field path ("items[3].levles").
 */
#ifndef PSS_PBJSON_H
#define PSS_PBJSON_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

/* Message -> new JSON object (caller json_decref's it). */
json_t *pbjson_from_message(const ProtobufCMessage *msg);

/* JSON object -> new message allocated with `alloc` (NULL = malloc); free with
 * protobuf_c_message_free_unpacked(msg, alloc). On error returns NULL and writes a
 * message naming the field path into err (e.g. "items[2].levels[0].value: expected a
 * number"). */
ProtobufCMessage *pbjson_to_message(const ProtobufCMessageDescriptor *desc, json_t *json,
                                    ProtobufCAllocator *alloc, char *err, size_t errlen);

/* snake_case -> lowerCamelCase into out (always NUL-terminated). */
void pbjson_camel(const char *snake, char *out, size_t outlen);

#endif
