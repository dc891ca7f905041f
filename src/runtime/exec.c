/* exec: run another process in a running container.

   The process itself runs in the guest; on the host it is stood for by a small process (the "exec proxy") that
   holds a session on the monitor's control socket (src/monitor/exec.c): it hands the monitor its stdio, forwards
   the signals it receives, and exits with the guest process's status. That proxy is what --pid-file names and
   what the caller reaps, as the shim and conmon expect of runc's exec. With --detach it is a child we leave
   behind once the process has started; without, it is this process. */
#include "config.h"

#include "runtime.h"

#include "ctl.h"
#include "guest_spec.h"
#include "oci_config.h"
#include "terminal.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define EXEC_START_TIMEOUT_MS 120000 /* a bound on the guest's answer, not a clock */
#define EXEC_KILLED 137              /* the session ended without a status: the container is gone */

struct exec_opts
{
  const char *process;
  const char *console_socket;
  const char *pid_file;
  const char *cwd;
  const char *user;
  bool tty, detach, no_new_privs;
  char **env;
  size_t n_env;
  gid_t *gids;
  size_t n_gids;
};

static void
free_opts (struct exec_opts *o)
{
  free (o->env);
  free (o->gids);
}

static int
parse_exec_opts (int argc, char **argv, struct exec_opts *o, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "process", required_argument, NULL, 'p' },
    { "console-socket", required_argument, NULL, 'C' },
    { "pid-file", required_argument, NULL, 'P' },
    { "cwd", required_argument, NULL, 'w' },
    { "env", required_argument, NULL, 'e' },
    { "user", required_argument, NULL, 'u' },
    { "additional-gids", required_argument, NULL, 'g' },
    { "tty", no_argument, NULL, 't' },
    { "detach", no_argument, NULL, 'd' },
    /* accepted for runc callers: they concern the host's LSMs, cgroups and fds, which a guest does not share */
    { "process-label", required_argument, NULL, 'L' },
    { "apparmor", required_argument, NULL, 'A' },
    { "cap", required_argument, NULL, 'c' },
    { "no-new-privs", no_argument, NULL, 'N' },
    { "preserve-fds", required_argument, NULL, 'F' },
    { "cgroup", required_argument, NULL, 'G' },
    { "ignore-paused", no_argument, NULL, 'I' },
    { NULL, 0, NULL, 0 },
  };
  int c;
  long n;
  /* "+": options end at the container id; what follows is the command. */
  while ((c = getopt_long (argc, argv, "+p:e:u:g:tdc:", opts, NULL)) != -1)
    switch (c)
      {
      case 'p':
        o->process = optarg;
        break;
      case 'C':
        o->console_socket = optarg;
        break;
      case 'P':
        o->pid_file = optarg;
        break;
      case 'w':
        o->cwd = optarg;
        break;
      case 'e':
        if (strchr (optarg, '=') == NULL || optarg[0] == '=')
          return vxn_make_error (err, 0, "exec: --env `%s` is not NAME=VALUE", optarg);
        o->env = xrealloc (o->env, (o->n_env + 1) * sizeof *o->env);
        o->env[o->n_env++] = optarg;
        break;
      case 'u':
        o->user = optarg;
        break;
      case 'g':
        if (vxn_parse_long (optarg, 0, 4294967294L, &n) < 0)
          return vxn_make_error (err, 0, "exec: --additional-gids `%s` is not a number", optarg);
        o->gids = xrealloc (o->gids, (o->n_gids + 1) * sizeof *o->gids);
        o->gids[o->n_gids++] = (gid_t)n;
        break;
      case 't':
        o->tty = true;
        break;
      case 'd':
        o->detach = true;
        break;
      case 'F':
        if (vxn_parse_long (optarg, 0, 1024, &n) < 0)
          return vxn_make_error (err, 0, "exec: --preserve-fds must be a number");
        break;
      case 'N':
        o->no_new_privs = true;
        break;
      case 'L':
      case 'A':
      case 'c':
      case 'G':
      case 'I':
        break;
      default:
        return vxn_make_error (err, 0, "exec: unknown option (see vxn-oci-runtime(8))");
      }
  return 0;
}

