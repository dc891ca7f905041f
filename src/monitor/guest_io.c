#include "config.h"

#include "guest_io.h"
#include "utils.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/ioctl.h>
#include <termios.h>

#include <libxenvchan.h>

static void
emit (struct guest_io *io, int fd, const uint8_t *data, size_t len)
{
  /* EPIPE (the reader went away) only means nobody wants the output any more; SIGPIPE is ignored. */
  if (vxn_write_all (fd, data, len) < 0 && errno != EPIPE)
    fprintf (io->log, "write to fd %d: %s\n", fd, strerror (errno));
}

/* A frame of the entrypoint; returns false if it makes no sense. */
static bool
entry_frame (struct guest_io *io, const struct vxn_frame_header *h, const uint8_t *payload)
{
  uint16_t len = vxn_frame_len (h);
  if (h->type == VXN_FRAME_DATA && (h->stream == VXN_STREAM_STDOUT || h->stream == VXN_STREAM_STDERR))
    emit (io, h->stream == VXN_STREAM_STDOUT ? io->out_fd : io->err_fd, payload, len);
  else if (h->type == VXN_FRAME_EOF && (h->stream == VXN_STREAM_STDOUT || h->stream == VXN_STREAM_STDERR) && !len)
    ; /* the exit report, which follows, is what ends the container */
  else
    return false;
  return true;
}

/* Consume whole frames from in_buf; keep a partial one for later. */
static void
parse_frames (struct guest_io *io)
{
  size_t off = 0;
  while (!io->broken && io->in_len - off >= VXN_FRAME_HEADER_SIZE)
    {
      const struct vxn_frame_header *h = (const void *) (io->in_buf + off);
      uint16_t len = vxn_frame_len (h);
      if (len > VXN_FRAME_PAYLOAD_MAX)
        goto bad;
      if (io->in_len - off < VXN_FRAME_HEADER_SIZE + (size_t) len)
        break;
      const uint8_t *payload = io->in_buf + off + VXN_FRAME_HEADER_SIZE;
      if (vxn_frame_proc (h) == VXN_PROC_ENTRYPOINT)
        {
          if (!entry_frame (io, h, payload))
            goto bad;
        }
      else if (io->proc_handler)
        io->proc_handler (io->proc_ctx, h, payload);
      off += VXN_FRAME_HEADER_SIZE + len;
    }
  memmove (io->in_buf, io->in_buf + off, io->in_len - off);
  io->in_len -= off;
  return;
bad:
  fprintf (io->log, "guest sent a malformed frame (type %u stream %u): ignoring its output from now on\n",
           io->in_buf[off], io->in_buf[off + 1]);
  io->broken = true;
}

void
guest_io_drain (struct guest_io *io)
{
  if (io->vchan == NULL)
    return;
  while (!io->broken)
    {
      int avail = libxenvchan_data_ready (io->vchan);
      size_t room = sizeof io->in_buf - io->in_len;
      if (avail <= 0 || room == 0)
        break;
      int n = libxenvchan_read (io->vchan, io->in_buf + io->in_len, (size_t) avail < room ? (size_t) avail : room);
      if (n <= 0)
        break;
      io->in_len += n;
      parse_frames (io);
    }
}

/* Stdin sources read only while nothing waits for ring space: the queue then holds at most one stdin frame
   besides control frames, and a guest that does not take stdin slows the writer down instead of growing it. */
static void
set_inputs_reading (struct guest_io *io, bool on)
{
  for (struct guest_input *in = io->inputs; in; in = in->next)
    if (in->active && on && (in != &io->entry_input || io->stdin_started))
      ev_io_start (io->loop, &in->watcher);
    else
      ev_io_stop (io->loop, &in->watcher);
}

/* Push queued frames while the ring has room; returns true when the queue is empty. */
static bool
flush_queue (struct guest_io *io)
{
  while (io->queue && io->vchan)
    {
      struct guest_frame *f = io->queue;
      if (libxenvchan_buffer_space (io->vchan) < (int) f->len)
        return false;
      if (libxenvchan_send (io->vchan, f->bytes, f->len) != (int) f->len)
        return false;
      io->queue = f->next;
      if (io->queue == NULL)
        io->queue_tail = &io->queue;
      free (f);
    }
  return io->queue == NULL;
}

void
guest_io_send (struct guest_io *io, uint8_t type, uint8_t stream, uint32_t proc, const void *data, size_t len)
{
  if (io->vchan == NULL)
    return;
  struct guest_frame *f = xzalloc (sizeof *f + VXN_FRAME_HEADER_SIZE + len);
  vxn_frame_header_set ((struct vxn_frame_header *) f->bytes, type, stream, proc, (uint16_t) len);
  if (len)
    memcpy (f->bytes + VXN_FRAME_HEADER_SIZE, data, len);
  f->len = VXN_FRAME_HEADER_SIZE + len;
  *io->queue_tail = f;
  io->queue_tail = &f->next;
  if (!flush_queue (io))
    set_inputs_reading (io, false); /* resumed from the vchan callback once the ring has room */
}

