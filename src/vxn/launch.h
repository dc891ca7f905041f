/* Running a container record through vxn-oci-runtime: create (the monitor builds the domain), start, and in the
   foreground wait for the monitor, whose exit status is the container's. */
#ifndef VXN_CLI_LAUNCH_H
#define VXN_CLI_LAUNCH_H

#include "ctr.h"
#include "error.h"

struct vxn_cli;

struct vxn_launch_opts
{
  int foreground;  /* wait for the exit; else the output goes to the container log and we return at once */
  int interactive; /* pass our stdin (else /dev/null) */
  int sig_proxy;   /* foreground: forward INT, TERM, HUP, QUIT, USR1, USR2 to the container */
  int tty;         /* foreground only: the bundle asks for a terminal; its pty master is copied to and from ours */
};

/* Create and start C's runtime container (deleting the state of an earlier run first). Foreground: *STATUS gets
   the container's exit status (code, or 128+n). The record's `started` is updated. */
int vxn_launch (struct vxn_cli *cli, struct vxn_ctr *c, const struct vxn_launch_opts *o, int *status, vxn_error_t *err);

/* Delete C's runtime state (killing it if needed) and its record. */
int vxn_ctr_destroy (struct vxn_cli *cli, const struct vxn_ctr *c, vxn_error_t *err);

/* For a detached --rm container: a small child process, detached from everything we hold, that waits for the
   monitor through a pidfd and then removes the container, as dockerd would. */
void vxn_spawn_remover (struct vxn_cli *cli, const struct vxn_ctr *c);

#endif
