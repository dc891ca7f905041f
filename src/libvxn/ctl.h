/* The monitor's control socket (<root>/<id>/sock, SOCK_SEQPACKET): one request datagram, one reply datagram.
   Requests: "start", "kill <signo> <all>", "pause", "resume". Replies: "ok" or "error <message>". */
#ifndef VXN_CTL_H
#define VXN_CTL_H

#include "error.h"

#define VXN_CTL_SOCKET "sock"
#define VXN_CTL_MSG_MAX 1024

/* Bind and listen in the state directory DIRFD; returns the listening fd (CLOEXEC, non-blocking). */
int vxn_ctl_listen (int dirfd, vxn_error_t *err);

/* Send REQUEST to the monitor of the state directory DIRFD and wait for its reply (bounded by TIMEOUT_MS).
   A reply "error X" becomes an error with message X. ECONNREFUSED/ENOENT mean the monitor is gone. */
int vxn_ctl_request (int dirfd, const char *request, int timeout_ms, vxn_error_t *err);

#endif
