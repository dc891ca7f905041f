/* The per-container monitor: the --pid-file process. It owns the domain, the container's stdio and the state file,
   runs the state machine of states/transitions.def on a libev loop, and exits with the container's status. */
#ifndef VXN_MONITOR_H
#define VXN_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "libxl_ev.h"

#include <libxl_utils.h>

#include <xenstore.h>

#include "cgroup.h"
#include "guest_io.h"
#include "statemachine.h"

struct vxn_monitor_args
{
  const char *id;
  const char *bundle;      /* absolute */
  const char *state_dir;   /* absolute: <root>/<id> */
  const char *guest_dir;   /* vmlinux, initramfs.cpio */
  const char *kernel;      /* the guest kernel to boot */
  const char *created;     /* RFC 3339 */
  const char *annotations_json;
  unsigned memory_mb;
  unsigned vcpus;
  int sync_fd;             /* create waits on this: "ok" or "error <msg>", then EOF */
  int terminal_fd;         /* the pty slave in terminal mode (the caller got the master), else -1 */
  bool debug;
  char *const *p9_paths; /* host directories shared over 9pfs, tags vxn0.. (volumes.h) */
  size_t n_p9;
  const struct vxn_cgroup *cgroup; /* entered first, so that every process the monitor starts is in it */
};

/* QEMU with Xen's 9pfs backend (Debian's qemu-system-xen); libxl starts it for domains with 9pfs devices. */
#define VXN_DEVICE_MODEL "/usr/libexec/xen-qemu-system-i386"

/* Exit statuses when the guest could not report one. */
#define VXN_EXIT_KILLED 137   /* kill KILL, or destroyed from outside */
#define VXN_EXIT_NO_REPORT 255 /* crashed or powered off without publishing a status */

struct exec_session;

struct monitor
{
  const struct vxn_monitor_args *args;
  unsigned long long start_time; /* ours, read once: it goes into every state write */
  int state_dirfd;
  FILE *log;
  struct ev_loop *loop;
  xentoollog_logger_stdiostream *xtl;
  libxl_ctx *ctx;
  libxl_domain_config dc;
  uint32_t domid;
  bool have_domain, destroy_started, destroy_done, domain_dead, finished;
  char uuid[40];
  libxl_evgen_domain_death *death;
  struct xs_handle *xs;
  ev_io xs_watcher;
  char *dom_path;
  struct guest_io io;
  int ctl_fd;
  ev_io ctl_watcher;
  int console_fd, console_log_fd;
  ev_io console_watcher;
  ev_timer create_timer;
  ev_signal forward_signals[6];
  ev_signal winch;
  int watchdog_fd;
  enum vxn_state state;
  int exit_status; /* -1 until known */
  bool guest_ready;
  unsigned signal_seq;
  struct exec_session *execs;
  uint32_t next_exec_id;
  int qemu_pidfd; /* the domain's QEMU (9pfs backend), -1 without volumes: the monitor outlives it */
  ev_io qemu_watcher;
  ev_timer qemu_timer;
  bool qemu_killed;
  unsigned long oom_kills; /* the guest's count (data/vxn-oom-kills), for `events` */
  char *cgroup; /* ours after entering args->cgroup, as /proc/self/cgroup says; for the state file */
};

void vxn_monitor_main (const struct vxn_monitor_args *args) __attribute__ ((noreturn));

/* monitor.c */
int monitor_fire (struct monitor *m, enum vxn_event event, char *errbuf, size_t errlen);
/* "exited <0-255>" -> code, "signaled <1-64>" -> 128 + signo; anything else from the guest is -1. */
int monitor_parse_exit (const char *v, int *status);
void monitor_log (struct monitor *m, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* control.c: the control socket */
int control_start (struct monitor *m, vxn_error_t *err);
void control_stop (struct monitor *m);
int monitor_kill (struct monitor *m, long signo, long all, char *errbuf, size_t errlen);

/* exec.c: processes exec'd into the running container, one control connection each */
void exec_begin (struct monitor *m, int conn_fd, const int *fds, size_t n_fds, bool terminal);
/* The guest's frames for exec'd processes (installed as the guest_io handler). */
void exec_guest_frame (void *monitor, const struct vxn_frame_header *h, const uint8_t *payload);
/* The container is gone: every exec'd process still known ends with 137, as its pid namespace did. */
void exec_finish_all (struct monitor *m);

/* domain.c: the libxl domain configuration */
int domain_config_build (struct monitor *m, vxn_error_t *err);

/* watchdog.c: destroys the domain if the monitor dies without cleaning up */
int watchdog_spawn (const char *log_path, vxn_error_t *err);
void watchdog_arm (int fd, uint32_t domid, const char *uuid);
void watchdog_disarm (int fd);

#endif
