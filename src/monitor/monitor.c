/* The monitor's event loop and the actions of the state machine. Every wake-up comes from an fd: libxl's (via the
   osevent hooks), the xenstore watch pipe, the vchan event channel, the control socket, stdin, or a signal. */
#include "config.h"

#include "monitor.h"
#include "state_file.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#define CREATE_TIMEOUT_S 300.0
/* libxl's destroy sends the device model SIGHUP and does not wait; we do, within this bound, then SIGKILL. */
#define QEMU_EXIT_TIMEOUT_S 20.0

void
monitor_log (struct monitor *m, const char *fmt, ...)
{
  char when[64];
  va_list ap;
  if (m->log == NULL)
    return;
  vxn_now_rfc3339 (when, sizeof when);
  fprintf (m->log, "%s monitor[%d]: ", when, (int)getpid ());
  va_start (ap, fmt);
  vfprintf (m->log, fmt, ap);
  va_end (ap);
  fputc ('\n', m->log);
}

/* The entrypoint's terminal size, read from the pty slave we hold. */
static void
send_entry_winsize (struct monitor *m)
{
  if (m->io.terminal)
    guest_io_send_winsize (&m->io, VXN_PROC_ENTRYPOINT, m->io.in_fd);
}

static void
write_state (struct monitor *m)
{
  vxn_error_t err = NULL;
  struct vxn_state_file st = {
    .id = (char *)m->args->id,
    .bundle = (char *)m->args->bundle,
    .status = (char *)vxn_state_name (m->state),
    .monitor_pid = getpid (),
    .monitor_start_time = m->start_time,
    .created = (char *)m->args->created,
    .domid = m->have_domain ? (int64_t)m->domid : -1,
    .domuuid = m->have_domain ? m->uuid : "",
    .domname = m->dc.c_info.name ? m->dc.c_info.name : "",
    .exit_status = m->state == VXN_STATE_exited ? m->exit_status : -1,
    .annotations_json = (char *)m->args->annotations_json,
    .cgroup = m->cgroup ? m->cgroup : "",
    .cgroup_owned = m->args->cgroup && m->args->cgroup->manager == VXN_CGROUP_FS,
    .oom_kills = m->oom_kills,
  };
  if (vxn_state_file_write (m->state_dirfd, &st, &err) < 0)
    {
      char *s = vxn_error_string (err);
      monitor_log (m, "cannot write state: %s", s);
      free (s);
      vxn_error_release (&err);
    }
}

static void
sync_reply (struct monitor *m, const char *msg)
{
  if (m->args->sync_fd < 0)
    return;
  vxn_write_all (m->args->sync_fd, msg, strlen (msg));
  close (m->args->sync_fd);
  ((struct vxn_monitor_args *)m->args)->sync_fd = -1;
}

/* The container has not exited until its QEMU has: a caller that checks (or reuses the volume) right after the
   exit must not find the backend still running. The pidfd becomes readable when QEMU exits; no polling. */
static void
qemu_gone (struct monitor *m)
{
  ev_io_stop (m->loop, &m->qemu_watcher);
  ev_timer_stop (m->loop, &m->qemu_timer);
  close (m->qemu_pidfd);
  m->qemu_pidfd = -1;
  ev_break (m->loop, EVBREAK_ALL);
}

static void
qemu_exit_cb (struct ev_loop *loop, ev_io *w, int revents)
{
  (void)loop;
  (void)revents;
  struct monitor *m = w->data;
  monitor_log (m, "the QEMU backend has exited");
  qemu_gone (m);
}

static void
qemu_timeout_cb (struct ev_loop *loop, ev_timer *w, int revents)
{
  (void)revents;
  struct monitor *m = w->data;
  if (m->qemu_killed)
    {
      monitor_log (m, "the QEMU backend survived SIGKILL for %.0f s; giving up on it", QEMU_EXIT_TIMEOUT_S);
      qemu_gone (m);
      return;
    }
  monitor_log (m, "the QEMU backend is still there %.0f s after destroy: SIGKILL", QEMU_EXIT_TIMEOUT_S);
  m->qemu_killed = true;
  syscall (SYS_pidfd_send_signal, m->qemu_pidfd, SIGKILL, NULL, 0);
  ev_timer_set (w, QEMU_EXIT_TIMEOUT_S, 0);
  ev_timer_start (loop, w);
}

