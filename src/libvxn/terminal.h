/* Terminal mode: a pty whose master goes to the caller's --console-socket (SCM_RIGHTS, as runc sends it) and
   whose slave the monitor keeps, carrying the container's terminal to and from the guest. */
#ifndef VXN_TERMINAL_H
#define VXN_TERMINAL_H

#include "error.h"

int vxn_terminal_open (int *master, int *slave, vxn_error_t *err);
/* Connect to SOCKET_PATH and send MASTER with the pty's name as payload. */
int vxn_terminal_send (const char *socket_path, int master, vxn_error_t *err);

#endif
