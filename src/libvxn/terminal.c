#include "config.h"

#include "terminal.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
vxn_terminal_open (int *master, int *slave, vxn_error_t *err)
{
  char name[64];
  int m = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0)
    return vxn_make_error (err, errno, "open a pty");
  if (grantpt (m) < 0 || unlockpt (m) < 0 || ptsname_r (m, name, sizeof name) != 0)
    {
      int e = errno;
      close (m);
      return vxn_make_error (err, e, "set up the pty");
    }
  /* Not CLOEXEC: the monitor is forked, never exec'd, and nothing else must get it. */
  int s = open (name, O_RDWR | O_NOCTTY);
  if (s < 0)
    {
      int e = errno;
      close (m);
      return vxn_make_error (err, e, "open `%s`", name);
    }
  *master = m;
  *slave = s;
  return 0;
}

int
vxn_terminal_send (const char *socket_path, int master, vxn_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char name[64] = "";
  if (strlen (socket_path) >= sizeof addr.sun_path)
    return vxn_make_error (err, 0, "console socket path `%s` is too long", socket_path);
  strcpy (addr.sun_path, socket_path);
  cleanup_close int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return vxn_make_error (err, errno, "socket");
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return vxn_make_error (err, errno, "connect to the console socket `%s`", socket_path);
  if (ptsname_r (master, name, sizeof name) != 0)
    snprintf (name, sizeof name, "/dev/ptmx");
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  memset (&control, 0, sizeof control);
  struct iovec iov = { .iov_base = name, .iov_len = strlen (name) };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf };
  struct cmsghdr *cm = CMSG_FIRSTHDR (&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cm), &master, sizeof (int));
  if (sendmsg (fd, &msg, MSG_NOSIGNAL) < 0)
    return vxn_make_error (err, errno, "send the pty to the console socket `%s`", socket_path);
  return 0;
}