static void
wait_qemu_then_break (struct monitor *m)
{
  if (m->qemu_pidfd < 0)
    {
      ev_break (m->loop, EVBREAK_ALL);
      return;
    }
  if (!m->domain_dead)
    {
      /* A libxl disaster: nobody destroyed the domain, so its QEMU stays (the watchdog destroys both). */
      close (m->qemu_pidfd);
      m->qemu_pidfd = -1;
      ev_break (m->loop, EVBREAK_ALL);
      return;
    }
  ev_io_init (&m->qemu_watcher, qemu_exit_cb, m->qemu_pidfd, EV_READ);
  m->qemu_watcher.data = m;
  ev_io_start (m->loop, &m->qemu_watcher);
  ev_timer_init (&m->qemu_timer, qemu_timeout_cb, QEMU_EXIT_TIMEOUT_S, 0);
  m->qemu_timer.data = m;
  ev_timer_start (m->loop, &m->qemu_timer);
}

/* Read by Dom0 before the guest runs (the guest cannot write under image/), and pinned with a pidfd at once. */
static void
watch_qemu (struct monitor *m)
{
  char path[96];
  long pid;
  unsigned len = 0;
  if (m->args->n_p9 == 0)
    return;
  snprintf (path, sizeof path, "%s/image/device-model-pid", m->dom_path);
  cleanup_free char *v = xs_read (m->xs, XBT_NULL, path, &len);
  if (v == NULL || vxn_parse_long (v, 2, 4194304, &pid) < 0)
    {
      monitor_log (m, "no QEMU backend pid at %s", path);
      return;
    }
  m->qemu_pidfd = (int)syscall (SYS_pidfd_open, (pid_t)pid, 0);
  if (m->qemu_pidfd < 0)
    monitor_log (m, "pidfd_open of the QEMU backend (pid %ld): %s", pid, strerror (errno));
  else
    {
      fcntl (m->qemu_pidfd, F_SETFD, FD_CLOEXEC);
      monitor_log (m, "QEMU backend (9pfs) is pid %ld", pid);
    }
}

static void
finish (struct monitor *m)
{
  if (m->finished)
    return;
  m->finished = true;
  if (m->exit_status < 0)
    m->exit_status = VXN_EXIT_NO_REPORT;
  guest_io_drain (&m->io);
  exec_finish_all (m);
  guest_io_close (&m->io);
  if (m->state != VXN_STATE_exited)
    {
      int next = vxn_state_next (m->state, m->state == VXN_STATE_creating && !m->have_domain ? VXN_EVENT_build_failed
                                                                                             : VXN_EVENT_domain_gone);
      m->state = next >= 0 ? (enum vxn_state)next : VXN_STATE_exited;
    }
  write_state (m);
  monitor_log (m, "container exited with status %d", m->exit_status);
  sync_reply (m, "error the domain went away while being created");
  control_stop (m);
  watchdog_disarm (m->watchdog_fd);
  if (m->death)
    {
      libxl_evdisable_domain_death (m->ctx, m->death);
      m->death = NULL;
    }
  wait_qemu_then_break (m);
}

static void
destroy_cb (libxl_ctx *ctx, int rc, void *user)
{
  (void)ctx;
  struct monitor *m = user;
  m->destroy_done = true;
  m->domain_dead = true;
  if (rc != 0)
    monitor_log (m, "libxl_domain_destroy failed (rc=%d)", rc);
  finish (m);
}

static void
begin_destroy (struct monitor *m)
{
  if (m->destroy_started)
    return;
  m->destroy_started = true;
  if (!m->have_domain || m->domain_dead)
    {
      m->destroy_done = true;
      finish (m);
      return;
    }
  /* Take the last output first: the ring is ours, but be done with it before the domain's pages go. */
  guest_io_drain (&m->io);
  libxl_asyncop_how how = { .callback = destroy_cb, .u.for_callback = m };
  int rc = libxl_domain_destroy (m->ctx, m->domid, &how);
  if (rc != 0)
    {
      monitor_log (m, "libxl_domain_destroy could not start (rc=%d)", rc);
      m->destroy_done = true;
      finish (m);
    }
}

