/* vxn-init: PID 1 of a vxn guest. Runs the sequence of docs/design.md ("Guest init sequence"), then reports the
   entrypoint's status in xenstore and powers the domain off. It never returns, never sleeps for a fixed time and
   never panics on purpose: every failure ends in vxn_fatal(), which reports and powers off. */
#include "vxn-init.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

struct vxn_init vxn = {
  .sigfd = -1,
};

void
vxn_power_off (const char *exit_value)
{
  /* Streams not yet ended (an init failure, a kill before start) end here, so Dom0 sees EOF on both before the
     exit value. Best effort: the ring is Dom0's to drain, and we must not wait for it. */
  if (vxn.vchan != NULL)
    for (int s = VXN_STREAM_STDOUT; s <= VXN_STREAM_STDERR; s++)
      if (!vxn.entry.eof_sent[s] && vxn_vchan_send (VXN_FRAME_EOF, s, VXN_PROC_ENTRYPOINT, NULL, 0))
        vxn.entry.eof_sent[s] = 1;
  if (exit_value != NULL)
    {
      vxn_log ("container %s", exit_value);
      if (vxn.xs_up)
        vxn_xs_write_exit (exit_value);
    }
  sync ();
  reboot (RB_POWER_OFF);
  /* Only reachable if the kernel refused; exiting PID 1 then panics, which Dom0 sees as a crash: still better
     than a guest that never ends. */
  vxn_log ("power off failed: %s", strerror (errno));
  _exit (1);
}

int
main (void)
{
  char exit_value[32];
  sigset_t chld;

  if (getpid () != 1)
    {
      /* It mounts over /proc, loads modules and powers the machine off: never on a build host by accident. */
      fprintf (stderr, "vxn-init: must run as PID 1 of a vxn guest\n");
      return 2;
    }
  umask (022);
  vxn_proc_init (&vxn.entry, VXN_PROC_ENTRYPOINT);
  /* SIGCHLD is read from a signalfd, which only sees blocked signals; SIGPIPE must not kill us when the container
     closes its stdin. The child restores both before it execs. */
  sigemptyset (&chld);
  sigaddset (&chld, SIGCHLD);
  sigprocmask (SIG_BLOCK, &chld, NULL);
  signal (SIGPIPE, SIG_IGN);

  vxn_mount_early ();
  vxn_oom_setup ();
  vxn_quiet_printk ();
  vxn_debug ("up");
  vxn_load_modules ();
  vxn_debug ("modules loaded");
  vxn_xs_open ();
  vxn_vchan_connect ();
  vxn_debug ("domid %u, vchan connected", vxn.domid);
  /* Everything that can be prepared is prepared before we say "ready": start then only forks, and a bad spec or
     image fails at create time, as with runc. */
  vxn_read_spec ();
  vxn_mount_container (&vxn.spec);
  vxn_xs_announce_ready ();
  vxn_debug ("ready");
  vxn_xs_wait_start ();
  vxn_debug ("start");
  vxn.sigfd = signalfd (-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
  if (vxn.sigfd < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "signalfd: %s", strerror (errno));
  vxn_entrypoint_start ();
  vxn_debug ("entrypoint is pid %d", (int)vxn.entry.pid);
  vxn_pump ();
  vxn_debug ("output drained");

  if (vxn_format_exit (vxn.entry.status, exit_value, sizeof exit_value) < 0)
    snprintf (exit_value, sizeof exit_value, "exited %d", VXN_EXIT_INIT_FAILED);
  vxn_power_off (exit_value);
}