/* "uid" or "uid:gid", numeric: names would need the image's /etc/passwd, which lives in the guest. */
static int
parse_user (const char *user, struct vxn_guest_spec *p, vxn_error_t *err)
{
  char buf[64];
  long uid, gid = 0;
  if (strlen (user) >= sizeof buf)
    return vxn_make_error (err, 0, "exec: --user `%s` is too long", user);
  strcpy (buf, user);
  char *colon = strchr (buf, ':');
  if (colon)
    *colon = '\0';
  if (vxn_parse_long (buf, 0, 4294967294L, &uid) < 0 || (colon && vxn_parse_long (colon + 1, 0, 4294967294L, &gid) < 0))
    return vxn_make_error (err, 0, "exec: --user `%s` must be UID or UID:GID (numbers)", user);
  p->uid = (uid_t)uid;
  p->gid = (gid_t)gid;
  return 0;
}

/* The process: --process FILE whole, as runc takes it; otherwise the container's own process from its
   config.json with the command and the flags applied. */
static int
load_process (const struct vxn_container *c, const struct exec_opts *o, int argc, char **argv, struct vxn_guest_spec *p,
              vxn_error_t *err)
{
  if (o->process)
    {
      cleanup_free char *json = NULL;
      if (argc > 0)
        return vxn_make_error (err, 0, "exec: a command and --process cannot be combined");
      if (vxn_read_file (o->process, VXN_CONFIG_MAX_SIZE, &json, NULL, err) < 0)
        return -1;
      if (vxn_oci_process_parse (json, p, err) < 0)
        return vxn_error_wrap (err, "exec: --process `%s`", o->process);
      return 0;
    }
  if (argc == 0)
    return vxn_make_error (err, 0, "exec: a command or --process is required");
  struct vxn_oci_config cfg;
  if (vxn_oci_config_load (c->st.bundle, &cfg, err) < 0)
    return vxn_error_wrap (err, "exec: the container's bundle");
  *p = cfg.process;
  memset (&cfg.process, 0, sizeof cfg.process);
  vxn_oci_config_free (&cfg);
  for (size_t i = 0; i < p->n_args; i++)
    free (p->args[i]);
  free (p->args);
  p->args = xzalloc ((argc + 1) * sizeof *p->args);
  for (int i = 0; i < argc; i++)
    p->args[i] = xstrdup (argv[i]);
  p->n_args = argc;
  p->env = xrealloc (p->env, (p->n_env + o->n_env + 1) * sizeof *p->env);
  for (size_t i = 0; i < o->n_env; i++)
    p->env[p->n_env++] = xstrdup (o->env[i]);
  p->env[p->n_env] = NULL;
  if (o->cwd)
    {
      if (o->cwd[0] != '/')
        return vxn_make_error (err, 0, "exec: --cwd must be an absolute path");
      free (p->cwd);
      p->cwd = xstrdup (o->cwd);
    }
  if (o->user && parse_user (o->user, p, err) < 0)
    return -1;
  if (o->n_gids)
    {
      free (p->additional_gids);
      p->additional_gids = xzalloc ((o->n_gids + 1) * sizeof (gid_t));
      memcpy (p->additional_gids, o->gids, o->n_gids * sizeof (gid_t));
      p->n_additional_gids = o->n_gids;
    }
  p->terminal = o->tty;
  if (o->no_new_privs)
    p->no_new_privs = 1;
  return 0;
}

/* Receive the monitor's next message; the timeout is a bound (-1: none). Returns its length, 0 at EOF. */
static ssize_t
receive (int conn, char *buf, size_t len, int timeout_ms, vxn_error_t *err)
{
  struct pollfd p = { .fd = conn, .events = POLLIN };
  int r;
  do
    r = poll (&p, 1, timeout_ms);
  while (r < 0 && errno == EINTR);
  if (r == 0)
    return vxn_make_error (err, ETIMEDOUT, "waiting for the process to start in the guest");
  ssize_t n = recv (conn, buf, len - 1, 0);
  if (n < 0)
    return vxn_make_error (err, errno, "receive from the container monitor");
  buf[n] = '\0';
  return n;
}

