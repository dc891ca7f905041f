/* exec: more processes in the running container (docs/design.md, "Exec").

   `vxn-oci-runtime exec` connects to the control socket, sends "exec <terminal>" with its stdio (three fds, or
   one pty slave) attached, then the encoded guest spec in "spec <bytes>" pieces and "run". We number the process,
   hand the spec to the guest init in EXEC_SPEC/EXEC_RUN frames, and from then on relay: the guest's output to
   the fds we were given, those fds' input to the guest, "signal N" and "winsize R C" from the connection to the
   guest, EXEC_STARTED/EXEC_FAILED as "started" / "error <why>", and the EXIT frame as "exit <code>", after which
   the session ends. The connection's other end is the process the caller reaps (the exec's --pid-file): if it
   goes away first, the guest process is killed, as a process whose runc parent was SIGKILLed would be. */
#include "config.h"

#include "ctl.h"
#include "monitor.h"
#include "utils.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct exec_session
{
  struct monitor *m;
  struct exec_session *next;
  uint32_t id;
  int conn; /* -1 once the caller's side is gone */
  ev_io conn_watcher;
  int in_fd, out_fd, err_fd; /* a pty slave in all three with a terminal */
  bool terminal;
  struct guest_input input;
  char *spec;
  size_t spec_len;
  bool running; /* the spec went to the guest */
};

static void
say (struct exec_session *s, const char *msg)
{
  if (s->conn >= 0)
    send (s->conn, msg, strlen (msg), MSG_NOSIGNAL | MSG_DONTWAIT);
}

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

static void
end_session (struct exec_session *s)
{
  struct monitor *m = s->m;
  for (struct exec_session **p = &m->execs; *p; p = &(*p)->next)
    if (*p == s)
      {
        *p = s->next;
        break;
      }
  if (s->input.io)
    guest_io_remove_input (&m->io, &s->input);
  if (s->conn >= 0)
    ev_io_stop (m->loop, &s->conn_watcher);
  close_fd (&s->conn);
  if (s->out_fd != s->in_fd)
    close_fd (&s->out_fd);
  if (s->err_fd != s->in_fd)
    close_fd (&s->err_fd);
  close_fd (&s->in_fd);
  free (s->spec);
  free (s);
}

static struct exec_session *
find (struct monitor *m, uint32_t id)
{
  for (struct exec_session *s = m->execs; s; s = s->next)
    if (s->id == id)
      return s;
  return NULL;
}

/* Text from the guest goes to the caller: printable ASCII only, bounded. */
static void
sanitize (char *out, size_t outlen, const uint8_t *in, size_t len)
{
  size_t j = 0;
  for (size_t i = 0; i < len && j + 1 < outlen; i++)
    out[j++] = in[i] >= 0x20 && in[i] < 0x7f ? (char)in[i] : '?';
  out[j] = '\0';
}

static void
emit (struct exec_session *s, int fd, const uint8_t *data, size_t len)
{
  if (fd >= 0 && vxn_write_all (fd, data, len) < 0 && errno != EPIPE)
    monitor_log (s->m, "exec %u: write to its stream: %s", s->id, strerror (errno));
}

void
exec_guest_frame (void *monitor, const struct vxn_frame_header *h, const uint8_t *payload)
{
  struct monitor *m = monitor;
  uint32_t id = vxn_frame_proc (h);
  uint16_t len = vxn_frame_len (h);
  struct exec_session *s = find (m, id);
  char text[300];
  if (s == NULL)
    return; /* its session ended (the guest reports what was in flight) */
  switch (h->type)
    {
    case VXN_FRAME_DATA:
      if (h->stream == VXN_STREAM_STDOUT || h->stream == VXN_STREAM_STDERR)
        emit (s, h->stream == VXN_STREAM_STDOUT ? s->out_fd : s->err_fd, payload, len);
      return;
    case VXN_FRAME_EOF:
      /* The caller sees EOF on a stream as soon as the process closed it (not with a terminal: one fd). */
      if (!s->terminal && h->stream == VXN_STREAM_STDOUT)
        close_fd (&s->out_fd);
      else if (!s->terminal && h->stream == VXN_STREAM_STDERR)
        close_fd (&s->err_fd);
      return;
    case VXN_FRAME_EXEC_STARTED:
      say (s, "started");
      return;
    case VXN_FRAME_EXEC_FAILED:
      {
        /* "<code> <message>": the caller gets the message; the code comes again in the EXIT frame. */
        const uint8_t *sp = memchr (payload, ' ', len);
        size_t off = sp ? (size_t)(sp - payload) + 1 : 0;
        char msg[sizeof text + 8];
        sanitize (text, sizeof text, payload + off, len - off);
        snprintf (msg, sizeof msg, "error %s", text);
        monitor_log (m, "exec %u failed: %s", id, text);
        say (s, msg);
        return;
      }
    case VXN_FRAME_EXIT:
      {
        int code;
        char msg[32];
        sanitize (text, sizeof text, payload, len);
        if (monitor_parse_exit (text, &code) < 0)
          {
            monitor_log (m, "exec %u: malformed exit status `%.64s` from the guest", id, text);
            code = VXN_EXIT_NO_REPORT;
          }
        monitor_log (m, "exec %u %s", id, text);
        snprintf (msg, sizeof msg, "exit %d", code);
        say (s, msg);
        end_session (s);
        return;
      }
    default:
      monitor_log (m, "exec %u: unexpected frame type %u from the guest", id, h->type);
    }
}

