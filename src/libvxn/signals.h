/* Signal names and numbers as runc accepts them: "KILL", "SIGKILL", "9", "kill". */
#ifndef VXN_SIGNALS_H
#define VXN_SIGNALS_H

#include "error.h"

int vxn_parse_signal (const char *s, int *signo, vxn_error_t *err);
/* "KILL" for 9; NULL for numbers without a name. */
const char *vxn_signal_name (int signo);

#endif
