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

  struct vxn_guest_spec spec;
  int have_spec;

  /* the entrypoint */
  pid_t child;          /* 0 until started */
  char child_pidns[64]; /* readlink of /proc/<child>/ns/pid, to find the container's processes */
  int child_done;
  int child_status; /* waitpid status, valid when child_done */
  int sigfd;        /* signalfd for SIGCHLD */

  int pty_master;     /* -1 unless spec.terminal */
  int in_fd;          /* our end of the child's stdin (pipe write end, or a dup of the pty master); -1 once closed */
  int in_eof_pending; /* Dom0 sent EOF on stdin: close in_fd once in_buf is flushed */
  uint8_t in_buf[VXN_FRAME_PAYLOAD_MAX];
  size_t in_len, in_off; /* pending stdin bytes in_buf[in_off..in_len) */
  int out_fd[3];         /* [1] stdout, [2] stderr: our read ends (or the pty master in [1]); -1 after EOF */
  int eof_sent[3];       /* EOF frame sent (or not needed) for stream 1/2 */
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
int vxn_vchan_send (uint8_t type, uint8_t stream, const void *data, size_t len);
ssize_t vxn_vchan_read (void *buf, size_t len);
void vxn_vchan_clear_event (void);

/* spec.c */
void vxn_read_spec (void);

/* entrypoint.c */
void vxn_entrypoint_start (void);
void vxn_forward_signal (int signo, int all);

/* pump.c */
void vxn_receive_frames (void);
void vxn_pump (void);

/* main.c */
void vxn_power_off (const char *exit_value) __attribute__ ((noreturn));

#endif
