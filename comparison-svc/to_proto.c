/* to_proto.c — see to_proto.h. */
#include "to_proto.h"

#include <stdlib.h>
#include <string.h>

#define NEW(c, T, INIT)                   \
  ({                                      \
    T *p_ = rpc_alloc((c), sizeof(T));    \
    T init_ = INIT;                       \
    *p_ = init_;                          \
    p_;                                   \
  })

static char *S(rpc_call *c, const char *s) { return rpc_strdup(c, s ? s : ""); }

/* map<string, uint32> entries all share this layout; only the descriptor differs */
typedef struct count_entry {
  ProtobufCMessage base;
  char *key;
  uint32_t value;
} count_entry;

typedef struct counts_builder {
  const char **keys;
  uint32_t *vals;
  size_t n, cap;
} counts_builder;

static void cb_add(rpc_call *c, counts_builder *b, const char *key, uint32_t v) {
  if (!v) return;
  for (size_t i = 0; i < b->n; i++)
    if (strcmp(b->keys[i], key) == 0) {
      b->vals[i] += v;
      return;
    }
  if (b->n == b->cap) {
    size_t nc = b->cap ? b->cap * 2 : 16;
    const char **nk = rpc_alloc(c, nc * sizeof *nk);
    uint32_t *nv = rpc_alloc(c, nc * sizeof *nv);
    if (b->n) {
      memcpy(nk, b->keys, b->n * sizeof *nk);
      memcpy(nv, b->vals, b->n * sizeof *nv);
    }
    b->keys = nk;
    b->vals = nv;
    b->cap = nc;
  }
  b->keys[b->n] = key;
  b->vals[b->n++] = v;
}

static void *cb_build(rpc_call *c, const counts_builder *b, const ProtobufCMessageDescriptor *d,
                      size_t *n_out) {
  *n_out = b->n;
  if (!b->n) return NULL;
  count_entry **v = rpc_alloc(c, b->n * sizeof *v);
  for (size_t i = 0; i < b->n; i++) {
    count_entry *e = rpc_alloc(c, d->sizeof_message);
    protobuf_c_message_init(d, e);
    e->key = S(c, b->keys[i]);
    e->value = b->vals[i];
    v[i] = e;
  }
  return v;
}

const char *tp_item_key(const engine_finding *f, int *is_parent) {
  bool parent_side = f->type == ENGINE_MISSING || f->type == ENGINE_REMOVED || !f->child_code[0];
  if (is_parent) *is_parent = parent_side;
  return parent_side ? f->parent_code : f->child_code;
}

static bool same_item(const engine_finding *a, const engine_finding *b) {
  int pa, pb;
  const char *ka = tp_item_key(a, &pa), *kb = tp_item_key(b, &pb);
  return pa == pb && a->level == b->level && strcmp(ka, kb) == 0;
}

/* counts by finding type name over fs[0..n): distinct items per type, enum order */
static void *type_counts(rpc_call *c, const engine_finding *const *fs, size_t n,
                         const ProtobufCMessageDescriptor *d, size_t *n_out) {
  uint32_t per[ENGINE_FINDING__COUNT] = {0};
  for (size_t i = 0; i < n; i++) {
    bool first = true;
    for (size_t j = 0; j < i && first; j++)
      if (fs[j]->type == fs[i]->type && same_item(fs[i], fs[j])) first = false;
    if (first && (unsigned)fs[i]->type < ENGINE_FINDING__COUNT) per[fs[i]->type]++;
  }
  counts_builder b = {0};
  for (int t = 0; t < ENGINE_FINDING__COUNT; t++)
    cb_add(c, &b, engine_finding_type_name((engine_finding_type)t), per[t]);
  return cb_build(c, &b, d, n_out);
}

/* domain -> distinct items with a non-INHERITED finding, domains in order of appearance */
static void *domain_counts(rpc_call *c, const engine_finding *const *fs, size_t n,
                           const ProtobufCMessageDescriptor *d, size_t *n_out) {
  counts_builder b = {0};
  for (size_t i = 0; i < n; i++) {
    if (fs[i]->type == ENGINE_INHERITED) continue;
    bool first = true;
    for (size_t j = 0; j < i && first; j++)
      if (fs[j]->type != ENGINE_INHERITED && same_item(fs[i], fs[j]) &&
          strcmp(fs[i]->domain, fs[j]->domain) == 0)
        first = false;
    if (first) cb_add(c, &b, fs[i]->domain[0] ? fs[i]->domain : "(none)", 1);
  }
  return cb_build(c, &b, d, n_out);
}

