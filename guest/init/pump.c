/* The init's only loop while the container runs: one poll(2) over the stdout/stderr and stdin of every process
   Dom0 talks to (the entrypoint and exec'd ones), the status pipes of exec'd processes being started, the vchan
   event channel, the xenstore connection and a signalfd for SIGCHLD. No timeouts: every wake-up has a cause.

   Output is forwarded as it is produced, one read() per frame, and only when the ring has room for the frame; a
   Dom0 that reads slowly therefore slows the container down (its pipe fills) instead of making us buffer without
   bound. Stdin goes the other way with the same back-pressure: no new frame is taken from the ring until the
   previous one is in the child's pipe (for every process: one that does not read its stdin holds up the frames
   of the others, which bounds what we buffer to one frame).

   The loop ends when the entrypoint has been reaped, both its output streams reached EOF and their EOF frames are
   in the ring, and every exec'd process is reported. The kernel kills the rest of the pid namespace when its init (the
   entrypoint) exits, so EOF follows promptly. */
#include "vxn-init.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

void
vxn_proc_close_stdin (struct vxn_proc *p)
{
  if (p->in_fd >= 0)
    close (p->in_fd);
  p->in_fd = -1;
  p->in_len = p->in_off = 0;
  if (vxn.in_pending == p)
    vxn.in_pending = NULL;
}

/* Write pending stdin bytes; a reader that is gone (EPIPE, or EIO from a pty) just ends stdin. */
static void
flush_stdin (struct vxn_proc *p)
{
  while (p->in_fd >= 0 && p->in_off < p->in_len)
    {
      ssize_t n = write (p->in_fd, p->in_buf + p->in_off, p->in_len - p->in_off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;
      if (n < 0)
        {
          vxn_proc_close_stdin (p);
          return;
        }
      p->in_off += n;
    }
  p->in_len = p->in_off = 0;
  if (vxn.in_pending == p)
    vxn.in_pending = NULL;
  if (p->in_eof_pending && p->in_fd >= 0)
    vxn_proc_close_stdin (p);
}

static struct vxn_proc *
find_proc (uint32_t id)
{
  return id == VXN_PROC_ENTRYPOINT ? &vxn.entry : vxn_exec_find (id);
}

static void
handle_frame (void)
{
  uint8_t type = vxn_rx_type (&vxn.rx), stream = vxn_rx_stream (&vxn.rx);
  uint16_t len = vxn_rx_len (&vxn.rx);
  uint32_t id = vxn_rx_proc (&vxn.rx);
  if (type == VXN_FRAME_EXEC_SPEC || type == VXN_FRAME_EXEC_RUN || (type == VXN_FRAME_SIGNAL && id != 0))
    {
      vxn_exec_frame (type, id, vxn.rx.payload, len);
      return;
    }
  struct vxn_proc *p = find_proc (id);
  if (p == NULL)
    return; /* a process that ended while Dom0 was still talking to it */
  if (type == VXN_FRAME_DATA && stream == VXN_STREAM_STDIN)
    {
      if (p->in_fd < 0 || p->in_eof_pending || len == 0)
        return; /* nobody reads stdin any more */
      memcpy (p->in_buf, vxn.rx.payload, len);
      p->in_len = len;
      p->in_off = 0;
      vxn.in_pending = p;
      flush_stdin (p);
    }
  else if (type == VXN_FRAME_EOF && stream == VXN_STREAM_STDIN)
    {
      /* On a terminal there is no separate stdin to close; the pty stays usable for output. */
      if (p->terminal)
        return;
      p->in_eof_pending = 1;
      flush_stdin (p);
    }
  else if (type == VXN_FRAME_WINSIZE && len == 4)
    {
      const uint8_t *b = vxn.rx.payload;
      struct winsize ws = { .ws_row = b[0] | b[1] << 8, .ws_col = b[2] | b[3] << 8 };
      /* Before an exec'd process starts, keep the size for its pty (vxn_proc_spawn applies it). */
      p->rows = ws.ws_row;
      p->cols = ws.ws_col;
      /* in_fd is a dup of the pty master on a terminal; without one the size means nothing. */
      if (p->terminal && p->in_fd >= 0 && ioctl (p->in_fd, TIOCSWINSZ, &ws) < 0)
        vxn_log ("TIOCSWINSZ: %s", strerror (errno));
    }
  else
    vxn_log ("ignoring frame type %u stream %u process %u len %u from Dom0", type, stream, id, len);
}

/* Take frames from the ring while no stdin data waits to be delivered. Also called once before the entrypoint's
   fork, so stdin that Dom0 sent early is already in the pipe and a terminal has its size before it starts. */
void
vxn_receive_frames (void)
{
  while (vxn.in_pending == NULL && !vxn.vchan_dead)
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
          vxn_proc_close_stdin (&vxn.entry);
          return;
        }
      if (r == 1)
        {
          handle_frame ();
          vxn_rx_reset (&vxn.rx);
        }
    }
}

