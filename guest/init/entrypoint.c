/* Start the container's process, and forward signals to it.

   The entrypoint is PID 1 of a new pid namespace, as under runc: the kernel then gives it init semantics (a shell
   entrypoint ignores SIGTERM unless it traps it; when it exits, everything else in the container is killed), and
   the guest init stays outside, free to pump stdio and report the exit status. unshare(CLONE_NEWPID) + fork()
   rather than a raw clone(): fork() keeps glibc's own state (malloc locks, stdio) consistent in the child.

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

/* The child reports setup failures on its stderr (Dom0 sees them on the container's stderr) and exits with the
   code Dom0 then reports: 127/126 for exec failures, like a shell, 255 for everything else. */
static void child_fail (int code, const char *fmt, ...) __attribute__ ((noreturn, format (printf, 2, 3)));

static void
child_fail (int code, const char *fmt, ...)
{
  char line[PATH_MAX + 256];
  va_list ap;
  int n = snprintf (line, sizeof line, "vxn-init: ");
  va_start (ap, fmt);
  vsnprintf (line + n, sizeof line - n - 1, fmt, ap);
  va_end (ap);
  strcat (line, "\n");
  if (write (STDERR_FILENO, line, strlen (line)) < 0)
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

static void child (int in_fd, int out_fd, int err_fd, int tty_fd) __attribute__ ((noreturn));

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

static void
child (int in_fd, int out_fd, int err_fd, int tty_fd)
{
  const struct vxn_guest_spec *spec = &vxn.spec;
  sigset_t none;

  /* Undo what the init changed: a blocked SIGCHLD or an ignored SIGPIPE would be inherited through exec. */
  for (int s = 1; s < NSIG; s++)
    signal (s, SIG_DFL); /* fails harmlessly for KILL, STOP and glibc's internal signals */
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);

  /* Own session, as runc's init does; with a terminal, the pty is its controlling tty. */
  setsid ();
  if (tty_fd >= 0)
    {
      if (ioctl (tty_fd, TIOCSCTTY, 0) < 0)
        child_fail (VXN_EXIT_INIT_FAILED, "TIOCSCTTY: %s", strerror (errno));
      in_fd = out_fd = err_fd = tty_fd;
    }
  if (dup2 (in_fd, 0) < 0 || dup2 (out_fd, 1) < 0 || dup2 (err_fd, 2) < 0)
    _exit (VXN_EXIT_INIT_FAILED);
  /* Nothing of the init's leaks into the container: the xenbus, evtchn and gntdev fds included. */
  close_range (3, ~0U, 0);

  /* Mounted from inside the new pid namespace, so /proc shows the container's processes only. */
  if (mount ("proc", VXN_ROOTFS "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
    child_fail (VXN_EXIT_INIT_FAILED, "mount proc in %s: %s", VXN_ROOTFS, strerror (errno));
  if (chroot (VXN_ROOTFS) < 0)
    child_fail (VXN_EXIT_INIT_FAILED, "chroot %s: %s", VXN_ROOTFS, strerror (errno));
  if (chdir (spec->cwd) < 0 && (errno != ENOENT || mkdir_p (spec->cwd) < 0 || chdir (spec->cwd) < 0))
    child_fail (VXN_EXIT_INIT_FAILED, "chdir %s: %s", spec->cwd, strerror (errno));
  char **env = env_with_home (spec->env, spec->n_env, spec->uid);

  char why[512];
  if (vxn_apply_process_credentials (spec, why, sizeof why) < 0)
    child_fail (VXN_EXIT_INIT_FAILED, "%s", why);

  int err = exec_search (spec->args[0], spec->args, env, vxn_env_path (env));
  child_fail (err == EACCES || err == ENOEXEC ? 126 : 127, "exec %s: %s", spec->args[0], strerror (err));
}

static void
cloexec_pipe (int fds[2])
{
  if (pipe2 (fds, O_CLOEXEC) < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "pipe: %s", strerror (errno));
}

static void
set_nonblock (int fd)
{
  int fl = fcntl (fd, F_GETFL);
  if (fl < 0 || fcntl (fd, F_SETFL, fl | O_NONBLOCK) < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "fcntl: %s", strerror (errno));
}

/* Open a pty in the container's devpts instance; returns the slave fd, the master goes to vxn.pty_master. */
static int
open_pty (void)
{
  int unlock = 0, num;
  char slave_path[64];
  int m = open (VXN_ROOTFS "/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (m < 0 || ioctl (m, TIOCSPTLCK, &unlock) < 0 || ioctl (m, TIOCGPTN, &num) < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "open a pty in %s/dev/pts: %s", VXN_ROOTFS, strerror (errno));
  /* TIOCGPTPEER opens the slave through the master, with no path lookup to race with. */
  int s = ioctl (m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "open the pty slave: %s", strerror (errno));
  if (fchown (s, vxn.spec.uid, (gid_t)-1) < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "chown the pty: %s", strerror (errno));
  snprintf (slave_path, sizeof slave_path, VXN_ROOTFS "/dev/pts/%d", num);
  vxn_mount_console (slave_path);
  vxn.pty_master = m;
  return s;
}

void
vxn_entrypoint_start (void)
{
  int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 }, tty = -1;
  char link[64];

  if (vxn.spec.terminal)
    {
      tty = open_pty ();
      /* One pty carries both output streams; stream 2 is finished before it starts. */
      vxn.out_fd[VXN_STREAM_STDOUT] = vxn.pty_master;
      vxn.out_fd[VXN_STREAM_STDERR] = -1;
      vxn.in_fd = fcntl (vxn.pty_master, F_DUPFD_CLOEXEC, 3);
      if (vxn.in_fd < 0)
        vxn_fatal (VXN_EXIT_INIT_FAILED, "dup: %s", strerror (errno));
    }
  else
    {
      cloexec_pipe (in);
      cloexec_pipe (out);
      cloexec_pipe (err);
      vxn.in_fd = in[1];
      vxn.out_fd[VXN_STREAM_STDOUT] = out[0];
      vxn.out_fd[VXN_STREAM_STDERR] = err[0];
      set_nonblock (in[1]);
      set_nonblock (out[0]);
      set_nonblock (err[0]);
    }

  vxn_receive_frames ();
  if (unshare (CLONE_NEWPID) < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "unshare(CLONE_NEWPID): %s", strerror (errno));
  pid_t pid = fork ();
  if (pid < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "fork: %s", strerror (errno));
  if (pid == 0)
    child (in[0], out[1], err[1], tty);

  vxn.child = pid;
  /* Our copies of the child's ends must go, or the pipes would never reach EOF. */
  if (tty >= 0)
    close (tty);
  else
    {
      close (in[0]);
      close (out[1]);
      close (err[1]);
    }
  snprintf (link, sizeof link, "/proc/%d/ns/pid", pid);
  ssize_t n = readlink (link, vxn.child_pidns, sizeof vxn.child_pidns - 1);
  vxn.child_pidns[n > 0 ? n : 0] = '\0';
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
  if (vxn.child <= 0 || vxn.child_done)
    return;
  if (kill (vxn.child, signo) < 0 && errno != ESRCH)
    vxn_log ("kill %d %d: %s", (int)vxn.child, signo, strerror (errno));
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
      if (*end != '\0' || pid <= 1 || pid == vxn.child || !in_container (pid))
        continue;
      if (kill ((pid_t)pid, signo) < 0 && errno != ESRCH)
        vxn_log ("kill %ld %d: %s", pid, signo, strerror (errno));
    }
  closedir (d);
}