pb_finding *tp_finding(rpc_call *c, const engine_finding *f) {
  pb_finding *p = NEW(c, pb_finding, PSS__COMPARISON__V1__FINDING__INIT);
  p->type = (Pss__Comparison__V1__FindingType)(f->type + 1);
  p->rule_id = S(c, f->rule_id);
  p->severity = (Pss__Comparison__V1__Severity)(f->severity + 1);
  p->child_item_code = S(c, f->child_code);
  p->parent_item_code = S(c, f->parent_code);
  p->item_name = S(c, f->item_name);
  p->domain = S(c, f->domain);
  p->field = S(c, f->field);
  p->old_value = S(c, f->old_value);
  p->new_value = S(c, f->new_value);
  p->message_zh = S(c, f->message_zh);
  p->message_en = S(c, f->message_en);
  p->accepted_by_filing = S(c, f->accepted_by);
  p->blocking = f->blocking != 0;
  p->child_standard = S(c, f->origin);
  p->parent_standard = S(c, f->against);
  p->origin = S(c, f->origin);
  p->subject = S(c, f->subject);
  p->level = (uint32_t)f->level;
  return p;
}

/* All findings as pointers (for the subset helpers). */
static const engine_finding **all_ptrs(rpc_call *c, const engine_report *r) {
  const engine_finding **v = rpc_alloc(c, (r->n_findings + 1) * sizeof *v);
  for (size_t i = 0; i < r->n_findings; i++) v[i] = &r->findings[i];
  return v;
}

/* Fills a Report from a subset of findings (the pair's) and its blocking ones. */
static Pss__Comparison__V1__Report *report_from(rpc_call *c, const engine_finding *const *fs,
                                                size_t n, bool with_findings) {
  Pss__Comparison__V1__Report *p = NEW(c, Pss__Comparison__V1__Report, PSS__COMPARISON__V1__REPORT__INIT);
  p->counts = type_counts(c, fs, n, &pss__comparison__v1__report__counts_entry__descriptor, &p->n_counts);
  p->counts_by_domain = domain_counts(c, fs, n, &pss__comparison__v1__report__counts_by_domain_entry__descriptor,
                                      &p->n_counts_by_domain);
  size_t nb = 0;
  for (size_t i = 0; i < n; i++) nb += fs[i]->blocking != 0;
  pb_finding **all = with_findings && n ? rpc_alloc(c, n * sizeof *all) : NULL;
  pb_finding **blk = nb ? rpc_alloc(c, nb * sizeof *blk) : NULL;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (!all && !fs[i]->blocking) continue;
    pb_finding *pf = tp_finding(c, fs[i]);
    if (all) all[i] = pf;
    if (fs[i]->blocking) blk[k++] = pf;
  }
  p->findings = all;
  p->n_findings = all ? n : 0;
  p->blocking = blk;
  p->n_blocking = nb;
  p->conformant = nb == 0;
  return p;
}

Pss__Comparison__V1__Report *tp_report(rpc_call *c, const engine_report *r,
                                       const engine_standard *child, const engine_standard *parent) {
  Pss__Comparison__V1__Report *p = report_from(c, all_ptrs(c, r), r->n_findings, true);
  p->child = S(c, child->id);
  p->child_revision = child->revision;
  p->parent = S(c, parent->id);
  p->parent_revision = parent->revision;
  p->conformant = r->conformant != 0;
  return p;
}