/* Forward one read of stream s (stdout or stderr) of p, if the ring can take a full frame. */
static void
forward_output (struct vxn_proc *p, int s)
{
  uint8_t buf[VXN_FRAME_PAYLOAD_MAX];
  int space = vxn_vchan_space () - VXN_FRAME_HEADER_SIZE;
  if (p->out_fd[s] < 0 || space <= 0)
    return;
  ssize_t n = read (p->out_fd[s], buf, space < (int)sizeof buf ? (size_t)space : sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  if (n <= 0)
    {
      /* EOF; a pty master reports EIO once the last slave fd is closed. */
      if (n < 0 && errno != EIO)
        vxn_log ("read stream %d of process %u: %s", s, p->id, strerror (errno));
      close (p->out_fd[s]);
      p->out_fd[s] = -1;
      vxn_debug ("EOF on stream %d of process %u", s, p->id);
      return;
    }
  vxn_vchan_send (VXN_FRAME_DATA, s, p->id, buf, n); /* cannot fail for room: only we fill the ring */
}

static void
send_eofs (struct vxn_proc *p)
{
  for (int s = VXN_STREAM_STDOUT; s <= VXN_STREAM_STDERR; s++)
    if (p->out_fd[s] < 0 && !p->eof_sent[s] && vxn_vchan_send (VXN_FRAME_EOF, s, p->id, NULL, 0))
      p->eof_sent[s] = 1;
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
      struct vxn_proc *p = pid == vxn.entry.pid ? &vxn.entry : NULL;
      for (int i = 0; p == NULL && i < VXN_EXEC_MAX; i++)
        if (vxn.execs[i] != NULL && vxn.execs[i]->pid == pid)
          p = vxn.execs[i];
      if (p != NULL)
        {
          vxn_debug ("process %u exited (status 0x%x)", p->id, status);
          p->status = status;
          p->done = 1;
        }
    }
}

/* The processes whose fds the loop watches: the entrypoint, then the exec'd ones. */
static int
procs (struct vxn_proc **out)
{
  int n = 0;
  out[n++] = &vxn.entry;
  for (int i = 0; i < VXN_EXEC_MAX; i++)
    if (vxn.execs[i] != NULL)
      out[n++] = vxn.execs[i];
  return n;
}

enum
{
  W_OUT1,
  W_OUT2,
  W_IN,
  W_STATUS,
  W_PER_PROC
};

void
vxn_pump (void)
{
  const int vchan_fd = vxn_vchan_fd (), xs_fd = vxn_xs_fd ();
  struct pollfd p[4 + (1 + VXN_EXEC_MAX) * W_PER_PROC]; /* signals, xenstore, vchan, OOM, then per process */
  struct vxn_proc *ps[1 + VXN_EXEC_MAX];
  int slot[1 + VXN_EXEC_MAX][W_PER_PROC];
  /* A signal may have been noticed while we were still waiting for start. */
  vxn_xs_handle_events ();
  for (;;)
    {
      int n = 0, i_sig, i_xs, i_vchan = -1, i_oom = -1;

      /* Work that needs no wake-up: frames already in the ring, EOF and EXIT frames that now fit. */
      vxn_receive_frames ();
      int np = procs (ps);
      for (int k = 0; k < np; k++)
        send_eofs (ps[k]);
      vxn_exec_reap_finished ();
      struct vxn_proc *e = &vxn.entry;
      if (e->done && e->out_fd[1] < 0 && e->out_fd[2] < 0 && e->eof_sent[1] && e->eof_sent[2] && vxn_exec_count () == 0)
        break;

      np = procs (ps);
      p[i_sig = n++] = (struct pollfd){ .fd = vxn.sigfd, .events = POLLIN };
      p[i_xs = n++] = (struct pollfd){ .fd = xs_fd, .events = POLLIN };
      if (!vxn.vchan_dead)
        p[i_vchan = n++] = (struct pollfd){ .fd = vchan_fd, .events = POLLIN };
      if (vxn_oom_fd () >= 0)
        p[i_oom = n++] = (struct pollfd){ .fd = vxn_oom_fd (), .events = POLLPRI };
      /* buffer_space() also asks Dom0 for an event when it frees room, so waiting on the vchan fd suffices. */
      int room = vxn_vchan_space () > VXN_FRAME_HEADER_SIZE;
      for (int k = 0; k < np; k++)
        {
          struct vxn_proc *q = ps[k];
          for (int w = 0; w < W_PER_PROC; w++)
            slot[k][w] = -1;
          for (int s = VXN_STREAM_STDOUT; s <= VXN_STREAM_STDERR; s++)
            if (room && q->out_fd[s] >= 0 && q->status_fd < 0)
              p[slot[k][s - 1] = n++] = (struct pollfd){ .fd = q->out_fd[s], .events = POLLIN };
          if (q->in_fd >= 0 && q->in_off < q->in_len)
            p[slot[k][W_IN] = n++] = (struct pollfd){ .fd = q->in_fd, .events = POLLOUT };
          if (q->status_fd >= 0)
            p[slot[k][W_STATUS] = n++] = (struct pollfd){ .fd = q->status_fd, .events = POLLIN };
        }

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
      if (i_oom >= 0 && p[i_oom].revents)
        vxn_oom_check ();
      for (int k = 0; k < np; k++)
        {
          /* Status first: a process must be reported started before its output. */
          if (slot[k][W_STATUS] >= 0 && p[slot[k][W_STATUS]].revents)
            vxn_exec_status_readable (ps[k]);
          for (int s = VXN_STREAM_STDOUT; s <= VXN_STREAM_STDERR; s++)
            if (slot[k][s - 1] >= 0 && p[slot[k][s - 1]].revents)
              forward_output (ps[k], s);
          if (slot[k][W_IN] >= 0 && p[slot[k][W_IN]].revents)
            flush_stdin (ps[k]);
        }
    }
  vxn_proc_close_stdin (&vxn.entry);
  vxn_oom_check (); /* an OOM kill that ended the entrypoint is counted before its exit is reported */
}
