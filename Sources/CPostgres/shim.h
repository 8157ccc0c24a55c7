#ifndef RECALLFS_CPOSTGRES_SHIM_H
#define RECALLFS_CPOSTGRES_SHIM_H
/* libpq from Debian's libpq-dev (pkg-config libpq adds -I/usr/include/postgresql). Nothing here is
   variadic, so Swift calls libpq directly. */
#include <libpq-fe.h>
#endif
