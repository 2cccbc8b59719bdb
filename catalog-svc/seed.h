/* seed.h — load fixture standards into an empty store at start (--seed-dir). */
#ifndef PSS_SEED_H
#define PSS_SEED_H

#include "catalog.h"

/* Imports every *.json file of DIR (ImportStandardRequest JSON, parents first) when the store
 * is empty; does nothing when it is not. 0 ok, -1 on a bad file or refused import. */
int catalog_seed(catalog *c, const char *dir);

#endif
