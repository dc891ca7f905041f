/* vxn-oci-runtime, the one runtime path: vxn runs the same binary containerd's shim runs, by fork+exec, and reads
   the state files the monitor writes (libvxn's state_file.h), never a copy of either. */
#ifndef VXN_CLI_RT_H
#define VXN_CLI_RT_H

#include <sys/types.h>
#include <time.h>

#include "error.h"
#include "state_file.h"

/* $VXN_RUNTIME; else vxn-oci-runtime next to this program (bin/../sbin, the same dir, or the build tree's
   src/runtime); else "vxn-oci-runtime" for a PATH search. */
const char *vxn_rt_path (void);

/* Run `vxn-oci-runtime --root ROOT --log LOG --log-format json ARGS...` with the given stdio (-1: /dev/null) in
   its own process group (a terminal's ^C is ours to forward, not the runtime's to die of), and wait. 0 when it
   exited 0; otherwise an error carrying the runtime's own message (the one JSON object of its log). */
int vxn_rt_run (const char *root, const char *log, char *const *args, int in, int out, int errfd, vxn_error_t *err);

/* The first line `vxn-oci-runtime --version` prints (NULL when it cannot be run). */
char *vxn_rt_version (void);

/* The runtime's state of ID under ROOT, as src/runtime/container.c reads it. */
struct vxn_rt_state
{
  int have_state; /* state.json was readable */
  struct vxn_state_file st;
  int alive;    /* the monitor (pid + start time) still runs */
  time_t mtime; /* of state.json: the monitor's last write, which is the exit once it is gone */
};
/* 0 with have_state = 0 when there is no state directory or no state.json yet. */
int vxn_rt_state_read (const char *root, const char *id, struct vxn_rt_state *s, vxn_error_t *err);
void vxn_rt_state_clear (struct vxn_rt_state *s);

/* A pidfd for the monitor of S, checked against its start time after opening (so a reused pid is never
   mistaken for it); -1 when it is gone. */
int vxn_rt_monitor_pidfd (const struct vxn_rt_state *s);
/* Wait until PIDFD is readable (the process exited); TIMEOUT_MS < 0: forever. 1 when it exited, 0 on timeout. */
int vxn_pidfd_wait (int pidfd, int timeout_ms);

#endif
