#include "config.h"

#include "guest_io.h"
#include "utils.h"

#include <errno.h>
#include <stdio.h>
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
      if (h->type == VXN_FRAME_DATA && (h->stream == VXN_STREAM_STDOUT || h->stream == VXN_STREAM_STDERR))
        emit (io, h->stream == VXN_STREAM_STDOUT ? io->out_fd : io->err_fd, payload, len);
      else if (h->type == VXN_FRAME_EOF && h->stream == VXN_STREAM_STDOUT && len == 0)
        io->stdout_eof = true;
      else if (h->type == VXN_FRAME_EOF && h->stream == VXN_STREAM_STDERR && len == 0)
        io->stderr_eof = true;
      else
        goto bad;
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

static void
stdin_cb (struct ev_loop *loop, ev_io *w, int revents);

/* Push the pending stdin frame; returns true when nothing is pending any more. */
static bool
flush_out (struct guest_io *io)
{
  if (io->out_len == 0)
    return true;
  if (libxenvchan_buffer_space (io->vchan) < (int) io->out_len)
    return false;
  if (libxenvchan_send (io->vchan, io->out_buf, io->out_len) != (int) io->out_len)
    return false;
  io->out_len = 0;
  return true;
}

static void
queue_frame (struct guest_io *io, uint8_t type, const void *data, size_t len)
{
  struct vxn_frame_header h;
  vxn_frame_header_set (&h, type, VXN_STREAM_STDIN, (uint16_t) len);
  memcpy (io->out_buf, &h, sizeof h);
  if (len)
    memcpy (io->out_buf + sizeof h, data, len);
  io->out_len = sizeof h + len;
}

static void
stdin_cb (struct ev_loop *loop, ev_io *w, int revents)
{
  (void) revents;
  struct guest_io *io = (struct guest_io *) ((char *) w - offsetof (struct guest_io, stdin_watcher));
  uint8_t buf[VXN_FRAME_PAYLOAD_MAX];
  if (io->out_len)
    {
      ev_io_stop (loop, w); /* resumed from the vchan callback once the ring has room */
      return;
    }
  ssize_t n = read (io->in_fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  /* A pty whose master was closed reads EIO: that is the terminal's end of input. */
  if (n <= 0)
    {
      ev_io_stop (loop, w);
      io->stdin_closed = true;
      queue_frame (io, VXN_FRAME_EOF, NULL, 0);
      io->stdin_eof_sent = flush_out (io);
      return;
    }
  queue_frame (io, VXN_FRAME_DATA, buf, n);
  if (!flush_out (io))
    ev_io_stop (loop, w);
}

static bool
flush_winsize (struct guest_io *io)
{
  struct winsize ws;
  uint8_t frame[VXN_FRAME_HEADER_SIZE + 4];
  struct vxn_frame_header h;
  if (!io->winsize_pending || io->vchan == NULL)
    return true;
  if (ioctl (io->in_fd, TIOCGWINSZ, &ws) < 0)
    {
      io->winsize_pending = false;
      return true;
    }
  vxn_frame_header_set (&h, VXN_FRAME_WINSIZE, VXN_STREAM_STDIN, 4);
  memcpy (frame, &h, sizeof h);
  frame[4] = ws.ws_row & 0xff;
  frame[5] = ws.ws_row >> 8;
  frame[6] = ws.ws_col & 0xff;
  frame[7] = ws.ws_col >> 8;
  /* A whole frame or nothing: a stdin frame may be half-way in the ring otherwise. */
  if (io->out_len || libxenvchan_buffer_space (io->vchan) < (int) sizeof frame)
    return false;
  if (libxenvchan_send (io->vchan, frame, sizeof frame) != (int) sizeof frame)
    return false;
  io->winsize_pending = false;
  return true;
}

void
guest_io_send_winsize (struct guest_io *io)
{
  if (!io->terminal)
    return;
  io->winsize_pending = true;
  flush_winsize (io);
}

static void
vchan_cb (struct ev_loop *loop, ev_io *w, int revents)
{
  (void) revents;
  struct guest_io *io = (struct guest_io *) ((char *) w - offsetof (struct guest_io, vchan_watcher));
  /* Clears the event channel notification; with blocking=0 it does not wait. */
  libxenvchan_wait (io->vchan);
  guest_io_drain (io);
  if (io->out_len && flush_out (io))
    {
      if (io->stdin_closed)
        io->stdin_eof_sent = true;
      else if (io->stdin_started)
        ev_io_start (loop, &io->stdin_watcher);
    }
  flush_winsize (io);
}

int
guest_io_server_init (struct guest_io *io, struct ev_loop *loop, xentoollog_logger *xtl, uint32_t domid,
                      int terminal_fd, FILE *log, vxn_error_t *err)
{
  memset (io, 0, sizeof *io);
  io->loop = loop;
  io->log = log;
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
  ev_io_init (&io->stdin_watcher, stdin_cb, io->in_fd, EV_READ);
  return 0;
}

void
guest_io_start_stdin (struct guest_io *io)
{
  if (io->stdin_started || io->vchan == NULL)
    return;
  io->stdin_started = true;
  ev_io_start (io->loop, &io->stdin_watcher);
}

void
guest_io_close (struct guest_io *io)
{
  if (io->vchan == NULL)
    return;
  ev_io_stop (io->loop, &io->vchan_watcher);
  ev_io_stop (io->loop, &io->stdin_watcher);
  libxenvchan_close (io->vchan);
  io->vchan = NULL;
}
