#include "config.h"

#include "launch.h"
#include "console.h"
#include "rt.h"
#include "vxn.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PID_FILE "monitor.pid"
#define RT_LOG "runtime.log"

/* The signals the monitor forwards to the container (src/monitor/monitor.c), and so the ones we proxy. */
static const int proxied[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

static volatile sig_atomic_t proxy_pid;

static void
proxy_handler (int signo)
{
  /* The monitor is our child (we are its subreaper) until we reap it, so its pid cannot be reused meanwhile. */
  if (proxy_pid > 0)
    kill ((pid_t)proxy_pid, signo);
}

static int
read_pid_file (const char *path, pid_t *pid, vxn_error_t *err)
{
  cleanup_free char *text = NULL;
  size_t len;
  long n;
  if (vxn_read_file (path, 64, &text, &len, err) < 0)
    return -1;
  if (vxn_parse_long (text, 1, 4194304, &n) < 0)
    return vxn_make_error (err, 0, "`%s` holds no pid", path);
  *pid = (pid_t)n;
  return 0;
}

static int
rt (struct vxn_cli *cli, const struct vxn_ctr *c, char *const *args, int in, int out, int errfd, vxn_error_t *err)
{
  cleanup_free char *log = xasprintf ("%s/containers/%s/" RT_LOG, cli->root, c->id);
  return vxn_rt_run (c->runtime_root, log, args, in, out, errfd, err);
}

static void
rt_delete_quietly (struct vxn_cli *cli, const struct vxn_ctr *c)
{
  vxn_error_t e = NULL;
  char *args[] = { "delete", "--force", c->id, NULL };
  if (rt (cli, c, args, -1, -1, -1, &e) < 0)
    vxn_error_release (&e);
}

/* Wait for our child PID; the exit status of the container (the monitor maps signals to 128+n itself). */
static int
reap (pid_t pid, const struct vxn_ctr *c, int *status, vxn_error_t *err)
{
  int ws;
  for (;;)
    {
      if (waitpid (pid, &ws, 0) == pid)
        break;
      if (errno == EINTR)
        continue;
      if (errno != ECHILD)
        return vxn_make_error (err, errno, "wait for the container monitor");
      /* Not our child after all (no subreaper): wait through its pidfd, then read the state it left. */
      struct vxn_rt_state s;
      if (vxn_rt_state_read (c->runtime_root, c->id, &s, err) < 0)
        return -1;
      int fd = vxn_rt_monitor_pidfd (&s);
      if (fd >= 0)
        {
          vxn_pidfd_wait (fd, -1);
          close (fd);
        }
      vxn_rt_state_clear (&s);
      if (vxn_rt_state_read (c->runtime_root, c->id, &s, err) < 0)
        return -1;
      *status = s.have_state && s.st.exit_status >= 0 ? s.st.exit_status : 255;
      vxn_rt_state_clear (&s);
      return 0;
    }
  if (WIFEXITED (ws))
    *status = WEXITSTATUS (ws);
  else
    *status = 128 + WTERMSIG (ws);
  return 0;
}

int
vxn_launch (struct vxn_cli *cli, struct vxn_ctr *c, const struct vxn_launch_opts *o, int *status, vxn_error_t *err)
{
  cleanup_free char *dir = vxn_ctr_dir (cli, c->id);
  cleanup_free char *bundle = xasprintf ("%s/bundle", dir);
  cleanup_free char *pid_file = xasprintf ("%s/" PID_FILE, dir);
  cleanup_free char *log = xasprintf ("%s/" VXN_CTR_LOG, dir);
  cleanup_free char *state_dir = xasprintf ("%s/%s", c->runtime_root, c->id);
  cleanup_close int log_fd = -1;
  struct vxn_console con = { .listen_fd = -1, .master = -1 };
  char *create[] = { "create", "--bundle", bundle, "--pid-file", pid_file, c->id, NULL, NULL, NULL };
  char *start[] = { "start", c->id, NULL };
  int in = o->interactive && !o->tty ? 0 : -1; /* a terminal's input goes through its master */
  struct sigaction sa = { 0 }, old[ARRAY_SIZE (proxied)];
  sigset_t block, saved;
  vxn_error_t werr = NULL;
  struct stat sb;
  pid_t pid = 0;
  char now[64];
  int ret;
  *status = 0;
  if (o->tty && !o->foreground)
    return vxn_make_error (err, 0, "container %s has a terminal (-t): it runs in the foreground only (start -a)",
                           c->name);

  /* An earlier run's state stands in the way of `create` with the same id. */
  struct vxn_rt_state prev;
  if (vxn_rt_state_read (c->runtime_root, c->id, &prev, err) < 0)
    return -1;
  int prev_alive = prev.have_state && prev.alive && strcmp (prev.st.status, "exited") != 0;
  vxn_rt_state_clear (&prev);
  if (prev_alive)
    return vxn_make_error (err, 0, "container %s is already running", c->name);
  if (lstat (state_dir, &sb) == 0)
    rt_delete_quietly (cli, c);
  unlink (pid_file);

  if (!o->foreground)
    {
      /* Appended, so `start` of an exited container adds to what its earlier runs printed (docker keeps it too). */
      log_fd = open (log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
      if (log_fd < 0)
        return vxn_make_error (err, errno, "open `%s`", log);
    }

  /* Until start, a ^C must not reach anyone: the runtime runs in its own process group, and we hold the signals
     (they are forwarded to the container once it runs). */
  sigemptyset (&block);
  for (size_t i = 0; i < ARRAY_SIZE (proxied); i++)
    sigaddset (&block, proxied[i]);
  sigprocmask (SIG_BLOCK, &block, &saved);

  /* The monitor is create's child; when create exits it is re-parented to the nearest subreaper: us. So we can
     waitpid() it, and its exit status is the container's. */
  if (o->foreground && prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
    {
      ret = vxn_make_error (err, errno, "prctl PR_SET_CHILD_SUBREAPER");
      goto out;
    }
  if (o->tty)
    {
      ret = vxn_console_listen (&con, err);
      if (ret < 0)
        goto out;
      create[5] = "--console-socket";
      create[6] = con.path;
      create[7] = c->id;
    }
  /* With a terminal, the container's output comes through the pty master, and our terminal is no business of the
     runtime's processes (they run in a background process group of it: touching it would stop them, SIGTTOU). */
  ret = rt (cli, c, create, in,
            o->tty          ? -1
            : o->foreground ? 1
                            : log_fd,
            o->tty          ? -1
            : o->foreground ? 2
                            : log_fd,
            err);
  if (ret < 0)
    {
      vxn_error_wrap (err, "create the domain");
      goto out;
    }
  if (o->tty && (ret = vxn_console_receive (&con, err)) < 0)
    {
      rt_delete_quietly (cli, c);
      goto out;
    }
  ret = read_pid_file (pid_file, &pid, err);
  if (ret == 0)
    {
      ret = rt (cli, c, start, -1, -1, -1, err);
      if (ret < 0)
        vxn_error_wrap (err, "start");
    }
  if (ret < 0)
    {
      rt_delete_quietly (cli, c);
      goto out;
    }
  vxn_now_rfc3339 (now, sizeof now);
  free (c->started);
  c->started = xstrdup (now);
  if (vxn_ctr_write (cli, c, &werr) < 0)
    vxn_report_error (cli, &werr); /* the container runs; only ps's "Up" time suffers */

  if (!o->foreground)
    {
      if (c->auto_remove)
        vxn_spawn_remover (cli, c);
      goto out;
    }

  sa.sa_handler = proxy_handler;
  sigemptyset (&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  proxy_pid = pid;
  for (size_t i = 0; i < ARRAY_SIZE (proxied); i++)
    sigaction (proxied[i], o->sig_proxy ? &sa : NULL, &old[i]);
  sigprocmask (SIG_SETMASK, &saved, NULL); /* a signal that came meanwhile is forwarded now */
  ret = o->tty ? vxn_console_copy (&con, o->interactive, pid, err) : 0;
  vxn_console_clear (&con); /* the terminal's hangup, should the container still run */
  if (ret == 0)
    ret = reap (pid, c, status, err);
  proxy_pid = 0;
  for (size_t i = 0; i < ARRAY_SIZE (proxied); i++)
    sigaction (proxied[i], &old[i], NULL);
  prctl (PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
  return ret;

out:
  vxn_console_clear (&con);
  if (o->foreground)
    prctl (PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
  sigprocmask (SIG_SETMASK, &saved, NULL);
  return ret;
}

int
vxn_ctr_destroy (struct vxn_cli *cli, const struct vxn_ctr *c, vxn_error_t *err)
{
  struct vxn_rt_state s;
  if (vxn_rt_state_read (c->runtime_root, c->id, &s, err) < 0)
    return -1;
  int have = s.have_state;
  vxn_rt_state_clear (&s);
  if (have)
    {
      char *args[] = { "delete", "--force", c->id, NULL };
      if (rt (cli, c, args, -1, -1, -1, err) < 0)
        return vxn_error_wrap (err, "delete the runtime state of %s", c->name);
    }
  return vxn_ctr_remove (cli, c->id, c->name, err);
}

void
vxn_spawn_remover (struct vxn_cli *cli, const struct vxn_ctr *c)
{
  struct vxn_rt_state s;
  vxn_error_t e = NULL;
  int pidfd = -1;
  if (vxn_rt_state_read (c->runtime_root, c->id, &s, &e) < 0)
    vxn_error_release (&e);
  else
    pidfd = vxn_rt_monitor_pidfd (&s);
  vxn_rt_state_clear (&s);
  pid_t pid = pidfd >= 0 ? fork () : 0;
  if (pid < 0 || (pid > 0 && pidfd >= 0))
    {
      close (pidfd);
      return;
    }
  if (pidfd >= 0)
    {
      /* The child: hold nothing of the caller's (`id=$(vxn run -d --rm ...)` must see EOF, and no store lock
         may stay taken), only the pidfd. */
      setsid ();
      int null = open ("/dev/null", O_RDWR);
      for (int i = 0; i < 3; i++)
        dup2 (null, i);
      dup2 (pidfd, 3);
      syscall (SYS_close_range, 4, ~0U, 0);
      vxn_pidfd_wait (3, -1);
    }
  if (vxn_ctr_destroy (cli, c, &e) < 0)
    {
      if (pidfd < 0)
        vxn_report_error (cli, &e);
      vxn_error_release (&e);
    }
  if (pidfd >= 0)
    _exit (0);
}