static int
action (struct monitor *m, enum vxn_event event, enum vxn_state from, char *errbuf, size_t errlen)
{
  char key[96];
  int rc;
  switch (event)
    {
    case VXN_EVENT_start:
      /* The size may have changed since the guest came up; it is in the ring before the entrypoint starts. */
      send_entry_winsize (m);
      snprintf (key, sizeof key, "%s/" VXN_XS_START, m->dom_path);
      if (!xs_write (m->xs, XBT_NULL, key, "1", 1))
        {
          snprintf (errbuf, errlen, "write %s: %s", key, strerror (errno));
          return -1;
        }
      return 0;
    case VXN_EVENT_pause:
      rc = libxl_domain_pause (m->ctx, m->domid, NULL);
      if (rc != 0)
        {
          snprintf (errbuf, errlen, "libxl could not pause domain %u (rc=%d)", m->domid, rc);
          return -1;
        }
      return 0;
    case VXN_EVENT_resume:
      rc = libxl_domain_unpause (m->ctx, m->domid, NULL);
      if (rc != 0)
        {
          snprintf (errbuf, errlen, "libxl could not resume domain %u (rc=%d)", m->domid, rc);
          return -1;
        }
      return 0;
    case VXN_EVENT_kill:
      if (m->exit_status < 0)
        m->exit_status = VXN_EXIT_KILLED;
      begin_destroy (m);
      return 0;
    case VXN_EVENT_signal:
      if (from == VXN_STATE_created)
        begin_destroy (m);
      return 0;
    case VXN_EVENT_guest_exit:
      begin_destroy (m);
      return 0;
    case VXN_EVENT_domain_built:
    case VXN_EVENT_build_failed:
    case VXN_EVENT_domain_gone:
    case VXN_EVENT__COUNT:
      return 0;
    }
  return 0;
}

int
monitor_fire (struct monitor *m, enum vxn_event event, char *errbuf, size_t errlen)
{
  int next = vxn_state_next (m->state, event);
  if (next < 0)
    {
      snprintf (errbuf, errlen, "container is %s: cannot %s", vxn_state_oci_status (m->state), vxn_event_name (event));
      return -1;
    }
  enum vxn_state from = m->state;
  m->state = (enum vxn_state)next;
  monitor_log (m, "%s --%s--> %s", vxn_state_name (from), vxn_event_name (event), vxn_state_name (m->state));
  if (action (m, event, from, errbuf, errlen) < 0)
    {
      m->state = from;
      return -1;
    }
  if (!m->finished && from != m->state)
    write_state (m);
  return 0;
}

/* "exited <0-255>" or "signaled <1-64>": anything else from the guest is refused. */
int
monitor_parse_exit (const char *v, int *status)
{
  long n;
  if (strncmp (v, "exited ", 7) == 0 && vxn_parse_long (v + 7, 0, 255, &n) == 0)
    *status = (int)n;
  else if (strncmp (v, "signaled ", 9) == 0 && vxn_parse_long (v + 9, 1, 64, &n) == 0)
    *status = 128 + (int)n;
  else
    return -1;
  return 0;
}

static char *
read_guest_key (struct monitor *m, const char *rel)
{
  char path[128];
  unsigned len = 0;
  snprintf (path, sizeof path, "%s/%s", m->dom_path, rel);
  char *v = xs_read (m->xs, XBT_NULL, path, &len);
  if (v && (len > VXN_XS_VALUE_MAX || strlen (v) != len))
    {
      monitor_log (m, "ignoring malformed %s from the guest", rel);
      free (v);
      return NULL;
    }
  return v;
}

/* The guest's count of OOM kills in the container, kept in the state file for `events`. Only a rise counts: the guest
   may lie, but then only about its own OOM kills. */
static void
check_guest_oom (struct monitor *m)
{
  cleanup_free char *v = read_guest_key (m, VXN_XS_OOM);
  long n;
  if (v == NULL)
    return;
  if (vxn_parse_long (v, 0, 1000000000L, &n) < 0)
    {
      monitor_log (m, "guest published a malformed OOM-kill count `%.64s`; ignoring it", v);
      return;
    }
  if ((unsigned long)n <= m->oom_kills)
    return;
  m->oom_kills = (unsigned long)n;
  monitor_log (m, "guest reports %lu OOM kill(s) in the container", m->oom_kills);
  write_state (m);
}

