/* The monitor's cgroup on the host (Dom0). The container's resources belong to its domain, so the cgroup holds only
   the Dom0 side: the monitor, its watchdog and the QEMU that serves 9pfs volumes. Engines read it for `docker stats`
   and `podman stats`, so it goes where runc would put the container (vxn-oci-runtime(8) CGROUPS). */
#ifndef VXN_CGROUP_H
#define VXN_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

#define VXN_CGROUP_ROOT "/sys/fs/cgroup"
/* How long removal waits for the last process (the watchdog, QEMU) to leave after the monitor. */
#define CGROUP_EMPTY_TIMEOUT_MS 10000

enum vxn_cgroup_manager
{
  VXN_CGROUP_NONE,    /* stay in the caller's cgroup */
  VXN_CGROUP_FS,      /* mkdir under VXN_CGROUP_ROOT, write our pid to cgroup.procs */
  VXN_CGROUP_SYSTEMD, /* a transient scope, over D-Bus */
};

/* What the global flags asked for: --systemd-cgroup, --cgroup-manager. */
enum vxn_cgroup_request
{
  VXN_CGROUP_REQUEST_AUTO,
  VXN_CGROUP_REQUEST_FS,
  VXN_CGROUP_REQUEST_SYSTEMD,
  VXN_CGROUP_REQUEST_DISABLED,
};

struct vxn_cgroup
{
  enum vxn_cgroup_manager manager;
  char *path;  /* FS: the cgroup below VXN_CGROUP_ROOT, absolute ("/docker/ID") */
  char *slice; /* SYSTEMD: "system.slice" */
  char *unit;  /* SYSTEMD: "vxn-ID.scope" */
};

/* --cgroup-manager's value; -1 for an unknown one. */
int vxn_cgroup_request_parse (const char *name);

/* Decide from the flags and linux.cgroupsPath (NULL or "" when unset). OWN_CGROUP is the caller's cgroup path
   ("/user.slice/x", from /proc/self/cgroup), the base of a relative cgroupsPath; SYSTEMD_BOOTED says systemd is
   PID 1. No side effects: the unit tests call it. */
int vxn_cgroup_resolve (enum vxn_cgroup_request req, const char *cgroups_path, const char *id, const char *own_cgroup,
                        bool systemd_booted, struct vxn_cgroup *cg, vxn_error_t *err);
void vxn_cgroup_free (struct vxn_cgroup *cg);

/* This process's cgroup v2 path, from /proc/self/cgroup. */
int vxn_cgroup_own (char **out, vxn_error_t *err);

/* Move the calling process into CG (creating it); nothing to do for VXN_CGROUP_NONE. */
int vxn_cgroup_enter (const struct vxn_cgroup *cg, const char *description, vxn_error_t *err);

/* Remove a cgroup that vxn_cgroup_enter created with cgroupfs, waiting (at most TIMEOUT_MS) for its last process to
   leave: cgroup.events announces "populated 0". A cgroup already gone is fine. */
int vxn_cgroup_remove (const char *path, int timeout_ms, vxn_error_t *err);

/* systemd_scope.c: is systemd PID 1 (sd_booted)? */
bool vxn_systemd_booted (void);
/* systemd_scope.c: StartTransientUnit of UNIT in SLICE holding PID, waiting for its start job. */
int vxn_systemd_scope_start (const char *unit, const char *slice, pid_t pid, const char *description, int timeout_ms,
                             vxn_error_t *err);

#endif