Pss__Comparison__V1__AuditReport *tp_audit(rpc_call *c, const engine_report *r,
                                           const engine_standard *const *chain, size_t n) {
  Pss__Comparison__V1__AuditReport *p =
      NEW(c, Pss__Comparison__V1__AuditReport, PSS__COMPARISON__V1__AUDIT_REPORT__INIT);
  p->standard = S(c, chain[0]->id);
  p->chain = rpc_alloc(c, n * sizeof *p->chain);
  for (size_t i = 0; i < n; i++) p->chain[i] = S(c, chain[i]->id);
  p->n_chain = n;
  p->conformant = r->conformant != 0;
  const engine_finding **fs = all_ptrs(c, r);
  p->counts = type_counts(c, fs, r->n_findings, &pss__comparison__v1__audit_report__counts_entry__descriptor,
                          &p->n_counts);
  p->n_findings = r->n_findings;
  p->findings = r->n_findings ? rpc_alloc(c, r->n_findings * sizeof *p->findings) : NULL;
  for (size_t i = 0; i < r->n_findings; i++) p->findings[i] = tp_finding(c, fs[i]);
  /* one pairwise report per link of the chain */
  size_t nl = n > 0 ? n - 1 : 0;
  p->n_levels = nl;
  p->levels = nl ? rpc_alloc(c, nl * sizeof *p->levels) : NULL;
  for (size_t l = 0; l < nl; l++) {
    const engine_finding **sub = rpc_alloc(c, (r->n_findings + 1) * sizeof *sub);
    size_t k = 0;
    for (size_t i = 0; i < r->n_findings; i++)
      if (fs[i]->level == l) sub[k++] = fs[i];
    Pss__Comparison__V1__Report *lr = report_from(c, sub, k, false);
    lr->child = S(c, chain[l]->id);
    lr->child_revision = chain[l]->revision;
    lr->parent = S(c, chain[l + 1]->id);
    lr->parent_revision = chain[l + 1]->revision;
    p->levels[l] = lr;
  }
  return p;
}

Pss__Comparison__V1__EditionChangeType tp_edition_change_type(const engine_finding *f) {
  switch (f->type) {
    case ENGINE_ADDED: return PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__ITEM_ADDED;
    case ENGINE_REMOVED: return PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__ITEM_REMOVED;
    case ENGINE_RAISED: return PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__LEVEL_RAISED;
    case ENGINE_LOWERED:
    case ENGINE_LEVEL_DROPPED: return PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__LEVEL_LOWERED;
    case ENGINE_BROADENED: return PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__TARGET_WIDENED;
    case ENGINE_NARROWED: return PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__TARGET_NARROWED;
    case ENGINE_INHERITED: return PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__UNCHANGED;
    case ENGINE_REASSIGNED:
      return strcmp(f->field, "spending") == 0 ? PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__SPENDING_CHANGED
                                               : PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__LEAD_DEPARTMENT_CHANGED;
    default:
      /* REWORDED, SUPPLEMENTED, REFINED, CONTENT_DROPPED, LEVEL_CHANGED,
       * INCOMPARABLE_UNIT, …: the wording or an undirected level changed; `field`
       * and the messages say which */
      return PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__CONTENT_REWORDED;
  }
}

Pss__Comparison__V1__EditionDiff *tp_edition_diff(rpc_call *c, const engine_report *r,
                                                  const char *from, const char *to) {
  Pss__Comparison__V1__EditionDiff *p =
      NEW(c, Pss__Comparison__V1__EditionDiff, PSS__COMPARISON__V1__EDITION_DIFF__INIT);
  p->from = S(c, from);
  p->to = S(c, to);
  const ProtobufCEnumDescriptor *ed = &pss__comparison__v1__edition_change_type__descriptor;
  enum { NT = 11 };
  uint32_t per[NT] = {0};
  Pss__Comparison__V1__EditionChangeType *types = rpc_alloc(c, (r->n_findings + 1) * sizeof *types);
  size_t n_changes = 0;
  for (size_t i = 0; i < r->n_findings; i++) {
    types[i] = tp_edition_change_type(&r->findings[i]);
    bool first = true; /* distinct items per change type */
    for (size_t j = 0; j < i && first; j++)
      if (types[j] == types[i] && same_item(&r->findings[i], &r->findings[j])) first = false;
    if (first && (unsigned)types[i] < NT) per[types[i]]++;
    if (types[i] != PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__UNCHANGED) n_changes++;
  }
  counts_builder b = {0};
  for (int t = 1; t < NT; t++) {
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(ed, t);
    if (v) cb_add(c, &b, v->name, per[t]);
  }
  p->counts = cb_build(c, &b, &pss__comparison__v1__edition_diff__counts_entry__descriptor, &p->n_counts);
  p->changes = n_changes ? rpc_alloc(c, n_changes * sizeof *p->changes) : NULL;
  for (size_t i = 0; i < r->n_findings; i++) {
    if (types[i] == PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__UNCHANGED) continue;
    const engine_finding *f = &r->findings[i];
    Pss__Comparison__V1__EditionChange *ch =
        NEW(c, Pss__Comparison__V1__EditionChange, PSS__COMPARISON__V1__EDITION_CHANGE__INIT);
    ch->type = types[i];
    /* engine: child = new edition, parent = old edition */
    ch->item_code = S(c, f->type == ENGINE_REMOVED ? f->parent_code : f->child_code);
    ch->old_item_code = S(c, f->parent_code);
    ch->item_name = S(c, f->item_name);
    ch->field = S(c, f->field);
    ch->old_value = S(c, f->old_value);
    ch->new_value = S(c, f->new_value);
    ch->message_zh = S(c, f->message_zh);
    ch->message_en = S(c, f->message_en);
    p->changes[p->n_changes++] = ch;
  }
  return p;
}