/* Open the session and start the process: returns the connection once the guest reports it exec'd. */
static int
start_session (const struct vxn_container *c, const char *spec, size_t spec_len, const int *fds, size_t n_fds,
               bool terminal, vxn_error_t *err)
{
  char msg[VXN_CTL_EXEC_CHUNK + 8];
  cleanup_close int conn = vxn_ctl_connect (c->dirfd, err);
  if (conn < 0)
    return -1;
  if (vxn_ctl_send_fds (conn, terminal ? "exec 1" : "exec 0", fds, n_fds, err) < 0)
    return -1;
  for (size_t off = 0; off < spec_len; off += VXN_CTL_EXEC_CHUNK)
    {
      size_t n = spec_len - off < VXN_CTL_EXEC_CHUNK ? spec_len - off : VXN_CTL_EXEC_CHUNK;
      memcpy (msg, "spec ", 5);
      memcpy (msg + 5, spec + off, n);
      if (send (conn, msg, 5 + n, MSG_NOSIGNAL) < 0)
        return vxn_make_error (err, errno, "send the process to the container monitor");
    }
  if (send (conn, "run", 3, MSG_NOSIGNAL) < 0)
    return vxn_make_error (err, errno, "send to the container monitor");
  ssize_t n = receive (conn, msg, sizeof msg, EXEC_START_TIMEOUT_MS, err);
  if (n < 0)
    return -1;
  if (n == 0)
    return vxn_make_error (err, ECONNRESET, "the container monitor closed the session (the container stopped?)");
  if (strncmp (msg, "error ", 6) == 0)
    return vxn_make_error (err, 0, "exec failed: unable to start container process: %s", msg + 6);
  if (strcmp (msg, "started") != 0)
    return vxn_make_error (err, 0, "unexpected answer from the container monitor: `%.64s`", msg);
  int fd = conn;
  conn = -1;
  return fd;
}

