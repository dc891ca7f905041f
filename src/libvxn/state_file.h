/* <root>/<id>/state.json: written by the monitor (atomically), read by every short-lived verb. */
#ifndef VXN_STATE_FILE_H
#define VXN_STATE_FILE_H

#include <stdint.h>
#include <sys/types.h>

#include "error.h"

#define VXN_STATE_FILE "state.json"
#define VXN_STATE_FILE_MAX (256 * 1024)

struct vxn_state_file
{
  char *id;
  char *bundle;
  char *status; /* a state-machine state name (states/transitions.def) */
  pid_t monitor_pid;
  unsigned long long monitor_start_time;
  char *created; /* RFC 3339 */
  int64_t domid; /* -1 before the domain exists */
  char *domuuid; /* "" before the domain exists */
  char *domname;
  int exit_status; /* -1 until the container exited */
  char *annotations_json;
  char *cgroup;      /* the monitor's cgroup v2 path, "" when it stayed in its caller's */
  int cgroup_owned;  /* created with cgroupfs: delete removes it */
  unsigned long oom_kills; /* OOM kills in the container so far, as the guest reported them */
};

int vxn_state_file_write (int dirfd, const struct vxn_state_file *st, vxn_error_t *err);
int vxn_state_file_read (int dirfd, struct vxn_state_file *st, vxn_error_t *err);
int vxn_state_file_parse (const char *json, struct vxn_state_file *st, vxn_error_t *err);
void vxn_state_file_free (struct vxn_state_file *st);

#endif
