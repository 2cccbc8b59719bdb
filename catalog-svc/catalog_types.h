/* catalog_types.h — short names for the generated protobuf-c types of catalog.proto. */
#ifndef PSS_CATALOG_TYPES_H
#define PSS_CATALOG_TYPES_H

#include "pss/catalog/v1/catalog.pb-c.h"

typedef Pss__Catalog__V1__Jurisdiction Jurisdiction;
typedef Pss__Catalog__V1__Standard Standard;
typedef Pss__Catalog__V1__Item Item;
typedef Pss__Catalog__V1__Target Target;
typedef Pss__Catalog__V1__TargetGroup TargetGroup;
typedef Pss__Catalog__V1__Level Level;
typedef Pss__Catalog__V1__Filing Filing;
typedef Pss__Catalog__V1__FilingScope FilingScope;
typedef Pss__Catalog__V1__Change Change;
typedef Pss__Catalog__V1__StandardRevision StandardRevision;

#define STATUS_DRAFT PSS__CATALOG__V1__STANDARD_STATUS__DRAFT
#define STATUS_PUBLISHED PSS__CATALOG__V1__STANDARD_STATUS__PUBLISHED
#define STATUS_SUPERSEDED PSS__CATALOG__V1__STANDARD_STATUS__SUPERSEDED
#define STATUS_WITHDRAWN PSS__CATALOG__V1__STANDARD_STATUS__WITHDRAWN
#define STATUS_UNSPECIFIED PSS__CATALOG__V1__STANDARD_STATUS__STANDARD_STATUS_UNSPECIFIED

#endif
