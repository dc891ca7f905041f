/* vxn-init: PID 1 of a vxn PV guest. The sequence is in docs/design.md ("Guest init sequence"); main.c runs it.
   One process-wide state object, because PID 1 has exactly one container, one vchan and one xenstore connection,
   and the fatal-error path must reach all of them from anywhere. */
#ifndef VXN_GUEST_INIT_H
#define VXN_GUEST_INIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "guest_spec.h"
#include "parse.h"
#include "proto.h"

struct libxenvchan;

#define VXN_ROOTFS "/rootfs"
#define VXN_SPEC_PATH "/vxn/spec"
#define VXN_MODULES_LIST "/lib/modules/modules.load"
#define VXN_MODULES_9P_LIST "/lib/modules/modules-9p.load"

/* Exit codes reported as "exited <code>" when the entrypoint never ran. */
#define VXN_EXIT_INIT_FAILED 255

/* A process of the container whose stdio travels over the vchan: the entrypoint (id 0) or an exec'd one. */
struct vxn_proc
{
  uint32_t id;
  pid_t pid; /* 0 until started */
  int done;
  int status; /* waitpid status, valid when done */
  int terminal;
  int pty_master;     /* -1 unless terminal */
  int in_fd;          /* our end of its stdin (pipe write end, or a dup of the pty master); -1 once closed */
  int in_eof_pending; /* Dom0 sent EOF on stdin: close in_fd once in_buf is flushed */
  uint8_t in_buf[VXN_FRAME_PAYLOAD_MAX];
  size_t in_len, in_off; /* pending stdin bytes in_buf[in_off..in_len) */
  int out_fd[3];         /* [1] stdout, [2] stderr: our read ends (or the pty master in [1]); -1 after EOF */
  int eof_sent[3];       /* EOF frame sent (or not needed) for stream 1/2 */
  /* exec'd processes only */
  int status_fd;   /* read end of the child's close-on-exec pipe: EOF = exec'd, data = why not; -1 when settled */
  char status_msg[256];
  size_t status_len;
  char *spec_buf; /* the encoded spec as Dom0 sends it, until EXEC_RUN */
  size_t spec_len;
  int run_pending; /* EXEC_RUN came before the entrypoint was forked: run once it is */
  uint16_t rows, cols; /* a WINSIZE that came before the pty existed (0: none) */
};

#define VXN_EXEC_MAX 64 /* concurrent exec'd processes */

struct vxn_init
{
  /* xenstore (xenbus.c, over /dev/xen/xenbus) */
  int xs_up;
  unsigned domid;
  uint64_t signal_seq; /* last vxn/signal sequence number acted on */

  /* stdio vchan, Dom0 is the server */
  struct libxenvchan *vchan;
  int vchan_dead; /* Dom0 closed it or it failed: output is discarded from then on */
  struct vxn_rx rx;
  struct vxn_proc *in_pending; /* the process whose stdin bytes wait to be written: no frame is read meanwhile */

  struct vxn_guest_spec spec;
  int have_spec;

  /* the entrypoint, and the exec'd processes */
  struct vxn_proc entry;
  struct vxn_proc *execs[VXN_EXEC_MAX];
  char child_pidns[64]; /* readlink of /proc/<entrypoint>/ns/pid, to find the container's processes */
  int sigfd;            /* signalfd for SIGCHLD */
};

extern struct vxn_init vxn;

/* log.c: messages go to the console (hvc0, kept by Dom0 in console.log). */
void vxn_log (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
/* Only with vxn.debug on the kernel command line; stamped with CLOCK_MONOTONIC. */
void vxn_debug (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
/* Report an init failure everywhere we can (console, stderr frame, data/vxn-exit = exited <code>) and power off. */
void vxn_fatal (int code, const char *fmt, ...) __attribute__ ((format (printf, 2, 3), noreturn));

/* mounts.c */
void vxn_mount_early (void);
void vxn_quiet_printk (void);
void vxn_mount_container (const struct vxn_guest_spec *spec);
void vxn_mount_console (const char *slave_path);
/* linux.maskedPaths and readonlyPaths; by the entrypoint once its /proc is mounted. -1 with a message in err. */
int vxn_mount_masks (const struct vxn_guest_spec *spec, char *err, size_t errlen);

/* oom.c: the container cgroup whose memory.events tells OOM kills (data/vxn-oom-kills) */
void vxn_oom_setup (void);
int vxn_oom_fd (void); /* -1 when not watched; POLLPRI when memory.events changed */
void vxn_oom_join (void); /* in a container process, before it execs */
void vxn_oom_check (void);

/* modules.c */
void vxn_load_modules (void);
void vxn_load_module_list (const char *list);

/* xs.c */
void vxn_xs_open (void);
void vxn_xs_announce_ready (void);
void vxn_xs_wait_start (void);
void vxn_xs_handle_events (void);
int vxn_xs_fd (void);
int vxn_xs_write_exit (const char *value);

/* vchan_io.c */
void vxn_vchan_connect (void);
int vxn_vchan_fd (void);
int vxn_vchan_space (void);
int vxn_vchan_send (uint8_t type, uint8_t stream, uint32_t proc, const void *data, size_t len);
ssize_t vxn_vchan_read (void *buf, size_t len);
void vxn_vchan_clear_event (void);

/* spec.c */
void vxn_read_spec (void);

/* entrypoint.c: starting processes in the container */
void vxn_proc_init (struct vxn_proc *p, uint32_t id);
/* Start P running SPEC (the entrypoint with IS_ENTRYPOINT, which becomes PID 1 of the container's pid namespace).
   Returns 0, or -1 with a message in err. */
int vxn_proc_spawn (struct vxn_proc *p, const struct vxn_guest_spec *spec, int is_entrypoint, char *err,
                    size_t errlen);
void vxn_entrypoint_start (void);
void vxn_forward_signal (int signo, int all);

/* exec.c: processes Dom0 asks for while the container runs */
void vxn_exec_frame (uint8_t type, uint32_t id, const uint8_t *payload, uint16_t len);
struct vxn_proc *vxn_exec_find (uint32_t id);
void vxn_exec_status_readable (struct vxn_proc *p);
/* Send the EXIT frame of every finished exec'd process whose output is drained, and forget it. */
void vxn_exec_reap_finished (void);
int vxn_exec_count (void);
/* Run the processes Dom0 asked for while the entrypoint was being started. */
void vxn_exec_run_pending (void);

/* pump.c */
void vxn_receive_frames (void);
void vxn_pump (void);
void vxn_proc_close_stdin (struct vxn_proc *p);

/* main.c */
void vxn_power_off (const char *exit_value) __attribute__ ((noreturn));

#endif
