/* The monitor's control socket (<root>/<id>/sock, SOCK_SEQPACKET): one request datagram, one reply datagram.
   Requests: "start", "kill <signo> <all>", "pause", "resume". Replies: "ok" or "error <message>".
   "exec <terminal 0|1>", with the process's stdio attached (SCM_RIGHTS), opens a session instead: see
   src/monitor/exec.c. */
#ifndef VXN_CTL_H
#define VXN_CTL_H

#include <sys/types.h>

#include "error.h"

#define VXN_CTL_SOCKET "sock"
#define VXN_CTL_MSG_MAX 1024
#define VXN_CTL_EXEC_CHUNK 16384               /* spec bytes per "spec " message */
#define VXN_CTL_EXEC_SPEC_MAX (1024 * 1024)    /* = VXN_SPEC_MAX_SIZE */
#define VXN_CTL_MAX_FDS 3

/* Bind and listen in the state directory DIRFD; returns the listening fd (CLOEXEC, non-blocking). */
int vxn_ctl_listen (int dirfd, vxn_error_t *err);

/* Send REQUEST to the monitor of the state directory DIRFD and wait for its reply (bounded by TIMEOUT_MS).
   A reply "error X" becomes an error with message X. ECONNREFUSED/ENOENT mean the monitor is gone. */
int vxn_ctl_request (int dirfd, const char *request, int timeout_ms, vxn_error_t *err);

/* Connect to the monitor of the state directory DIRFD (a session: the caller sends and receives itself). */
int vxn_ctl_connect (int dirfd, vxn_error_t *err);
/* Send one datagram with N_FDS descriptors attached. */
int vxn_ctl_send_fds (int fd, const char *msg, const int *fds, size_t n_fds, vxn_error_t *err);
/* Receive one datagram (NUL-terminated into buf[len]) and up to VXN_CTL_MAX_FDS descriptors (close-on-exec).
   Returns its length, 0 at EOF, -1 with errno set. */
ssize_t vxn_ctl_recv_fds (int fd, char *buf, size_t len, int *fds, size_t *n_fds, int flags);

#endif
