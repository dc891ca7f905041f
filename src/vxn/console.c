#include "config.h"

#include "console.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#define SOCK_NAME "console.sock"
#define BUF_SIZE 8192
/* Once the monitor has exited, the master should hang up at once; if something else still holds the slave, stop
   after this long without output. A bound, not a wait. */
#define AFTER_EXIT_MS 2000

int
vxn_console_listen (struct vxn_console *c, vxn_error_t *err)
{
  const char *tmp = getenv ("TMPDIR");
  memset (c, 0, sizeof *c);
  c->listen_fd = c->master = -1;
  c->dir = xasprintf ("%s/vxn-console-XXXXXX", tmp && *tmp && strlen (tmp) < 64 ? tmp : "/tmp");
  if (mkdtemp (c->dir) == NULL)
    {
      int e = errno;
      free (c->dir);
      c->dir = NULL;
      return vxn_make_error (err, e, "make a directory for the console socket");
    }
  c->path = xasprintf ("%s/" SOCK_NAME, c->dir);
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (strlen (c->path) >= sizeof addr.sun_path)
    return vxn_make_error (err, 0, "console socket path `%s` is too long", c->path);
  strcpy (addr.sun_path, c->path);
  c->listen_fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (c->listen_fd < 0)
    return vxn_make_error (err, errno, "socket");
  if (bind (c->listen_fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen (c->listen_fd, 1) < 0)
    return vxn_make_error (err, errno, "listen on `%s`", c->path);
  return 0;
}

static void
remove_socket (struct vxn_console *c)
{
  if (c->listen_fd >= 0)
    close (c->listen_fd);
  c->listen_fd = -1;
  if (c->path)
    unlink (c->path);
  if (c->dir)
    rmdir (c->dir);
  free (c->path);
  free (c->dir);
  c->path = c->dir = NULL;
}

/* Our terminal's size onto the master: stdout's, as docker takes it, else stdin's. */
static void
copy_winsize (int master)
{
  struct winsize ws;
  if (ioctl (1, TIOCGWINSZ, &ws) == 0 || ioctl (0, TIOCGWINSZ, &ws) == 0)
    ioctl (master, TIOCSWINSZ, &ws);
}

int
vxn_console_receive (struct vxn_console *c, vxn_error_t *err)
{
  /* The runtime connected and sent before it exited: the connection is queued, its message buffered. */
  cleanup_close int conn = accept4 (c->listen_fd, NULL, NULL, SOCK_CLOEXEC);
  int e = errno;
  remove_socket (c);
  if (conn < 0)
    return vxn_make_error (err, e == EAGAIN ? 0 : e, "the runtime sent no terminal to the console socket");
  char name[256];
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = { .iov_base = name, .iov_len = sizeof name };
  struct msghdr msg
      = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control };
  ssize_t n;
  do
    n = recvmsg (conn, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return vxn_make_error (err, errno, "receive the terminal from the runtime");
  struct cmsghdr *cm = CMSG_FIRSTHDR (&msg);
  if (cm == NULL || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS
      || cm->cmsg_len != CMSG_LEN (sizeof (int)))
    return vxn_make_error (err, 0, "the runtime sent no terminal to the console socket");
  memcpy (&c->master, CMSG_DATA (cm), sizeof (int));
  int fl = fcntl (c->master, F_GETFL);
  if (fl < 0 || fcntl (c->master, F_SETFL, fl | O_NONBLOCK) < 0)
    return vxn_make_error (err, errno, "make the terminal non-blocking");
  copy_winsize (c->master);
  return 0;
}

/* One direction: bytes read from SRC wait here until DST takes them. */
struct flow
{
  int src, dst;
  char buf[BUF_SIZE];
  size_t off, len;
  int eof;
};

/* Read what SRC has (poll said so). 0 on EOF or error (EIO: the pty's other side is gone), 1 otherwise. */
static int
flow_read (struct flow *f)
{
  ssize_t n = read (f->src, f->buf, sizeof f->buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return 1;
  if (n <= 0)
    return 0;
  f->off = 0;
  f->len = (size_t)n;
  return 1;
}

/* Write what DST takes; on a write error the rest is dropped (nobody reads it any more). */
static void
flow_write (struct flow *f)
{
  ssize_t n = write (f->dst, f->buf + f->off, f->len - f->off);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  if (n <= 0)
    f->off = f->len;
  else
    f->off += (size_t)n;
  if (f->off == f->len)
    f->off = f->len = 0;
}

enum
{
  P_IN,      /* stdin -> (buffer) */
  P_OUT,     /* (buffer) -> stdout */
  P_MASTER,  /* master: read for stdout, write stdin's bytes */
  P_WINCH,   /* signalfd */
  P_MONITOR, /* pidfd */
  P_N
};

int
vxn_console_copy (struct vxn_console *c, int forward_stdin, pid_t monitor, vxn_error_t *err)
{
  struct flow in = { .src = 0, .dst = c->master, .eof = !forward_stdin };
  struct flow out = { .src = c->master, .dst = 1 };
  struct termios saved, raw;
  int is_raw = 0, exited = 0, ret = 0;
  sigset_t winch, old_mask;
  sigemptyset (&winch);
  sigaddset (&winch, SIGWINCH);
  sigprocmask (SIG_BLOCK, &winch, &old_mask);
  struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe;
  sigaction (SIGPIPE, &ign, &old_pipe); /* a closed stdout is a write error, not our death with the terminal raw */
  cleanup_close int sfd = signalfd (-1, &winch, SFD_CLOEXEC | SFD_NONBLOCK);
  cleanup_close int pidfd = (int)syscall (SYS_pidfd_open, monitor, 0);
  if (sfd < 0)
    {
      ret = vxn_make_error (err, errno, "signalfd");
      goto out;
    }
  copy_winsize (c->master); /* a change between create and now */
  /* docker's rule: the terminal goes raw when we pass stdin from it; the guest's pty does the line discipline. */
  if (forward_stdin && tcgetattr (0, &saved) == 0)
    {
      raw = saved;
      cfmakeraw (&raw);
      is_raw = tcsetattr (0, TCSADRAIN, &raw) == 0;
    }
  for (;;)
    {
      struct pollfd p[P_N] = {
        [P_IN] = { .fd = !in.eof && in.len == 0 ? 0 : -1, .events = POLLIN },
        [P_OUT] = { .fd = out.len ? 1 : -1, .events = POLLOUT },
        [P_MASTER] = { .fd = c->master, .events = (out.len ? 0 : POLLIN) | (in.len ? POLLOUT : 0) },
        [P_WINCH] = { .fd = sfd, .events = POLLIN },
        [P_MONITOR] = { .fd = exited ? -1 : pidfd, .events = POLLIN },
      };
      if (p[P_MASTER].events == 0)
        p[P_MASTER].fd = -1; /* a hung-up master would wake us while stdout is still busy */
      int r = poll (p, P_N, exited ? AFTER_EXIT_MS : -1);
      if (r < 0 && errno == EINTR)
        continue; /* a proxied signal */
      if (r < 0)
        {
          ret = vxn_make_error (err, errno, "poll");
          break;
        }
      if (r == 0)
        break; /* the monitor is gone and the master stayed silent: something else holds the slave */
      if (p[P_WINCH].revents)
        {
          struct signalfd_siginfo si;
          while (read (sfd, &si, sizeof si) == sizeof si)
            ;
          copy_winsize (c->master);
        }
      if (p[P_MONITOR].revents)
        exited = 1;
      if (p[P_IN].revents && !flow_read (&in))
        {
          /* Our stdin ended (a pipe, or our terminal hung up): the container's terminal reads its EOF character,
             as a user's ^D, so `cat` and shells see the end too. */
          in.eof = 1;
          in.buf[0] = 4;
          in.len = 1;
        }
      if (p[P_MASTER].revents & POLLOUT)
        flow_write (&in);
      if ((p[P_MASTER].revents & (POLLIN | POLLHUP | POLLERR)) && out.len == 0 && !flow_read (&out))
        break; /* hung up: every byte the container wrote has been read */
      if (p[P_OUT].revents)
        flow_write (&out);
    }
  /* What was read but not yet written still belongs on stdout. */
  if (out.len)
    vxn_write_all (1, out.buf + out.off, out.len - out.off);
out:
  if (is_raw)
    tcsetattr (0, TCSADRAIN, &saved);
  sigaction (SIGPIPE, &old_pipe, NULL);
  sigprocmask (SIG_SETMASK, &old_mask, NULL);
  return ret;
}

void
vxn_console_clear (struct vxn_console *c)
{
  remove_socket (c);
  if (c->master >= 0)
    close (c->master);
  c->master = -1;
}
