#include "config.h"

#include "ctl.h"
#include "utils.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Long roots (dockerd's /var/run/docker/runtime-runc/moby/<64 hex>) overflow sun_path: address the socket
   through the directory fd instead. */
static int
ctl_address (int dirfd, struct sockaddr_un *addr, vxn_error_t *err)
{
  memset (addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  int n = snprintf (addr->sun_path, sizeof addr->sun_path, "/proc/self/fd/%d/%s", dirfd, VXN_CTL_SOCKET);
  if (n < 0 || (size_t) n >= sizeof addr->sun_path)
    return vxn_make_error (err, 0, "control socket path too long");
  return 0;
}

int
vxn_ctl_listen (int dirfd, vxn_error_t *err)
{
  struct sockaddr_un addr;
  if (ctl_address (dirfd, &addr, err) < 0)
    return -1;
  int fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return vxn_make_error (err, errno, "socket");
  unlinkat (dirfd, VXN_CTL_SOCKET, 0);
  if (bind (fd, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (fd, 16) < 0)
    {
      int e = errno;
      close (fd);
      return vxn_make_error (err, e, "bind control socket");
    }
  return fd;
}

int
vxn_ctl_request (int dirfd, const char *request, int timeout_ms, vxn_error_t *err)
{
  struct sockaddr_un addr;
  char reply[VXN_CTL_MSG_MAX + 1];
  if (ctl_address (dirfd, &addr, err) < 0)
    return -1;
  cleanup_close int fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return vxn_make_error (err, errno, "socket");
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return vxn_make_error (err, errno, "connect to the container monitor");
  if (send (fd, request, strlen (request), MSG_NOSIGNAL) < 0)
    return vxn_make_error (err, errno, "send `%s` to the container monitor", request);
  struct pollfd p = { .fd = fd, .events = POLLIN };
  int r;
  do
    r = poll (&p, 1, timeout_ms);
  while (r < 0 && errno == EINTR);
  if (r == 0)
    return vxn_make_error (err, ETIMEDOUT, "waiting for the container monitor to answer `%s`", request);
  ssize_t n = recv (fd, reply, VXN_CTL_MSG_MAX, 0);
  if (n < 0)
    return vxn_make_error (err, errno, "receive from the container monitor");
  if (n == 0)
    return vxn_make_error (err, ECONNRESET, "the container monitor exited while handling `%s`", request);
  reply[n] = '\0';
  if (strcmp (reply, "ok") == 0)
    return 0;
  if (strncmp (reply, "error ", 6) == 0)
    return vxn_make_error (err, 0, "%s", reply + 6);
  return vxn_make_error (err, 0, "unexpected reply from the container monitor: `%.64s`", reply);
}
