/* `run -t`: the console socket vxn-oci-runtime sends the pty master to (--console-socket, SCM_RIGHTS, as runc
   does), and the copying between our terminal and that master while the container runs. */
#ifndef VXN_CLI_CONSOLE_H
#define VXN_CLI_CONSOLE_H

#include <sys/types.h>

#include "error.h"

struct vxn_console
{
  char *dir;     /* a private mkdtemp directory holding the socket (short path: sun_path has 108 bytes) */
  char *path;    /* <dir>/console.sock, for --console-socket */
  int listen_fd; /* -1 when closed */
  int master;    /* the pty master once received, else -1 */
};

/* Listen on a fresh socket; C->path is what the runtime is given. */
int vxn_console_listen (struct vxn_console *c, vxn_error_t *err);

/* After `create` returned: take the connection it left queued and the pty master it sent, and give the master our
   terminal's size (if stdin or stdout is one). The socket and its directory are removed. */
int vxn_console_receive (struct vxn_console *c, vxn_error_t *err);

/* Copy the master to stdout and, with FORWARD_STDIN, stdin to the master (our terminal raw meanwhile, restored on
   return), and our window size to the master on SIGWINCH, until the master hangs up (the monitor, which holds the
   slave, has exited) or, once MONITOR has exited, the master stays silent for a bounded moment. */
int vxn_console_copy (struct vxn_console *c, int forward_stdin, pid_t monitor, vxn_error_t *err);

/* Close what is open and remove the socket: safe to call more than once. */
void vxn_console_clear (struct vxn_console *c);

#endif
