#include "config.h"

#include "rt.h"
#include "strv.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define RT_NAME "vxn-oci-runtime"
#define RT_LOG_MAX (64 * 1024)

static int
executable (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISREG (st.st_mode) && access (path, X_OK) == 0;
}

const char *
vxn_rt_path (void)
{
  static char *found;
  if (found)
    return found;
  const char *env = getenv ("VXN_RUNTIME");
  if (env && *env)
    return found = xstrdup (env);
  char self[PATH_MAX];
  ssize_t n = readlink ("/proc/self/exe", self, sizeof self - 1);
  if (n > 0)
    {
      self[n] = '\0';
      char *slash = strrchr (self, '/');
      if (slash)
        {
          *slash = '\0';
          /* Installed: bin/vxn and sbin/vxn-oci-runtime; build tree: src/vxn/vxn and src/runtime/. */
          static const char *const rel[] = { "../sbin/" RT_NAME, RT_NAME, "../runtime/" RT_NAME };
          for (size_t i = 0; i < ARRAY_SIZE (rel); i++)
            {
              cleanup_free char *p = xasprintf ("%s/%s", self, rel[i]);
              char real[PATH_MAX];
              if (executable (p) && realpath (p, real))
                return found = xstrdup (real);
            }
        }
    }
  return found = xstrdup (RT_NAME);
}

/* The message of the runtime's last JSON log line (it writes at most one error per invocation). */
static char *
runtime_message (const char *log)
{
  cleanup_free char *text = NULL;
  size_t len;
  vxn_error_t e = NULL;
  if (vxn_read_file (log, RT_LOG_MAX, &text, &len, &e) < 0)
    {
      vxn_error_release (&e);
      return NULL;
    }
  char *msg = NULL;
  for (char *line = text, *next; line && *line; line = next)
    {
      next = strchr (line, '\n');
      if (next)
        *next++ = '\0';
      cJSON *o = cJSON_Parse (line);
      const cJSON *m = cJSON_GetObjectItemCaseSensitive (o, "msg");
      const cJSON *lvl = cJSON_GetObjectItemCaseSensitive (o, "level");
      if (cJSON_IsString (m) && cJSON_IsString (lvl) && strcmp (lvl->valuestring, "error") == 0)
        {
          free (msg);
          msg = xstrdup (m->valuestring);
        }
      cJSON_Delete (o);
    }
  return msg;
}

static void
child_exec (char **argv, int in, int out, int errfd, int report)
{
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  int fds[3] = { in >= 0 ? in : null, out >= 0 ? out : null, errfd >= 0 ? errfd : null };
  /* Move them above 2 first so dup2 never clobbers one we still need. */
  for (int i = 0; i < 3; i++)
    fds[i] = fcntl (fds[i], F_DUPFD_CLOEXEC, 3);
  for (int i = 0; i < 3; i++)
    if (fds[i] < 0 || dup2 (fds[i], i) < 0)
      goto fail;
  /* Nothing else of ours reaches the runtime, and through it the long-lived monitor: a pipe we inherited and
     leaked there would keep our caller waiting for EOF. (The report pipe is close-on-exec already.) */
  syscall (SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
  setpgid (0, 0);
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  static const int reset[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGCHLD };
  for (size_t i = 0; i < ARRAY_SIZE (reset); i++)
    signal (reset[i], SIG_DFL);
  if (strchr (argv[0], '/'))
    execv (argv[0], argv);
  else
    execvp (argv[0], argv);
fail:;
  int e = errno;
  (void)!write (report, &e, sizeof e);
  _exit (127);
}

int
vxn_rt_run (const char *root, const char *log, char *const *args, int in, int out, int errfd, vxn_error_t *err)
{
  cleanup_strv char **argv = xzalloc (sizeof (char *));
  argv = vxn_strv_append (argv, vxn_rt_path ());
  argv = vxn_strv_append (argv, "--root");
  argv = vxn_strv_append (argv, root);
  argv = vxn_strv_append (argv, "--log");
  argv = vxn_strv_append (argv, log);
  argv = vxn_strv_append (argv, "--log-format");
  argv = vxn_strv_append (argv, "json");
  for (size_t i = 0; args[i]; i++)
    argv = vxn_strv_append (argv, args[i]);
  /* A fresh log per invocation: its one error line is this invocation's. */
  if (truncate (log, 0) < 0 && errno != ENOENT)
    return vxn_make_error (err, errno, "truncate `%s`", log);
  int report[2];
  if (pipe2 (report, O_CLOEXEC) < 0)
    return vxn_make_error (err, errno, "pipe");
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (report[0]);
      close (report[1]);
      return vxn_make_error (err, errno, "fork");
    }
  if (pid == 0)
    {
      close (report[0]);
      child_exec (argv, in, out, errfd, report[1]);
    }
  close (report[1]);
  int exec_errno = 0;
  ssize_t n;
  do
    n = read (report[0], &exec_errno, sizeof exec_errno);
  while (n < 0 && errno == EINTR);
  close (report[0]);
  int status;
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return vxn_make_error (err, errno, "wait for %s", argv[0]);
  if (n == sizeof exec_errno)
    return vxn_make_error (err, exec_errno, "cannot run `%s` (set VXN_RUNTIME to its path)", argv[0]);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  cleanup_free char *msg = runtime_message (log);
  if (msg)
    return vxn_make_error (err, 0, "%s", msg);
  if (WIFSIGNALED (status))
    return vxn_make_error (err, 0, "%s %s died of signal %d", RT_NAME, args[0], WTERMSIG (status));
  return vxn_make_error (err, 0, "%s %s failed (exit %d, no message)", RT_NAME, args[0], WEXITSTATUS (status));
}

