/* The container's stdio in Dom0: a vchan server the guest init connects to (docs/design.md, "Stdio transport").
   Frames of process 0 (the entrypoint) become writes to the monitor's fd 1 / fd 2 and its fd 0 becomes stdin
   frames; frames of other processes (exec) go to a handler the monitor installs. */
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
struct guest_io;

/* A frame queued for the guest; sent whole once the ring has room. */
struct guest_frame
{
  struct guest_frame *next;
  size_t len;
  uint8_t bytes[];
};

/* A source of stdin frames for one process (an fd we read when the queue is empty). */
struct guest_input
{
  struct guest_io *io;
  ev_io watcher;
  uint32_t proc;
  bool active; /* reading; false once EOF was queued or the source is removed */
  struct guest_input *next;
};

typedef void (*guest_frame_handler) (void *ctx, const struct vxn_frame_header *h, const uint8_t *payload);

struct guest_io
{
  struct ev_loop *loop;
  struct libxenvchan *vchan;
  ev_io vchan_watcher;
  /* guest -> Dom0 frame reassembly */
  uint8_t in_buf[VXN_FRAME_HEADER_SIZE + VXN_FRAME_PAYLOAD_MAX];
  size_t in_len;
  /* Dom0 -> guest */
  struct guest_frame *queue, **queue_tail;
  struct guest_input *inputs;
  struct guest_input entry_input;
  bool stdin_started;
  /* Where the entrypoint's streams go: fds 0/1/2, or the pty slave for all three in terminal mode. */
  int in_fd, out_fd, err_fd;
  bool terminal;
  bool broken; /* the guest sent a malformed frame: stop listening to it */
  guest_frame_handler proc_handler; /* frames of processes other than 0 */
  void *proc_ctx;
  FILE *log;
};

/* TERMINAL_FD < 0: the container's streams are fds 0, 1, 2; otherwise the pty slave carries all of them. */
int guest_io_server_init (struct guest_io *io, struct ev_loop *loop, xentoollog_logger *xtl, uint32_t domid,
                          int terminal_fd, FILE *log, vxn_error_t *err);
/* Queue a frame for the guest (sent in order, as the ring frees room). */
void guest_io_send (struct guest_io *io, uint8_t type, uint8_t stream, uint32_t proc, const void *data, size_t len);
/* Tell the guest the size of the terminal on fd (a pty) for process proc. */
void guest_io_send_winsize (struct guest_io *io, uint32_t proc, int fd);
/* Begin forwarding fd 0 (once the guest is connected). */
void guest_io_start_stdin (struct guest_io *io);
/* Forward fd as stdin of process proc until EOF; guest_io_remove_input() stops it early. */
void guest_io_add_input (struct guest_io *io, struct guest_input *in, uint32_t proc, int fd);
void guest_io_remove_input (struct guest_io *io, struct guest_input *in);
/* Read everything the guest has put in the ring (it stays readable after the guest is gone). */
void guest_io_drain (struct guest_io *io);
void guest_io_close (struct guest_io *io);

#endif