static void
check_guest_keys (struct monitor *m)
{
  char errbuf[256];
  if (!m->have_domain || m->finished)
    return;
  if (!m->guest_ready)
    {
      cleanup_free char *ready = read_guest_key (m, VXN_XS_READY);
      if (ready && strcmp (ready, "1") == 0)
        {
          m->guest_ready = true;
          monitor_log (m, "guest init is ready");
          guest_io_start_stdin (&m->io);
          send_entry_winsize (m); /* the guest sizes its pty before the entrypoint starts */
        }
    }
  check_guest_oom (m);
  if (m->state == VXN_STATE_created || m->state == VXN_STATE_running || m->state == VXN_STATE_paused)
    {
      cleanup_free char *v = read_guest_key (m, VXN_XS_EXIT);
      int status;
      if (v == NULL)
        return;
      if (monitor_parse_exit (v, &status) < 0)
        {
          monitor_log (m, "guest published a malformed exit status `%.64s`; ignoring it", v);
          return;
        }
      if (m->exit_status < 0)
        m->exit_status = status;
      monitor_log (m, "guest reports `%s`", v);
      monitor_fire (m, VXN_EVENT_guest_exit, errbuf, sizeof errbuf);
    }
}

static void
xs_cb (struct ev_loop *loop, ev_io *w, int revents)
{
  (void)loop;
  (void)revents;
  struct monitor *m = w->data;
  char **ev;
  bool data_changed = false;
  while ((ev = xs_check_watch (m->xs)) != NULL)
    {
      if (strcmp (ev[XS_WATCH_TOKEN], "data") == 0)
        data_changed = true;
      free (ev);
    }
  if (data_changed)
    check_guest_keys (m);
}

static void
on_shutdown (struct monitor *m, int reason)
{
  monitor_log (m, "domain %u shut down: %s", m->domid, libxl_shutdown_reason_to_string (reason));
  /* The watch may not have fired yet: look once more before the subtree goes away. */
  check_guest_keys (m);
  if (m->exit_status < 0)
    {
      monitor_log (m, "the guest did not report an exit status");
      m->exit_status = VXN_EXIT_NO_REPORT;
    }
  begin_destroy (m);
}

static void
on_death (struct monitor *m)
{
  monitor_log (m, "domain %u is gone", m->domid);
  m->domain_dead = true;
  if (m->exit_status < 0)
    m->exit_status = VXN_EXIT_KILLED; /* destroyed from outside (xl destroy) */
  if (m->destroy_started && !m->destroy_done)
    return; /* destroy_cb finishes */
  finish (m);
}

static void
event_occurs (void *user, libxl_event *ev)
{
  struct monitor *m = user;
  if (ev->domid == m->domid && m->have_domain)
    {
      if (ev->type == LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN)
        on_shutdown (m, ev->u.domain_shutdown.shutdown_reason);
      else if (ev->type == LIBXL_EVENT_TYPE_DOMAIN_DEATH)
        on_death (m);
    }
  libxl_event_free (m->ctx, ev);
}

static void
disaster (void *user, libxl_event_type type, const char *msg, int errnoval)
{
  struct monitor *m = user;
  /* libxl may not be called from here: stop; the watchdog destroys the domain. */
  monitor_log (m, "libxl disaster (event type %d): %s (errno %d)", (int)type, msg, errnoval);
  m->exit_status = VXN_EXIT_NO_REPORT;
  ev_break (m->loop, EVBREAK_ALL);
}

static const libxl_event_hooks event_hooks = {
  .event_occurs_mask = LIBXL_EVENTMASK_ALL,
  .event_occurs = event_occurs,
  .disaster = disaster,
};

static int
reaped (pid_t pid, int status, void *user)
{
  (void)pid;
  (void)status;
  (void)user;
  return 0; /* our only own child is the watchdog, which outlives us */
}

static const libxl_childproc_hooks childproc_hooks = {
  .chldowner = libxl_sigchld_owner_libxl_always,
  .reaped_callback = reaped,
};

