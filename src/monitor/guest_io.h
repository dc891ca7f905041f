/* The container's stdio in Dom0: a vchan server the guest init connects to (docs/design.md, "Stdio transport").
   Guest frames become writes to the monitor's fd 1 / fd 2; the monitor's fd 0 becomes stdin frames. */
#ifndef VXN_GUEST_IO_H
#define VXN_GUEST_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ev.h>
#include <xentoollog.h>

#include "error.h"
#include "proto.h"

struct libxenvchan;

struct guest_io
{
  struct ev_loop *loop;
  struct libxenvchan *vchan;
  ev_io vchan_watcher;
  ev_io stdin_watcher;
  bool stdin_started, stdin_eof_sent, stdin_closed;
  /* guest -> Dom0 frame reassembly */
  uint8_t in_buf[VXN_FRAME_HEADER_SIZE + VXN_FRAME_PAYLOAD_MAX];
  size_t in_len;
  /* Dom0 -> guest: one frame waiting for ring space */
  uint8_t out_buf[VXN_FRAME_HEADER_SIZE + VXN_FRAME_PAYLOAD_MAX];
  size_t out_len;
  bool stdout_eof, stderr_eof;
  /* Where the streams go: fds 0/1/2, or the pty slave for all three in terminal mode. */
  int in_fd, out_fd, err_fd;
  bool terminal;
  bool winsize_pending; /* a WINSIZE frame waits for ring space */
  bool broken; /* the guest sent a malformed frame: stop listening to it */
  FILE *log;
};

/* TERMINAL_FD < 0: the container's streams are fds 0, 1, 2; otherwise the pty slave carries all of them. */
int guest_io_server_init (struct guest_io *io, struct ev_loop *loop, xentoollog_logger *xtl, uint32_t domid,
                          int terminal_fd, FILE *log, vxn_error_t *err);
/* Tell the guest the terminal's size (read from the pty). */
void guest_io_send_winsize (struct guest_io *io);
/* Begin forwarding fd 0 (once the guest is connected). */
void guest_io_start_stdin (struct guest_io *io);
/* Read everything the guest has put in the ring (it stays readable after the guest is gone). */
void guest_io_drain (struct guest_io *io);
void guest_io_close (struct guest_io *io);

#endif