static void
input_cb (struct ev_loop *loop, ev_io *w, int revents)
{
  (void) loop;
  (void) revents;
  struct guest_input *in = (struct guest_input *) ((char *) w - offsetof (struct guest_input, watcher));
  uint8_t buf[VXN_FRAME_PAYLOAD_MAX];
  ssize_t n = read (w->fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  /* A pty whose master was closed reads EIO: that is the terminal's end of input. */
  if (n <= 0)
    {
      ev_io_stop (in->io->loop, w);
      in->active = false;
      guest_io_send (in->io, VXN_FRAME_EOF, VXN_STREAM_STDIN, in->proc, NULL, 0);
      return;
    }
  guest_io_send (in->io, VXN_FRAME_DATA, VXN_STREAM_STDIN, in->proc, buf, n);
}

void
guest_io_add_input (struct guest_io *io, struct guest_input *in, uint32_t proc, int fd)
{
  in->io = io;
  in->proc = proc;
  in->active = true;
  ev_io_init (&in->watcher, input_cb, fd, EV_READ);
  in->next = io->inputs;
  io->inputs = in;
  if (io->queue == NULL && (in != &io->entry_input || io->stdin_started))
    ev_io_start (io->loop, &in->watcher);
}

void
guest_io_remove_input (struct guest_io *io, struct guest_input *in)
{
  ev_io_stop (io->loop, &in->watcher);
  in->active = false;
  for (struct guest_input **p = &io->inputs; *p; p = &(*p)->next)
    if (*p == in)
      {
        *p = in->next;
        break;
      }
}

void
guest_io_send_winsize (struct guest_io *io, uint32_t proc, int fd)
{
  struct winsize ws;
  uint8_t b[4];
  if (fd < 0 || ioctl (fd, TIOCGWINSZ, &ws) < 0)
    return;
  b[0] = ws.ws_row & 0xff;
  b[1] = ws.ws_row >> 8;
  b[2] = ws.ws_col & 0xff;
  b[3] = ws.ws_col >> 8;
  guest_io_send (io, VXN_FRAME_WINSIZE, VXN_STREAM_STDIN, proc, b, sizeof b);
}

static void
vchan_cb (struct ev_loop *loop, ev_io *w, int revents)
{
  (void) loop;
  (void) revents;
  struct guest_io *io = (struct guest_io *) ((char *) w - offsetof (struct guest_io, vchan_watcher));
  /* Clears the event channel notification; with blocking=0 it does not wait. */
  libxenvchan_wait (io->vchan);
  guest_io_drain (io);
  if (io->queue && flush_queue (io))
    set_inputs_reading (io, true);
}

int
guest_io_server_init (struct guest_io *io, struct ev_loop *loop, xentoollog_logger *xtl, uint32_t domid,
                      int terminal_fd, FILE *log, vxn_error_t *err)
{
  guest_frame_handler handler = io->proc_handler;
  void *ctx = io->proc_ctx;
  memset (io, 0, sizeof *io);
  io->proc_handler = handler;
  io->proc_ctx = ctx;
  io->loop = loop;
  io->log = log;
  io->queue_tail = &io->queue;
  io->terminal = terminal_fd >= 0;
  io->in_fd = io->terminal ? terminal_fd : 0;
  io->out_fd = io->terminal ? terminal_fd : 1;
  io->err_fd = io->terminal ? terminal_fd : 2;
  cleanup_free char *path = xasprintf ("/local/domain/%u/" VXN_XS_IO, domid);
  io->vchan = libxenvchan_server_init (xtl, (int) domid, path, VXN_VCHAN_RING_SIZE, VXN_VCHAN_RING_SIZE);
  if (io->vchan == NULL)
    return vxn_make_error (err, errno, "set up the stdio channel (vchan) at %s", path);
  io->vchan->blocking = 0;
  ev_io_init (&io->vchan_watcher, vchan_cb, libxenvchan_fd_for_select (io->vchan), EV_READ);
  ev_io_start (loop, &io->vchan_watcher);
  guest_io_add_input (io, &io->entry_input, VXN_PROC_ENTRYPOINT, io->in_fd);
  return 0;
}

void
guest_io_start_stdin (struct guest_io *io)
{
  if (io->stdin_started || io->vchan == NULL)
    return;
  io->stdin_started = true;
  if (io->queue == NULL && io->entry_input.active)
    ev_io_start (io->loop, &io->entry_input.watcher);
}

void
guest_io_close (struct guest_io *io)
{
  if (io->vchan == NULL)
    return;
  ev_io_stop (io->loop, &io->vchan_watcher);
  while (io->inputs)
    guest_io_remove_input (io, io->inputs);
  while (io->queue)
    {
      struct guest_frame *f = io->queue;
      io->queue = f->next;
      free (f);
    }
  io->queue_tail = &io->queue;
  libxenvchan_close (io->vchan);
  io->vchan = NULL;
}