/* The proxy's life after the start: forward signals (and window changes), exit with the status. */
static void __attribute__ ((noreturn)) relay (int conn, bool terminal)
{
  sigset_t all;
  char msg[64];
  sigfillset (&all);
  sigprocmask (SIG_BLOCK, &all, NULL);
  int sfd = signalfd (-1, &all, SFD_CLOEXEC);
  for (;;)
    {
      struct pollfd p[2] = { { .fd = conn, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
      if (poll (p, sfd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
        _exit (EXEC_KILLED);
      if (p[0].revents)
        {
          ssize_t n = recv (conn, msg, sizeof msg - 1, MSG_DONTWAIT);
          long code;
          if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
          if (n <= 0)
            _exit (EXEC_KILLED);
          msg[n] = '\0';
          if (strncmp (msg, "exit ", 5) == 0 && vxn_parse_long (msg + 5, 0, 255, &code) == 0)
            _exit ((int)code);
        }
      struct signalfd_siginfo si;
      if (sfd >= 0 && p[1].revents && read (sfd, &si, sizeof si) == sizeof si)
        {
          int s = (int)si.ssi_signo;
          if (s == SIGWINCH && terminal)
            snprintf (msg, sizeof msg, "winsize 0 0");
          else if (s == SIGCHLD || s == SIGWINCH || s == SIGURG || s == SIGPIPE)
            continue;
          else
            snprintf (msg, sizeof msg, "signal %d", s);
          send (conn, msg, strlen (msg), MSG_NOSIGNAL);
        }
    }
}

/* The proxy, forked with --detach: start, tell the parent through SYNC ("ok" or the error), then relay. */
static void __attribute__ ((noreturn)) detached_proxy (const struct vxn_container *c, const char *spec, size_t spec_len,
                                                       const int *fds, size_t n_fds, int tty, int sync)
{
  vxn_error_t err = NULL;
  /* Our own session; with a terminal the pty is our controlling tty, so its size changes reach us. */
  setsid ();
  if (tty >= 0)
    ioctl (tty, TIOCSCTTY, 0);
  int conn = start_session (c, spec, spec_len, fds, n_fds, tty >= 0, &err);
  if (conn < 0)
    {
      cleanup_free char *s = vxn_error_string (err);
      vxn_write_all (sync, s, strlen (s));
      _exit (1);
    }
  vxn_write_all (sync, "ok", 2);
  close (sync);
  /* The monitor holds the process's stdio now; ours must not keep the caller's pipes open. */
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  for (int i = 0; i < 3 && null >= 0; i++)
    dup2 (null, i);
  relay (conn, tty >= 0);
}

static int
run_detached (const struct vxn_container *c, const struct exec_opts *o, const char *spec, size_t spec_len,
              const int *fds, size_t n_fds, int tty, vxn_error_t *err)
{
  int sync[2];
  char buf[1024];
  if (pipe2 (sync, O_CLOEXEC) < 0)
    return vxn_make_error (err, errno, "pipe");
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (sync[0]);
      close (sync[1]);
      return vxn_make_error (err, errno, "fork");
    }
  if (pid == 0)
    {
      close (sync[0]);
      detached_proxy (c, spec, spec_len, fds, n_fds, tty, sync[1]);
    }
  close (sync[1]);
  size_t len = vxn_read_to_eof (sync[0], buf, sizeof buf);
  close (sync[0]);
  if (strcmp (buf, "ok") != 0)
    {
      waitpid (pid, NULL, 0);
      return vxn_make_error (err, 0, "%s", len ? buf : "the exec process died before the process started");
    }
  /* Last, as with create: the caller takes the pid file as "started". */
  if (o->pid_file && vxn_write_pid_file (o->pid_file, pid, err) < 0)
    {
      kill (pid, SIGKILL); /* the monitor then kills the process in the guest */
      return -1;
    }
  return 0;
}

int
vxn_cmd_exec (struct vxn_global *g, int argc, char **argv, vxn_error_t *err)
{
  struct exec_opts o = { 0 };
  struct vxn_container c;
  struct vxn_guest_spec p = { 0 };
  cleanup_free char *spec = NULL;
  cleanup_close int pty_master = -1;
  cleanup_close int pty_slave = -1;
  size_t spec_len = 0;
  char errbuf[256];
  int fds[3] = { 0, 1, 2 };
  size_t n_fds = 3;
  int ret = -1;

  if (parse_exec_opts (argc, argv, &o, err) < 0)
    {
      free_opts (&o);
      return -1;
    }
  if (vxn_expect_args ("exec", argc - optind, 1, argc, err) < 0 || vxn_container_open (g, argv[optind], &c, err) < 0)
    {
      free_opts (&o);
      return -1;
    }
  const char *status = vxn_container_status (&c);
  if (strcmp (status, "running") != 0)
    {
      vxn_make_error (err, 0, "cannot exec in a %s container", strcmp (status, "paused") == 0 ? "paused" : "stopped");
      goto out;
    }
  if (load_process (&c, &o, argc - optind - 1, argv + optind + 1, &p, err) < 0)
    goto out;
  if (!o.console_socket != !p.terminal)
    {
      vxn_make_error (err, 0, "%s",
                      p.terminal ? "exec: a terminal needs --console-socket"
                                 : "exec: --console-socket given but the process has no terminal");
      goto out;
    }
  p.hostname = NULL; /* the container's; nothing the process sets */
  if (vxn_guest_spec_encode (&p, &spec, &spec_len, errbuf, sizeof errbuf) < 0)
    {
      vxn_make_error (err, 0, "exec: %s", errbuf);
      goto out;
    }

  if (p.terminal)
    {
      struct termios t;
      if (vxn_terminal_open (&pty_master, &pty_slave, err) < 0)
        goto out;
      /* The guest's pty does the line discipline; ours only carries bytes. */
      if (tcgetattr (pty_slave, &t) == 0)
        {
          cfmakeraw (&t);
          tcsetattr (pty_slave, TCSANOW, &t);
        }
      if (vxn_terminal_send (o.console_socket, pty_master, err) < 0)
        goto out;
      close (pty_master);
      pty_master = -1;
      fds[0] = pty_slave;
      n_fds = 1;
    }

  if (o.detach)
    ret = run_detached (&c, &o, spec, spec_len, fds, n_fds, pty_slave, err);
  else
    {
      /* In the foreground we are the proxy: the caller waits for us. */
      if (pty_slave >= 0)
        {
          setsid ();
          ioctl (pty_slave, TIOCSCTTY, 0);
        }
      int conn = start_session (&c, spec, spec_len, fds, n_fds, p.terminal, err);
      if (conn >= 0 && (!o.pid_file || vxn_write_pid_file (o.pid_file, getpid (), err) == 0))
        {
          bool terminal = p.terminal;
          vxn_guest_spec_free (&p);
          vxn_container_close (&c);
          free_opts (&o);
          relay (conn, terminal);
        }
      if (conn >= 0)
        close (conn);
    }
out:
  if (ret < 0)
    vxn_error_wrap (err, "exec in `%s`", c.id);
  vxn_guest_spec_free (&p);
  vxn_container_close (&c);
  free_opts (&o);
  return ret;
}
