/* vxn-oci-runtime: global options and the verb table. One file per verb, each a thin layer over libvxn. */
#ifndef VXN_RUNTIME_H
#define VXN_RUNTIME_H

#include <stdbool.h>

#include "cgroup.h"
#include "error.h"
#include "state_file.h"

#define VXN_DEFAULT_ROOT "/run/vxn"
#define VXN_OCI_VERSION "1.0.2"

struct vxn_global
{
  const char *root;
  const char *log;
  const char *log_format;
  bool debug;
  enum vxn_cgroup_request cgroup_request; /* --systemd-cgroup, --cgroup-manager */
};

typedef int (*vxn_verb_fn) (struct vxn_global *g, int argc, char **argv, vxn_error_t *err);

int vxn_cmd_create (struct vxn_global *g, int argc, char **argv, vxn_error_t *err);
int vxn_cmd_start (struct vxn_global *g, int argc, char **argv, vxn_error_t *err);
int vxn_cmd_state (struct vxn_global *g, int argc, char **argv, vxn_error_t *err);
int vxn_cmd_kill (struct vxn_global *g, int argc, char **argv, vxn_error_t *err);
int vxn_cmd_delete (struct vxn_global *g, int argc, char **argv, vxn_error_t *err);
int vxn_cmd_list (struct vxn_global *g, int argc, char **argv, vxn_error_t *err);
int vxn_cmd_pause (struct vxn_global *g, int argc, char **argv, vxn_error_t *err);
int vxn_cmd_resume (struct vxn_global *g, int argc, char **argv, vxn_error_t *err);
int vxn_cmd_ps (struct vxn_global *g, int argc, char **argv, vxn_error_t *err);
int vxn_cmd_exec (struct vxn_global *g, int argc, char **argv, vxn_error_t *err);
int vxn_cmd_update (struct vxn_global *g, int argc, char **argv, vxn_error_t *err);
int vxn_cmd_events (struct vxn_global *g, int argc, char **argv, vxn_error_t *err);
int vxn_cmd_features (struct vxn_global *g, int argc, char **argv, vxn_error_t *err);

/* container.c: what the short-lived verbs share. */
struct vxn_container
{
  char *id;
  int dirfd; /* <root>/<id> */
  bool have_state;
  struct vxn_state_file st;
  bool monitor_alive;
};

/* Open an existing container; an unknown id is "container `X` does not exist" (callers match on those words). */
int vxn_container_open (struct vxn_global *g, const char *id, struct vxn_container *c, vxn_error_t *err);
void vxn_container_close (struct vxn_container *c);
/* The status `state` reports: creating, created, running, paused or stopped. */
const char *vxn_container_status (const struct vxn_container *c);
/* Ask the monitor; refuses politely when it is gone. */
int vxn_container_request (struct vxn_container *c, const char *request, vxn_error_t *err);

/* --pid-file: the pid, written atomically (callers take the file's appearance as "started"). */
int vxn_write_pid_file (const char *path, pid_t pid, vxn_error_t *err);

/* Strict argument count check for a verb's positional arguments. */
int vxn_expect_args (const char *verb, int have, int min, int max, vxn_error_t *err);

#endif
