/* Start the container's processes (the entrypoint, and the ones Dom0 exec's later), and forward signals to the
   entrypoint.

   The entrypoint is PID 1 of a new pid namespace, as under runc: the kernel then gives it init semantics (a shell
   entrypoint ignores SIGTERM unless it traps it; when it exits, everything else in the container is killed), and
   the guest init stays outside, free to pump stdio and report the exit status. unshare(CLONE_NEWPID) + fork()
   rather than a raw clone(): fork() keeps glibc's own state (malloc locks, stdio) consistent in the child.

   An exec'd process is forked by the init too: after unshare(CLONE_NEWPID) every child of ours lands in the
   container's pid namespace, so it sees the container's /proc and dies with the entrypoint, as under runc.

   The process is never run through a shell: args[0] is looked up in the container's PATH (from its own
   environment, not ours) and executed directly, so images without /bin/sh work. */
#include "vxn-init.h"
#include "credentials.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define ARRAY_LEN(a) (sizeof (a) / sizeof (a)[0])

/* The child reports setup failures and exits with the code Dom0 then reports: 127/126 for exec failures, like a
   shell, 255 for everything else. The entrypoint's go to its stderr (Dom0 sees them on the container's stderr);
   an exec'd process's go to its status pipe as "<code> <message>", so the caller of exec gets them as its error. */
static int child_status_fd = -1;

static void child_fail (int code, const char *fmt, ...) __attribute__ ((noreturn, format (printf, 2, 3)));

static void
child_fail (int code, const char *fmt, ...)
{
  char line[PATH_MAX + 256];
  va_list ap;
  int n = child_status_fd >= 0 ? snprintf (line, sizeof line, "%d ", code) : snprintf (line, sizeof line, "vxn-init: ");
  va_start (ap, fmt);
  vsnprintf (line + n, sizeof line - n - 1, fmt, ap);
  va_end (ap);
  if (child_status_fd < 0)
    strcat (line, "\n");
  if (write (child_status_fd >= 0 ? child_status_fd : STDERR_FILENO, line, strlen (line)) < 0)
    {
      /* nobody to tell */
    }
  _exit (code);
}

/* mkdir -p, as root, for a cwd the image does not have (runc creates it too). */
static int
mkdir_p (const char *path)
{
  char buf[PATH_MAX];
  if (strlen (path) >= sizeof buf)
    {
      errno = ENAMETOOLONG;
      return -1;
    }
  strcpy (buf, path);
  for (char *p = buf + 1;; p++)
    if (*p == '/' || *p == '\0')
      {
        char c = *p;
        *p = '\0';
        if (mkdir (buf, 0755) < 0 && errno != EEXIST)
          return -1;
        if (c == '\0')
          return 0;
        *p = c;
      }
}

/* execvpe() without its two problems: it searches the init's PATH instead of the container's, and on ENOEXEC it
   retries through /bin/sh. Returns the errno worth reporting. */
static int
exec_search (const char *file, char *const argv[], char *const envp[], const char *path)
{
  char buf[PATH_MAX];
  int eacces = 0;
  if (strchr (file, '/') != NULL)
    {
      execve (file, argv, envp);
      return errno;
    }
  for (const char *p = path;; p++)
    {
      const char *end = strchrnul (p, ':');
      size_t dlen = end - p;
      /* An empty PATH element means the current directory (POSIX), as in execvp. */
      int n = dlen ? snprintf (buf, sizeof buf, "%.*s/%s", (int)dlen, p, file) : snprintf (buf, sizeof buf, "%s", file);
      if (n > 0 && (size_t)n < sizeof buf)
        {
          execve (buf, argv, envp);
          switch (errno)
            {
            case EACCES:
              eacces = 1;
              break;
            case ENOENT:
            case ENOTDIR:
            case ESTALE:
            case ENODEV:
            case ETIMEDOUT:
              break;
            default:
              return errno; /* found, but it cannot run: ENOEXEC, ENOMEM, E2BIG, ... */
            }
        }
      if (*end == '\0')
        break;
      p = end;
    }
  return eacces ? EACCES : ENOENT;
}

/* runc gives the process a HOME when its spec has none: the uid's home in the container's /etc/passwd, else "/".
   Called after the chroot. Returns env itself when it already has HOME. */