static void
run (struct exec_session *s)
{
  struct monitor *m = s->m;
  for (size_t off = 0; off < s->spec_len; off += VXN_FRAME_PAYLOAD_MAX)
    {
      size_t n = s->spec_len - off < VXN_FRAME_PAYLOAD_MAX ? s->spec_len - off : VXN_FRAME_PAYLOAD_MAX;
      guest_io_send (&m->io, VXN_FRAME_EXEC_SPEC, 0, s->id, s->spec + off, n);
    }
  /* The size first: the guest gives it to the process's pty before the program runs. */
  if (s->terminal)
    guest_io_send_winsize (&m->io, s->id, s->in_fd);
  guest_io_send (&m->io, VXN_FRAME_EXEC_RUN, 0, s->id, NULL, 0);
  free (s->spec);
  s->spec = NULL;
  s->running = true;
  guest_io_add_input (&m->io, &s->input, s->id, s->in_fd);
}

/* The caller's side closed: a process still running in the guest is killed; its frames still arrive and the
   session ends with them. */
static void
caller_gone (struct exec_session *s)
{
  ev_io_stop (s->m->loop, &s->conn_watcher);
  close_fd (&s->conn);
  if (!s->running)
    {
      end_session (s);
      return;
    }
  uint8_t sig = SIGKILL;
  monitor_log (s->m, "exec %u: its caller went away; killing it", s->id);
  guest_io_send (&s->m->io, VXN_FRAME_SIGNAL, 0, s->id, &sig, 1);
}

static void
conn_cb (struct ev_loop *loop, ev_io *w, int revents)
{
  (void)loop;
  (void)revents;
  struct exec_session *s = (struct exec_session *)((char *)w - offsetof (struct exec_session, conn_watcher));
  static char buf[VXN_CTL_EXEC_CHUNK + 16];
  ssize_t n = recv (s->conn, buf, sizeof buf - 1, MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  if (n <= 0)
    {
      caller_gone (s);
      return;
    }
  buf[n] = '\0';
  long a;
  char x[16], y[16];
  if (!s->running && n >= 5 && memcmp (buf, "spec ", 5) == 0 && s->spec_len + (n - 5) <= VXN_CTL_EXEC_SPEC_MAX)
    {
      s->spec = xrealloc (s->spec, s->spec_len + (n - 5));
      memcpy (s->spec + s->spec_len, buf + 5, n - 5);
      s->spec_len += n - 5;
    }
  else if (!s->running && strcmp (buf, "run") == 0)
    run (s);
  else if (s->running && sscanf (buf, "signal %15s", x) == 1 && vxn_parse_long (x, 1, 64, &a) == 0)
    {
      uint8_t sig = (uint8_t)a;
      guest_io_send (&s->m->io, VXN_FRAME_SIGNAL, 0, s->id, &sig, 1);
    }
  else if (s->running && s->terminal && sscanf (buf, "winsize %15s %15s", x, y) == 2)
    guest_io_send_winsize (&s->m->io, s->id, s->in_fd); /* the slave we hold has the size already */
  else
    {
      say (s, "error malformed exec request");
      caller_gone (s);
    }
}

void
exec_begin (struct monitor *m, int conn_fd, const int *fds, size_t n_fds, bool terminal)
{
  const char *why = NULL;
  if (m->state == VXN_STATE_paused)
    why = "error cannot exec in a paused container";
  else if (m->state != VXN_STATE_running || m->io.vchan == NULL)
    why = "error cannot exec in a container that is not running";
  else if (n_fds != (terminal ? 1u : 3u))
    why = "error exec needs the process's stdio";
  if (why)
    {
      send (conn_fd, why, strlen (why), MSG_NOSIGNAL | MSG_DONTWAIT);
      for (size_t i = 0; i < n_fds; i++)
        close (fds[i]);
      close (conn_fd);
      return;
    }
  struct exec_session *s = xzalloc (sizeof *s);
  s->m = m;
  /* Ids are never reused while the container lives, so a late frame cannot reach a newer process. */
  s->id = ++m->next_exec_id;
  s->conn = conn_fd;
  s->terminal = terminal;
  s->in_fd = fds[0];
  s->out_fd = terminal ? fds[0] : fds[1];
  s->err_fd = terminal ? fds[0] : fds[2];
  s->next = m->execs;
  m->execs = s;
  monitor_log (m, "exec %u: session opened%s", s->id, terminal ? " (terminal)" : "");
  ev_io_init (&s->conn_watcher, conn_cb, conn_fd, EV_READ);
  ev_io_start (m->loop, &s->conn_watcher);
}

void
exec_finish_all (struct monitor *m)
{
  while (m->execs)
    {
      say (m->execs, "exit 137");
      end_session (m->execs);
    }
}