int
vxn_rt_state_read (const char *root, const char *id, struct vxn_rt_state *s, vxn_error_t *err)
{
  memset (s, 0, sizeof *s);
  cleanup_free char *dir = xasprintf ("%s/%s", root, id);
  cleanup_close int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (dfd < 0)
    return errno == ENOENT || errno == ENOTDIR ? 0 : vxn_make_error (err, errno, "open `%s`", dir);
  struct stat st;
  if (fstatat (dfd, VXN_STATE_FILE, &st, 0) < 0)
    return errno == ENOENT ? 0 : vxn_make_error (err, errno, "stat `%s/" VXN_STATE_FILE "`", dir);
  if (vxn_state_file_read (dfd, &s->st, err) < 0)
    return vxn_error_wrap (err, "`%s`", dir);
  s->have_state = 1;
  s->mtime = st.st_mtime;
  s->alive = vxn_process_is (s->st.monitor_pid, s->st.monitor_start_time);
  return 0;
}

void
vxn_rt_state_clear (struct vxn_rt_state *s)
{
  if (s->have_state)
    vxn_state_file_free (&s->st);
  memset (s, 0, sizeof *s);
}

int
vxn_rt_monitor_pidfd (const struct vxn_rt_state *s)
{
  if (!s->have_state || s->st.monitor_pid <= 0)
    return -1;
  int fd = (int)syscall (SYS_pidfd_open, s->st.monitor_pid, 0);
  if (fd < 0)
    return -1;
  /* Checked after opening: if the pid still is the monitor now, the pidfd refers to the monitor. */
  if (!vxn_process_is (s->st.monitor_pid, s->st.monitor_start_time))
    {
      close (fd);
      return -1;
    }
  fcntl (fd, F_SETFD, FD_CLOEXEC);
  return fd;
}

int
vxn_pidfd_wait (int pidfd, int timeout_ms)
{
  struct pollfd p = { .fd = pidfd, .events = POLLIN };
  int r;
  do
    r = poll (&p, 1, timeout_ms);
  while (r < 0 && errno == EINTR);
  return r > 0;
}

char *
vxn_rt_version (void)
{
  int p[2];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return NULL;
  char *argv[] = { (char *)vxn_rt_path (), "--version", NULL };
  pid_t pid = fork ();
  if (pid == 0)
    {
      int null = open ("/dev/null", O_RDWR);
      dup2 (null, 0);
      dup2 (p[1], 1);
      dup2 (null, 2);
      if (strchr (argv[0], '/'))
        execv (argv[0], argv);
      else
        execvp (argv[0], argv);
      _exit (127);
    }
  close (p[1]);
  char buf[512];
  size_t len = 0;
  ssize_t n;
  while (pid > 0 && len < sizeof buf - 1
         && ((n = read (p[0], buf + len, sizeof buf - 1 - len)) > 0 || (n < 0 && errno == EINTR)))
    len += n > 0 ? (size_t)n : 0;
  close (p[0]);
  int status = 1;
  while (pid > 0 && waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  buf[len] = '\0';
  buf[strcspn (buf, "\n")] = '\0';
  return pid > 0 && WIFEXITED (status) && WEXITSTATUS (status) == 0 && buf[0] ? xstrdup (buf) : NULL;
}