Pss__Catalog__V1__Item *tp_copy_item(rpc_call *c, const Pss__Catalog__V1__Item *it) {
  size_t n = protobuf_c_message_get_packed_size(&it->base);
  uint8_t *buf = rpc_alloc(c, n + 1);
  protobuf_c_message_pack(&it->base, buf);
  return (Pss__Catalog__V1__Item *)protobuf_c_message_unpack(&pss__catalog__v1__item__descriptor,
                                                             rpc_allocator(c), n, buf);
}

static const Pss__Catalog__V1__Item *find_item(const engine_standard *s, const char *code) {
  for (size_t i = 0; i < s->n_items; i++)
    if (strcmp(s->items[i]->code, code) == 0) return s->items[i];
  return NULL;
}

Pss__Comparison__V1__EffectiveStandard *tp_effective(rpc_call *c, const engine_resolved *res,
                                                     const engine_standard *const *chain, size_t n) {
  Pss__Comparison__V1__EffectiveStandard *p =
      NEW(c, Pss__Comparison__V1__EffectiveStandard, PSS__COMPARISON__V1__EFFECTIVE_STANDARD__INIT);
  p->standard = S(c, res->standard_id);
  p->chain = rpc_alloc(c, n * sizeof *p->chain);
  for (size_t i = 0; i < n; i++) p->chain[i] = S(c, chain[i]->id);
  p->n_chain = n;
  p->items = res->n_items ? rpc_alloc(c, res->n_items * sizeof *p->items) : NULL;
  for (size_t i = 0; i < res->n_items; i++) {
    const engine_resolved_item *ri = &res->items[i];
    Pss__Comparison__V1__EffectiveItem *ei =
        NEW(c, Pss__Comparison__V1__EffectiveItem, PSS__COMPARISON__V1__EFFECTIVE_ITEM__INIT);
    const Pss__Catalog__V1__Item *src = ri->level < n ? find_item(chain[ri->level], ri->code) : NULL;
    if (src) {
      ei->item = tp_copy_item(c, src);
    } else { /* cannot happen with a consistent chain; keep the identity at least */
      ei->item = NEW(c, Pss__Catalog__V1__Item, PSS__CATALOG__V1__ITEM__INIT);
      ei->item->code = S(c, ri->code);
      ei->item->name = S(c, ri->name);
      ei->item->domain = S(c, ri->domain);
      ei->item->category = S(c, ri->category);
    }
    ei->n_sources = ENGINE_RESOLVED_FIELDS;
    ei->sources = rpc_alloc(c, ENGINE_RESOLVED_FIELDS * sizeof *ei->sources);
    for (size_t k = 0; k < ENGINE_RESOLVED_FIELDS; k++) {
      const engine_provenance *pv = &ri->fields[k];
      Pss__Comparison__V1__FieldSource *fs =
          NEW(c, Pss__Comparison__V1__FieldSource, PSS__COMPARISON__V1__FIELD_SOURCE__INIT);
      fs->field = S(c, pv->field);
      fs->standard = S(c, pv->standard_id);
      fs->jurisdiction = S(c, pv->jurisdiction);
      fs->revision = pv->revision;
      ei->sources[k] = fs;
    }
    p->items[p->n_items++] = ei;
  }
  return p;
}