static char **
env_with_home (char **env, size_t n, uid_t uid)
{
  char line[1024], home[PATH_MAX] = "/";
  for (size_t i = 0; i < n; i++)
    if (strncmp (env[i], "HOME=", 5) == 0)
      return env;
  FILE *f = fopen ("/etc/passwd", "re");
  if (f != NULL)
    {
      while (fgets (line, sizeof line, f) != NULL)
        if (vxn_passwd_home (line, uid, home, sizeof home))
          break;
      fclose (f);
    }
  char **e = malloc ((n + 2) * sizeof *e);
  char *h = malloc (strlen (home) + 6);
  if (e == NULL || h == NULL)
    child_fail (VXN_EXIT_INIT_FAILED, "out of memory");
  memcpy (e, env, n * sizeof *e);
  strcpy (h, "HOME=");
  strcat (h, home);
  e[n] = h;
  e[n + 1] = NULL;
  return e;
}

struct child_io
{
  int in, out, err, tty; /* the child's ends; tty >= 0 replaces the three */
  int status;            /* exec'd processes: write end of the status pipe, else -1 */
};

/* runc's wording, which docker and podman map to 127 and 126. */
static void exec_failed (const char *file, int err) __attribute__ ((noreturn));

static void
exec_failed (const char *file, int err)
{
  if (err == ENOENT && strchr (file, '/') == NULL)
    child_fail (127, "exec: \"%s\": executable file not found in $PATH", file);
  if (err == ENOENT)
    child_fail (127, "exec: \"%s\": stat %s: no such file or directory", file, file);
  child_fail (err == EACCES || err == ENOEXEC ? 126 : 127, "exec: \"%s\": %s", file,
              err == EACCES ? "permission denied" : strerror (err));
}

static void child (const struct vxn_guest_spec *spec, struct child_io io, int is_entrypoint) __attribute__ ((noreturn));

