/* Container ids become directory names and domain names: only a safe alphabet is accepted. */
#ifndef VXN_ID_H
#define VXN_ID_H

#include "error.h"

#define VXN_ID_MAX 128

/* [A-Za-z0-9][A-Za-z0-9_.+-]* up to VXN_ID_MAX bytes; never "." or "..", never a slash. */
int vxn_validate_id (const char *id, vxn_error_t *err);

#endif
