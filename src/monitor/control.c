/* The control socket: short-lived verbs (start, kill, pause, resume) ask the monitor to fire an event; exec opens
   a session that lasts as long as its process (exec.c). */
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

struct conn
{
  ev_io io;
  struct monitor *m;
};

static void
reply (int fd, const char *msg)
{
  send (fd, msg, strlen (msg), MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* KILL (and any signal before start) destroys the domain; the rest reach the entrypoint through xenstore. */
int
monitor_kill (struct monitor *m, long signo, long all, char *errbuf, size_t errlen)
{
  if (m->state == VXN_STATE_stopping || m->state == VXN_STATE_exited)
    return 0; /* already on its way out: killing it again succeeds quietly, as runc does */
  m->signal_seq++;
  if (signo == SIGKILL)
    return monitor_fire (m, VXN_EVENT_kill, errbuf, errlen);
  if (m->state != VXN_STATE_running && m->state != VXN_STATE_paused && m->state != VXN_STATE_created)
    {
      snprintf (errbuf, errlen, "container is %s: cannot signal it", vxn_state_name (m->state));
      return -1;
    }
  if (m->state == VXN_STATE_created)
    {
      /* Nothing runs yet: like runc's init before exec, the container dies of the signal. */
      m->exit_status = 128 + (int) signo;
      return monitor_fire (m, VXN_EVENT_signal, errbuf, errlen);
    }
  char key[64], value[64];
  snprintf (key, sizeof key, "%s/" VXN_XS_SIGNAL, m->dom_path);
  int n = snprintf (value, sizeof value, "%u %ld %ld", m->signal_seq, signo, all);
  if (!xs_write (m->xs, XBT_NULL, key, value, n))
    {
      snprintf (errbuf, errlen, "write %s: %s", key, strerror (errno));
      return -1;
    }
  return monitor_fire (m, VXN_EVENT_signal, errbuf, errlen);
}

static int
handle (struct monitor *m, const char *req, char *errbuf, size_t errlen)
{
  if (strcmp (req, "start") == 0)
    return monitor_fire (m, VXN_EVENT_start, errbuf, errlen);
  if (strcmp (req, "pause") == 0)
    return monitor_fire (m, VXN_EVENT_pause, errbuf, errlen);
  if (strcmp (req, "resume") == 0)
    return monitor_fire (m, VXN_EVENT_resume, errbuf, errlen);
  if (strncmp (req, "kill ", 5) == 0)
    {
      long signo, all;
      char s[16], a[4];
      if (sscanf (req + 5, "%15s %3s", s, a) != 2 || vxn_parse_long (s, 1, 64, &signo) < 0
          || vxn_parse_long (a, 0, 1, &all) < 0)
        {
          snprintf (errbuf, errlen, "malformed kill request");
          return -1;
        }
      return monitor_kill (m, signo, all, errbuf, errlen);
    }
  snprintf (errbuf, errlen, "unknown request");
  return -1;
}

static void
conn_cb (struct ev_loop *loop, ev_io *w, int revents)
{
  (void) revents;
  struct conn *c = (struct conn *) w;
  char req[VXN_CTL_MSG_MAX + 1], errbuf[VXN_CTL_MSG_MAX - 8] = "";
  int fds[VXN_CTL_MAX_FDS];
  size_t n_fds = 0;
  ssize_t n = vxn_ctl_recv_fds (w->fd, req, sizeof req, fds, &n_fds, MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  ev_io_stop (loop, w);
  if (n > 0 && (strcmp (req, "exec 0") == 0 || strcmp (req, "exec 1") == 0))
    {
      /* The connection becomes the exec session's. */
      monitor_log (c->m, "request: %s", req);
      exec_begin (c->m, w->fd, fds, n_fds, req[5] == '1');
      free (c);
      return;
    }
  for (size_t i = 0; i < n_fds; i++)
    close (fds[i]);
  if (n > 0)
    {
      monitor_log (c->m, "request: %s", req);
      if (handle (c->m, req, errbuf, sizeof errbuf) == 0)
        reply (w->fd, "ok");
      else
        {
          char msg[VXN_CTL_MSG_MAX];
          snprintf (msg, sizeof msg, "error %s", errbuf);
          reply (w->fd, msg);
        }
    }
  close (w->fd);
  free (c);
}

static void
accept_cb (struct ev_loop *loop, ev_io *w, int revents)
{
  (void) revents;
  struct monitor *m = w->data;
  int fd = accept4 (w->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (fd < 0)
    return;
  struct conn *c = xzalloc (sizeof *c);
  c->m = m;
  ev_io_init (&c->io, conn_cb, fd, EV_READ);
  ev_io_start (loop, &c->io);
}

int
control_start (struct monitor *m, vxn_error_t *err)
{
  m->ctl_fd = vxn_ctl_listen (m->state_dirfd, err);
  if (m->ctl_fd < 0)
    return -1;
  ev_io_init (&m->ctl_watcher, accept_cb, m->ctl_fd, EV_READ);
  m->ctl_watcher.data = m;
  ev_io_start (m->loop, &m->ctl_watcher);
  return 0;
}

void
control_stop (struct monitor *m)
{
  if (m->ctl_fd < 0)
    return;
  ev_io_stop (m->loop, &m->ctl_watcher);
  close (m->ctl_fd);
  m->ctl_fd = -1;
  unlinkat (m->state_dirfd, VXN_CTL_SOCKET, 0);
}
