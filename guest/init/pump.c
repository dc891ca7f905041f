/* The init's only loop while the container runs: one poll(2) over the container's stdout/stderr, its stdin,
   the vchan event channel, the xenstore connection and a signalfd for SIGCHLD. No timeouts: every wake-up has a
   cause.

   Output is forwarded as it is produced, one read() per frame, and only when the ring has room for the frame; a
   Dom0 that reads slowly therefore slows the container down (its pipe fills) instead of making us buffer without
   bound. Stdin goes the other way with the same back-pressure: no new frame is taken from the ring until the
   previous one is in the child's pipe.

   The loop ends when the entrypoint has been reaped and both output streams reached EOF and their EOF frames are
   in the ring. The kernel kills the rest of the pid namespace when its init (the entrypoint) exits, so EOF
   follows promptly. */
#include "vxn-init.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void
close_stdin (void)
{
  if (vxn.in_fd >= 0)
    close (vxn.in_fd);
  vxn.in_fd = -1;
  vxn.in_len = vxn.in_off = 0;
}

/* Write pending stdin bytes; a reader that is gone (EPIPE, or EIO from a pty) just ends stdin. */
static void
flush_stdin (void)
{
  while (vxn.in_fd >= 0 && vxn.in_off < vxn.in_len)
    {
      ssize_t n = write (vxn.in_fd, vxn.in_buf + vxn.in_off, vxn.in_len - vxn.in_off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;
      if (n < 0)
        {
          close_stdin ();
          return;
        }
      vxn.in_off += n;
    }
  vxn.in_len = vxn.in_off = 0;
  if (vxn.in_eof_pending && vxn.in_fd >= 0)
    close_stdin ();
}

static void
handle_frame (void)
{
  uint8_t type = vxn_rx_type (&vxn.rx), stream = vxn_rx_stream (&vxn.rx);
  uint16_t len = vxn_rx_len (&vxn.rx);
  if (type == VXN_FRAME_DATA && stream == VXN_STREAM_STDIN)
    {
      if (vxn.in_fd < 0 || vxn.in_eof_pending || len == 0)
        return; /* nobody reads stdin any more */
      memcpy (vxn.in_buf, vxn.rx.payload, len);
      vxn.in_len = len;
      vxn.in_off = 0;
      flush_stdin ();
    }
  else if (type == VXN_FRAME_EOF && stream == VXN_STREAM_STDIN)
    {
      /* On a terminal there is no separate stdin to close; the pty stays usable for output. */
      if (vxn.spec.terminal)
        return;
      vxn.in_eof_pending = 1;
      flush_stdin ();
    }
  else if (type == VXN_FRAME_WINSIZE && len == 4)
    {
      const uint8_t *p = vxn.rx.payload;
      struct winsize ws = { .ws_row = p[0] | p[1] << 8, .ws_col = p[2] | p[3] << 8 };
      /* in_fd is a dup of the pty master on a terminal; without one the size means nothing. */
      if (vxn.spec.terminal && vxn.in_fd >= 0 && ioctl (vxn.in_fd, TIOCSWINSZ, &ws) < 0)
        vxn_log ("TIOCSWINSZ: %s", strerror (errno));
    }
  else
    vxn_log ("ignoring frame type %u stream %u len %u from Dom0", type, stream, len);
}

/* Take frames from the ring while the previous stdin data is delivered. Also called once before the fork, so
   stdin that Dom0 sent early is already in the pipe and a terminal has its size before the entrypoint starts. */
void
vxn_receive_frames (void)
{
  while (vxn.in_off >= vxn.in_len && !vxn.vchan_dead)
    {
      ssize_t n = vxn_vchan_read (vxn_rx_space (&vxn.rx), vxn_rx_want (&vxn.rx));
      if (n <= 0)
        return;
      int r = vxn_rx_commit (&vxn.rx, n);
      if (r < 0)
        {
          /* The stream cannot be resynchronised: stop listening, keep the output flowing. */
          vxn_log ("bad frame header from Dom0 (length %u): stdin closed", vxn_rx_len (&vxn.rx));
          vxn.vchan_dead = 1;
          close_stdin ();
          return;
        }
      if (r == 1)
        {
          handle_frame ();
          vxn_rx_reset (&vxn.rx);
        }
    }
}

/* Forward one read of stream s (stdout or stderr), if the ring can take a full frame. */
static void
forward_output (int s)
{
  uint8_t buf[VXN_FRAME_PAYLOAD_MAX];
  int space = vxn_vchan_space () - VXN_FRAME_HEADER_SIZE;
  if (vxn.out_fd[s] < 0 || space <= 0)
    return;
  ssize_t n = read (vxn.out_fd[s], buf, space < (int)sizeof buf ? (size_t)space : sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  if (n <= 0)
    {
      /* EOF; a pty master reports EIO once the last slave fd is closed. */
      if (n < 0 && errno != EIO)
        vxn_log ("read container stream %d: %s", s, strerror (errno));
      close (vxn.out_fd[s]);
      vxn.out_fd[s] = -1;
      vxn_debug ("EOF on stream %d", s);
      return;
    }
  vxn_vchan_send (VXN_FRAME_DATA, s, buf, n); /* cannot fail for room: only we fill the ring */
}

static void
send_eofs (void)
{
  for (int s = VXN_STREAM_STDOUT; s <= VXN_STREAM_STDERR; s++)
    if (vxn.out_fd[s] < 0 && !vxn.eof_sent[s] && vxn_vchan_send (VXN_FRAME_EOF, s, NULL, 0))
      vxn.eof_sent[s] = 1;
}

static void
reap (void)
{
  struct signalfd_siginfo si;
  while (read (vxn.sigfd, &si, sizeof si) == sizeof si)
    ; /* only a wake-up: waitpid() below tells who */
  for (;;)
    {
      int status;
      pid_t pid = waitpid (-1, &status, WNOHANG);
      if (pid <= 0)
        break;
      /* Other pids are the container's orphans, reparented to us when its namespace died. */
      if (pid == vxn.child)
        {
          vxn_debug ("entrypoint exited (status 0x%x)", status);
          vxn.child_status = status;
          vxn.child_done = 1;
        }
    }
}

void
vxn_pump (void)
{
  const int vchan_fd = vxn_vchan_fd (), xs_fd = vxn_xs_fd ();
  /* A signal may have been noticed while we were still waiting for start. */
  vxn_xs_handle_events ();
  for (;;)
    {
      struct pollfd p[6];
      int n = 0, i_sig, i_xs, i_vchan = -1, i_out[3] = { -1, -1, -1 }, i_in = -1;

      /* Work that needs no wake-up: frames already in the ring, EOF frames that now fit. */
      vxn_receive_frames ();
      send_eofs ();
      if (vxn.child_done && vxn.out_fd[1] < 0 && vxn.out_fd[2] < 0 && vxn.eof_sent[1] && vxn.eof_sent[2])
        break;

      p[i_sig = n++] = (struct pollfd){ .fd = vxn.sigfd, .events = POLLIN };
      p[i_xs = n++] = (struct pollfd){ .fd = xs_fd, .events = POLLIN };
      if (!vxn.vchan_dead)
        p[i_vchan = n++] = (struct pollfd){ .fd = vchan_fd, .events = POLLIN };
      /* buffer_space() also asks Dom0 for an event when it frees room, so waiting on the vchan fd suffices. */
      if (vxn_vchan_space () > VXN_FRAME_HEADER_SIZE)
        for (int s = VXN_STREAM_STDOUT; s <= VXN_STREAM_STDERR; s++)
          if (vxn.out_fd[s] >= 0)
            p[i_out[s] = n++] = (struct pollfd){ .fd = vxn.out_fd[s], .events = POLLIN };
      if (vxn.in_fd >= 0 && vxn.in_off < vxn.in_len)
        p[i_in = n++] = (struct pollfd){ .fd = vxn.in_fd, .events = POLLOUT };

      if (poll (p, n, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          vxn_fatal (VXN_EXIT_INIT_FAILED, "poll: %s", strerror (errno));
        }
      if (i_vchan >= 0 && p[i_vchan].revents)
        vxn_vchan_clear_event ();
      if (p[i_sig].revents)
        reap ();
      if (p[i_xs].revents)
        vxn_xs_handle_events ();
      for (int s = VXN_STREAM_STDOUT; s <= VXN_STREAM_STDERR; s++)
        if (i_out[s] >= 0 && p[i_out[s]].revents)
          forward_output (s);
      if (i_in >= 0 && p[i_in].revents)
        flush_stdin ();
    }
  close_stdin ();
}