static void
child (const struct vxn_guest_spec *spec, struct child_io io, int is_entrypoint)
{
  sigset_t none;

  /* Undo what the init changed: a blocked SIGCHLD or an ignored SIGPIPE would be inherited through exec. */
  for (int s = 1; s < NSIG; s++)
    signal (s, SIG_DFL); /* fails harmlessly for KILL, STOP and glibc's internal signals */
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);

  /* Own session, as runc's init does; with a terminal, the pty is its controlling tty. */
  setsid ();
  if (io.tty >= 0)
    {
      if (ioctl (io.tty, TIOCSCTTY, 0) < 0)
        child_fail (VXN_EXIT_INIT_FAILED, "TIOCSCTTY: %s", strerror (errno));
      io.in = io.out = io.err = io.tty;
    }
  if (dup2 (io.in, 0) < 0 || dup2 (io.out, 1) < 0 || dup2 (io.err, 2) < 0)
    _exit (VXN_EXIT_INIT_FAILED);
  /* Nothing of the init's leaks into the container: the xenbus, evtchn and gntdev fds included. The status pipe
     stays, close-on-exec, as fd 3. */
  if (io.status >= 0)
    {
      if (dup3 (io.status, 3, O_CLOEXEC) < 0)
        _exit (VXN_EXIT_INIT_FAILED);
      child_status_fd = 3;
    }
  close_range (io.status >= 0 ? 4 : 3, ~0U, 0);

  vxn_oom_join ();
  /* Mounted from inside the new pid namespace, so /proc shows the container's processes only. */
  if (is_entrypoint && mount ("proc", VXN_ROOTFS "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
    child_fail (VXN_EXIT_INIT_FAILED, "mount proc in %s: %s", VXN_ROOTFS, strerror (errno));
  char why_mask[512];
  if (is_entrypoint && vxn_mount_masks (spec, why_mask, sizeof why_mask) < 0)
    child_fail (VXN_EXIT_INIT_FAILED, "%s", why_mask);
  if (chroot (VXN_ROOTFS) < 0)
    child_fail (VXN_EXIT_INIT_FAILED, "chroot %s: %s", VXN_ROOTFS, strerror (errno));
  if (chdir (spec->cwd) < 0 && (!is_entrypoint || errno != ENOENT || mkdir_p (spec->cwd) < 0 || chdir (spec->cwd) < 0))
    child_fail (VXN_EXIT_INIT_FAILED, "chdir to cwd (\"%s\") set in config.json failed: %s", spec->cwd,
                strerror (errno));
  char **env = env_with_home (spec->env, spec->n_env, spec->uid);

  char why[512];
  if (vxn_apply_process_credentials (spec, why, sizeof why) < 0)
    child_fail (VXN_EXIT_INIT_FAILED, "%s", why);

  exec_failed (spec->args[0], exec_search (spec->args[0], spec->args, env, vxn_env_path (env)));
}

static int
fail (char *err, size_t errlen, const char *what)
{
  snprintf (err, errlen, "%s: %s", what, strerror (errno));
  return -1;
}

static int
set_nonblock (int fd)
{
  int fl = fcntl (fd, F_GETFL);
  return fl < 0 || fcntl (fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -1 : 0;
}

/* Open a pty in the container's devpts instance, owned by UID; returns the slave fd, the master goes to p. */
static int
open_pty (struct vxn_proc *p, uid_t uid, char *slave_path, size_t slave_len, char *err, size_t errlen)
{
  int unlock = 0, num;
  int m = open (VXN_ROOTFS "/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (m < 0)
    return fail (err, errlen, "open a pty in " VXN_ROOTFS "/dev/pts");
  /* TIOCGPTPEER opens the slave through the master, with no path lookup to race with. */
  int s = -1;
  if (ioctl (m, TIOCSPTLCK, &unlock) < 0 || ioctl (m, TIOCGPTN, &num) < 0
      || (s = ioctl (m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 || fchown (s, uid, (gid_t)-1) < 0)
    {
      fail (err, errlen, "set up the pty");
      if (s >= 0)
        close (s);
      close (m);
      return -1;
    }
  snprintf (slave_path, slave_len, VXN_ROOTFS "/dev/pts/%d", num);
  p->pty_master = m;
  if (p->rows || p->cols)
    {
      struct winsize ws = { .ws_row = p->rows, .ws_col = p->cols };
      ioctl (m, TIOCSWINSZ, &ws);
    }
  return s;
}

void
vxn_proc_init (struct vxn_proc *p, uint32_t id)
{
  memset (p, 0, sizeof *p);
  p->id = id;
  p->pty_master = p->in_fd = p->status_fd = -1;
  p->out_fd[0] = p->out_fd[1] = p->out_fd[2] = -1;
  p->eof_sent[0] = 1;
}

static void
close_fds (int *fds, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (fds[i] >= 0)
      close (fds[i]);
}

int
vxn_proc_spawn (struct vxn_proc *p, const struct vxn_guest_spec *spec, int is_entrypoint, char *err, size_t errlen)
{
  /* in, out, err pipes and the status pipe; ends [0] read, [1] write */
  int fds[8] = { -1, -1, -1, -1, -1, -1, -1, -1 }, tty = -1;
  char slave_path[64];

  p->terminal = spec->terminal;
  if (spec->terminal)
    {
      tty = open_pty (p, spec->uid, slave_path, sizeof slave_path, err, errlen);
      if (tty < 0)
        return -1;
      if (is_entrypoint)
        vxn_mount_console (slave_path);
    }
  else if (pipe2 (fds, O_CLOEXEC) < 0 || pipe2 (fds + 2, O_CLOEXEC) < 0 || pipe2 (fds + 4, O_CLOEXEC) < 0)
    {
      fail (err, errlen, "pipe");
      close_fds (fds, 8);
      return -1;
    }
  if (!is_entrypoint && pipe2 (fds + 6, O_CLOEXEC) < 0)
    {
      fail (err, errlen, "pipe");
      close_fds (fds, 8);
      if (tty >= 0)
        close (tty);
      return -1;
    }

  /* Our ends, non-blocking: the pump never waits on one process. */
  if (tty >= 0)
    {
      /* One pty carries both output streams; stream 2 is finished before it starts. */
      p->out_fd[VXN_STREAM_STDOUT] = p->pty_master;
      p->in_fd = fcntl (p->pty_master, F_DUPFD_CLOEXEC, 3);
    }
  else
    {
      p->in_fd = fds[1];
      p->out_fd[VXN_STREAM_STDOUT] = fds[2];
      p->out_fd[VXN_STREAM_STDERR] = fds[4];
    }
  p->status_fd = fds[6];
  int ends[] = { p->in_fd, p->out_fd[1], p->out_fd[2], p->status_fd };
  for (size_t i = 0; i < ARRAY_LEN (ends); i++)
    if (ends[i] >= 0 && set_nonblock (ends[i]) < 0)
      vxn_log ("fcntl: %s", strerror (errno));
  /* Stdin Dom0 sent early is in the pipe, and a terminal has its size, before the entrypoint starts. */
  if (is_entrypoint)
    vxn_receive_frames ();

  pid_t pid = fork ();
  if (pid < 0)
    {
      /* ENOMEM here means the pid namespace's init (the entrypoint) is gone. */
      fail (err, errlen, errno == ENOMEM && !is_entrypoint ? "the container is not running: fork" : "fork");
      close_fds (fds, 8);
      if (tty >= 0)
        close (tty);
      if (p->pty_master >= 0)
        close (p->pty_master);
      if (tty >= 0 && p->in_fd >= 0)
        close (p->in_fd);
      vxn_proc_init (p, p->id);
      return -1;
    }
  if (pid == 0)
    child (spec, (struct child_io){ .in = fds[0], .out = fds[3], .err = fds[5], .tty = tty, .status = fds[7] },
           is_entrypoint);

  p->pid = pid;
  /* Our copies of the child's ends must go, or the pipes would never reach EOF. */
  int theirs[] = { tty, fds[0], fds[3], fds[5], fds[7] };
  close_fds (theirs, ARRAY_LEN (theirs));
  return 0;
}

void
vxn_entrypoint_start (void)
{
  char link[64], err[256];
  /* Stdin that Dom0 sent early is read after the pipes exist (vxn_receive_frames, from the pump). */
  if (unshare (CLONE_NEWPID) < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "unshare(CLONE_NEWPID): %s", strerror (errno));
  if (vxn_proc_spawn (&vxn.entry, &vxn.spec, 1, err, sizeof err) < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "%s", err);
  snprintf (link, sizeof link, "/proc/%d/ns/pid", vxn.entry.pid);
  ssize_t n = readlink (link, vxn.child_pidns, sizeof vxn.child_pidns - 1);
  vxn.child_pidns[n > 0 ? n : 0] = '\0';
  vxn_exec_run_pending ();
}

/* Is pid in the container's pid namespace? */
static int
in_container (long pid)
{
  char link[64], ns[sizeof vxn.child_pidns];
  snprintf (link, sizeof link, "/proc/%ld/ns/pid", pid);
  ssize_t n = readlink (link, ns, sizeof ns - 1);
  if (n <= 0)
    return 0;
  ns[n] = '\0';
  return strcmp (ns, vxn.child_pidns) == 0;
}

/* kill(2) the entrypoint, or with all=1 every process of the container. kill(-1) is not available to us (it
   would hit the whole guest, init included), so the container's processes are found by their pid namespace in
   /proc. A process forked while we walk may be missed, as with runc without a frozen cgroup. */
void
vxn_forward_signal (int signo, int all)
{
  if (vxn.entry.pid <= 0 || vxn.entry.done)
    return;
  if (kill (vxn.entry.pid, signo) < 0 && errno != ESRCH)
    vxn_log ("kill %d %d: %s", (int)vxn.entry.pid, signo, strerror (errno));
  if (!all || vxn.child_pidns[0] == '\0')
    return;
  DIR *d = opendir ("/proc");
  if (d == NULL)
    {
      vxn_log ("opendir /proc: %s", strerror (errno));
      return;
    }
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      char *end;
      long pid = strtol (e->d_name, &end, 10);
      if (*end != '\0' || pid <= 1 || pid == vxn.entry.pid || !in_container (pid))
        continue;
      if (kill ((pid_t)pid, signo) < 0 && errno != ESRCH)
        vxn_log ("kill %ld %d: %s", pid, signo, strerror (errno));
    }
  closedir (d);
}
