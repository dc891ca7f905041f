/* Every container vxn can see: its own records, and the containers other engines run through vxn-oci-runtime,
   found by their state.json under the engines' runtime roots (containerd's shim: /run/containerd/runc/<ns>;
   dockerd: /run/docker/runtime-runc/<ns>; podman as root passes no --root, so the runtime's default /run/vxn).
   The status always comes from the runtime's state, never from a copy. */
#ifndef VXN_CLI_VIEW_H
#define VXN_CLI_VIEW_H

#include <time.h>

#include "ctr.h"
#include "rt.h"

struct vxn_cli;

enum vxn_view_state
{
  VXN_VIEW_CREATED,
  VXN_VIEW_RUNNING,
  VXN_VIEW_PAUSED,
  VXN_VIEW_EXITED,
  VXN_VIEW_DEAD, /* the monitor is gone without recording an exit (SIGKILLed, or the state was lost) */
};

struct vxn_view
{
  const char *engine; /* "vxn", "containerd", "docker", "podman", "runtime" (vxn-oci-runtime used by hand) */
  char *root;         /* the runtime root */
  char *id;           /* the runtime id (the record's id for vxn) */
  int have_record;
  struct vxn_ctr rec;
  struct vxn_rt_state rt;
  char *name;                        /* record name, else the id */
  char *image;                       /* record, image annotation, else "" */
  char **command;                    /* record, else the bundle's process.args */
  time_t created, started, finished; /* -1 when unknown */
  enum vxn_view_state state;
  int exit_code; /* for EXITED */
};

struct vxn_views
{
  struct vxn_view *v;
  size_t n;
};

/* Collect everything (records whose files are unreadable are skipped with a warning on stderr). */
int vxn_views_load (struct vxn_cli *cli, struct vxn_views *out, vxn_error_t *err);
void vxn_views_free (struct vxn_views *vs);

/* Find WHAT: a vxn name, a full id, then a unique id prefix among all engines. "No such container: X" when none. */
int vxn_views_find (struct vxn_views *vs, const char *what, struct vxn_view **out, vxn_error_t *err);

/* Load all and find one: *VS must be freed by the caller whatever happens. */
int vxn_view_lookup (struct vxn_cli *cli, const char *what, struct vxn_views *vs, struct vxn_view **out,
                     vxn_error_t *err);

/* What a verb does to one container it was given: WHAT is the argument as the user wrote it. */
typedef int (*vxn_container_fn) (struct vxn_cli *cli, struct vxn_view *v, const char *what, void *data,
                                 vxn_error_t *err);
enum
{
  VXN_EACH_PRINT_NAME = 1, /* print WHAT when FN succeeds (rm, stop, kill: docker echoes each argument) */
};
/* docker's loop over ARGV[FIRST..ARGC): look each container up and call FN; a failure (of the lookup or FN) is
   reported at once and the others still go ahead. -1 when any failed (the verb returns it with its *ERR left
   NULL: see vxn_verb_fn), else 0. */
int vxn_for_each_container (struct vxn_cli *cli, int first, int argc, char **argv, int flags, vxn_container_fn fn,
                            void *data);

/* Re-read the runtime state (after a stop, a wait, ...). */
void vxn_view_refresh (struct vxn_view *v);

/* docker's State: "created", "running", "paused", "exited", "dead". */
const char *vxn_view_state_name (const struct vxn_view *v);
/* docker's STATUS column: "Up 3 seconds", "Exited (3) 5 seconds ago", "Created", "Up 2 minutes (Paused)". */
void vxn_view_status (const struct vxn_view *v, char *buf, size_t len);
/* The id tables show: 12 digits for hex ids, other ids (ctr's "t1") as they are. */
const char *vxn_view_short_id (const struct vxn_view *v, char buf[VXN_CTR_SHORT_LEN + 1]);

/* Run `vxn-oci-runtime --root ROOT ARGS...` for V (ARGS: the verb's argv, id included) with stdio on /dev/null.
   The runtime's --log is the record's runtime.log, or a temporary file for other engines' containers (vxn
   writes nothing into their roots). */
int vxn_view_rt (struct vxn_cli *cli, const struct vxn_view *v, char *const *args, vxn_error_t *err);

/* Signal it through the runtime (`kill ID SIG`), which asks its monitor. */
int vxn_view_signal (struct vxn_cli *cli, const struct vxn_view *v, int signo, vxn_error_t *err);

#endif