static void
console_read_cb (struct ev_loop *loop, ev_io *w, int revents)
{
  (void)revents;
  struct monitor *m = w->data;
  char buf[4096];
  ssize_t n = read (w->fd, buf, sizeof buf);
  if (n > 0)
    {
      vxn_write_all (m->console_log_fd, buf, n);
      return;
    }
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  ev_io_stop (loop, w); /* EIO: xenconsoled closed the pty with the domain */
}

/* The primary console carries kernel and init messages only; it is kept for diagnosis, never parsed. */
static void
console_available (libxl_ctx *ctx, libxl_event *ev, void *user)
{
  struct monitor *m = user;
  char *path = NULL;
  if (libxl_console_get_tty (ctx, ev->domid, 0, LIBXL_CONSOLE_TYPE_PV, &path) == 0 && path)
    {
      int fd = open (path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
      if (fd >= 0)
        {
          struct termios t;
          if (tcgetattr (fd, &t) == 0)
            {
              cfmakeraw (&t);
              tcsetattr (fd, TCSANOW, &t);
            }
          m->console_fd = fd;
          m->console_log_fd = openat (m->state_dirfd, "console.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
          ev_io_init (&m->console_watcher, console_read_cb, fd, EV_READ);
          m->console_watcher.data = m;
          ev_io_start (m->loop, &m->console_watcher);
        }
    }
  free (path);
  libxl_event_free (ctx, ev);
}

static void
fail_create (struct monitor *m, const char *fmt, ...)
{
  char msg[512], line[600];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  monitor_log (m, "create failed: %s", msg);
  snprintf (line, sizeof line, "error %s", msg);
  sync_reply (m, line);
  m->exit_status = VXN_EXIT_NO_REPORT;
  begin_destroy (m);
}

static void
create_done (libxl_ctx *ctx, int rc, void *user)
{
  struct monitor *m = user;
  vxn_error_t err = NULL;
  char errbuf[256];
  ev_timer_stop (m->loop, &m->create_timer);
  if (m->domid != (uint32_t)INVALID_DOMID && m->domid != 0)
    m->have_domain = true;
  if (rc != 0)
    {
      fail_create (m, "libxl could not build the domain (rc=%d; see %s/monitor.log)", rc, m->args->state_dir);
      return;
    }
  watchdog_arm (m->watchdog_fd, m->domid, m->uuid);
  m->dom_path = xs_get_domain_path (m->xs, m->domid);
  watch_qemu (m);
  char data_path[96], vxn_path[96];
  snprintf (data_path, sizeof data_path, "%s/data", m->dom_path);
  snprintf (vxn_path, sizeof vxn_path, "%s/" VXN_XS_DIR, m->dom_path);
  /* ~/vxn inherits the domain root's permissions: Dom0 owns it, the guest may only read. */
  if (!xs_mkdir (m->xs, XBT_NULL, vxn_path))
    {
      fail_create (m, "create %s: %s", vxn_path, strerror (errno));
      return;
    }
  m->io.proc_handler = exec_guest_frame;
  m->io.proc_ctx = m;
  if (guest_io_server_init (&m->io, m->loop, (xentoollog_logger *)m->xtl, m->domid, m->args->terminal_fd, m->log, &err)
      < 0)
    {
      char *s = vxn_error_string (err);
      fail_create (m, "%s", s);
      free (s);
      vxn_error_release (&err);
      return;
    }
  if (!xs_watch (m->xs, data_path, "data"))
    {
      fail_create (m, "watch %s: %s", data_path, strerror (errno));
      return;
    }
  rc = libxl_evenable_domain_death (ctx, m->domid, 0, &m->death);
  if (rc != 0)
    {
      fail_create (m, "watch domain %u for death (rc=%d)", m->domid, rc);
      return;
    }
  /* The guest boots now and waits for `start` (~/vxn/start), so `start` does not pay for the boot. */
  rc = libxl_domain_unpause (ctx, m->domid, NULL);
  if (rc != 0)
    {
      fail_create (m, "unpause domain %u (rc=%d)", m->domid, rc);
      return;
    }
  monitor_log (m, "domain %u (%s) built", m->domid, m->uuid);
  monitor_fire (m, VXN_EVENT_domain_built, errbuf, sizeof errbuf);
  sync_reply (m, "ok");
}

static libxl_asyncop_how create_how;

static void
create_timeout_cb (struct ev_loop *loop, ev_timer *w, int revents)
{
  (void)loop;
  (void)revents;
  struct monitor *m = w->data;
  monitor_log (m, "domain build took longer than %.0f s: aborting", CREATE_TIMEOUT_S);
  libxl_ao_abort (m->ctx, &create_how);
}

static void
forward_signal_cb (struct ev_loop *loop, ev_signal *w, int revents)
{
  (void)loop;
  (void)revents;
  struct monitor *m = w->data;
  char errbuf[256];
  monitor_log (m, "forwarding signal %d", w->signum);
  if (monitor_kill (m, w->signum, 0, errbuf, sizeof errbuf) < 0)
    monitor_log (m, "cannot forward signal %d: %s", w->signum, errbuf);
}

/* The caller resized the pty master: the slave is our controlling terminal, so the kernel tells us. */
static void
winch_cb (struct ev_loop *loop, ev_signal *w, int revents)
{
  (void)loop;
  (void)revents;
  struct monitor *m = w->data;
  send_entry_winsize (m);
}

/* Terminal mode: the pty slave stands for all three streams. It becomes our controlling terminal (for SIGWINCH),
   is made raw (the guest's own pty does the line discipline), and fds 0-2 are let go: they may be the caller's
   capture pipes, and a leaked write end makes the caller wait forever. */
static int
setup_terminal (struct monitor *m, vxn_error_t *err)
{
  struct termios t;
  int fd = m->args->terminal_fd, null;
  if (ioctl (fd, TIOCSCTTY, 0) < 0)
    return vxn_make_error (err, errno, "make the pty our controlling terminal");
  /* libxl execs QEMU (volumes) and hotplug scripts: none of them may hold the terminal open. */
  fcntl (fd, F_SETFD, FD_CLOEXEC);
  if (tcgetattr (fd, &t) == 0)
    {
      cfmakeraw (&t);
      tcsetattr (fd, TCSANOW, &t);
    }
  null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0)
    return vxn_make_error (err, errno, "open /dev/null");
  for (int i = 0; i < 3; i++)
    dup2 (null, i);
  close (null);
  ev_signal_init (&m->winch, winch_cb, SIGWINCH);
  m->winch.data = m;
  ev_signal_start (m->loop, &m->winch);
  return 0;
}

static int
monitor_setup (struct monitor *m, vxn_error_t *err)
{
  static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
  m->loop = ev_loop_new (EVFLAG_AUTO);
  if (m->loop == NULL)
    return vxn_make_error (err, 0, "cannot create the event loop");
  m->xtl = xtl_createlogger_stdiostream (m->log, m->args->debug ? XTL_DEBUG : XTL_INFO,
                                         XTL_STDIOSTREAM_HIDE_PROGRESS | XTL_STDIOSTREAM_SHOW_DATE);
  if (libxl_ctx_alloc (&m->ctx, LIBXL_VERSION, 0, (xentoollog_logger *)m->xtl) != 0)
    return vxn_make_error (err, 0, "cannot open libxl (is this a Xen Dom0 with xenstored running?)");
  /* Order matters: hooks before anything registers an fd, child mode before libxl forks. */
  vxn_libxl_ev_register (m->ctx, m->loop);
  libxl_childproc_setmode (m->ctx, &childproc_hooks, m);
  libxl_event_register_callbacks (m->ctx, &event_hooks, m);
  m->xs = xs_open (0);
  if (m->xs == NULL)
    return vxn_make_error (err, errno, "cannot connect to xenstored");
  ev_io_init (&m->xs_watcher, xs_cb, xs_fileno (m->xs), EV_READ);
  m->xs_watcher.data = m;
  ev_io_start (m->loop, &m->xs_watcher);
  if (control_start (m, err) < 0)
    return -1;
  if (m->args->terminal_fd >= 0 && setup_terminal (m, err) < 0)
    return -1;
  for (size_t i = 0; i < ARRAY_SIZE (forwarded); i++)
    {
      ev_signal_init (&m->forward_signals[i], forward_signal_cb, forwarded[i]);
      m->forward_signals[i].data = m;
      ev_signal_start (m->loop, &m->forward_signals[i]);
    }
  return domain_config_build (m, err);
}

static int
monitor_create_domain (struct monitor *m, vxn_error_t *err)
{
  static libxl_asyncprogress_how console_how;
  create_how.callback = create_done;
  create_how.u.for_callback = m;
  console_how.callback = console_available;
  console_how.for_callback = m;
  m->domid = INVALID_DOMID;
  ev_timer_init (&m->create_timer, create_timeout_cb, CREATE_TIMEOUT_S, 0);
  m->create_timer.data = m;
  ev_timer_start (m->loop, &m->create_timer);
  int rc = libxl_domain_create_new (m->ctx, &m->dc, &m->domid, &create_how, &console_how);
  if (rc != 0)
    return vxn_make_error (err, 0, "libxl could not start building the domain (rc=%d)", rc);
  return 0;
}

/* create's verdict on a failure before the domain runs: the reason, in monitor.log and on the sync pipe. */
static void
reply_error (struct monitor *m, vxn_error_t *err)
{
  char *s = vxn_error_string (*err);
  char line[600];
  snprintf (line, sizeof line, "error %s", s);
  monitor_log (m, "%s", s);
  sync_reply (m, line);
  free (s);
  vxn_error_release (err);
}

/* Before the watchdog and QEMU exist: they inherit it. */
static int
enter_cgroup (struct monitor *m, vxn_error_t *err)
{
  if (m->args->cgroup == NULL || m->args->cgroup->manager == VXN_CGROUP_NONE)
    return 0;
  cleanup_free char *desc = xasprintf ("vxn container %s", m->args->id);
  if (vxn_cgroup_enter (m->args->cgroup, desc, err) < 0)
    return -1;
  if (vxn_cgroup_own (&m->cgroup, err) < 0)
    return -1;
  monitor_log (m, "in cgroup %s", m->cgroup);
  return 0;
}

void
vxn_monitor_main (const struct vxn_monitor_args *args)
{
  static struct monitor mon;
  struct monitor *m = &mon;
  vxn_error_t err = NULL;
  m->args = args;
  m->exit_status = -1;
  m->ctl_fd = m->console_fd = m->console_log_fd = m->watchdog_fd = m->qemu_pidfd = -1;
  m->state = VXN_STATE_creating;
  m->domid = INVALID_DOMID;
  /* Our own session: a terminal's ^C or the caller's process group must not reach the monitor by accident. */
  setsid ();
  signal (SIGPIPE, SIG_IGN);
  m->start_time = vxn_process_start_time (getpid ());
  m->state_dirfd = open (args->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_free char *log_path = xasprintf ("%s/monitor.log", args->state_dir);
  m->log = fopen (log_path, "ae");
  if (m->state_dirfd < 0 || m->log == NULL || chdir (args->state_dir) < 0)
    {
      sync_reply (m, "error cannot open the container state directory");
      _exit (VXN_EXIT_NO_REPORT);
    }
  setvbuf (m->log, NULL, _IOLBF, 0);
  if (enter_cgroup (m, &err) < 0)
    {
      reply_error (m, &err);
      _exit (VXN_EXIT_NO_REPORT);
    }
  m->watchdog_fd = watchdog_spawn (log_path, &err);
  write_state (m);
  if (m->watchdog_fd < 0 || monitor_setup (m, &err) < 0 || monitor_create_domain (m, &err) < 0)
    {
      reply_error (m, &err);
      m->exit_status = VXN_EXIT_NO_REPORT;
      m->state = VXN_STATE_exited;
      write_state (m);
      control_stop (m);
      watchdog_disarm (m->watchdog_fd);
      _exit (VXN_EXIT_NO_REPORT);
    }
  ev_run (m->loop, 0);
  int status = m->exit_status < 0 ? VXN_EXIT_NO_REPORT : m->exit_status;
  if (m->xs)
    xs_close (m->xs);
  libxl_domain_config_dispose (&m->dc);
  libxl_ctx_free (m->ctx);
  xtl_logger_destroy ((xentoollog_logger *)m->xtl);
  monitor_log (m, "exit %d", status);
  fclose (m->log);
  exit (status);
}
