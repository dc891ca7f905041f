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
vxn_ctl_connect (int dirfd, vxn_error_t *err)
{
  struct sockaddr_un addr;
  if (ctl_address (dirfd, &addr, err) < 0)
    return -1;
  int fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return vxn_make_error (err, errno, "socket");
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    {
      int e = errno;
      close (fd);
      return vxn_make_error (err, e, "connect to the container monitor");
    }
  return fd;
}

int
vxn_ctl_send_fds (int fd, const char *msg, const int *fds, size_t n_fds, vxn_error_t *err)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int) * VXN_CTL_MAX_FDS)];
    struct cmsghdr align;
  } control;
  struct iovec iov = { .iov_base = (void *) msg, .iov_len = strlen (msg) };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
  if (n_fds > VXN_CTL_MAX_FDS)
    return vxn_make_error (err, EINVAL, "too many descriptors for one message");
  if (n_fds)
    {
      memset (&control, 0, sizeof control);
      mh.msg_control = control.buf;
      mh.msg_controllen = CMSG_SPACE (sizeof (int) * n_fds);
      struct cmsghdr *cm = CMSG_FIRSTHDR (&mh);
      cm->cmsg_level = SOL_SOCKET;
      cm->cmsg_type = SCM_RIGHTS;
      cm->cmsg_len = CMSG_LEN (sizeof (int) * n_fds);
      memcpy (CMSG_DATA (cm), fds, sizeof (int) * n_fds);
    }
  if (sendmsg (fd, &mh, MSG_NOSIGNAL) < 0)
    return vxn_make_error (err, errno, "send to the container monitor");
  return 0;
}

ssize_t
vxn_ctl_recv_fds (int fd, char *buf, size_t len, int *fds, size_t *n_fds, int flags)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int) * VXN_CTL_MAX_FDS)];
    struct cmsghdr align;
  } control;
  struct iovec iov = { .iov_base = buf, .iov_len = len - 1 };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                       .msg_controllen = sizeof control.buf };
  *n_fds = 0;
  ssize_t n = recvmsg (fd, &mh, flags | MSG_CMSG_CLOEXEC);
  if (n < 0)
    return -1;
  for (struct cmsghdr *cm = CMSG_FIRSTHDR (&mh); cm; cm = CMSG_NXTHDR (&mh, cm))
    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
      {
        size_t k = (cm->cmsg_len - CMSG_LEN (0)) / sizeof (int);
        int got[VXN_CTL_MAX_FDS + 1];
        memcpy (got, CMSG_DATA (cm), sizeof (int) * (k <= VXN_CTL_MAX_FDS ? k : VXN_CTL_MAX_FDS));
        for (size_t i = 0; i < k && i < VXN_CTL_MAX_FDS; i++)
          fds[(*n_fds)++] = got[i];
      }
  /* A truncated message or descriptor list is refused whole. */
  if ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0)
    {
      for (size_t i = 0; i < *n_fds; i++)
        close (fds[i]);
      *n_fds = 0;
      errno = EMSGSIZE;
      return -1;
    }
  buf[n] = '\0';
  return n;
}

int
vxn_ctl_request (int dirfd, const char *request, int timeout_ms, vxn_error_t *err)
{
  char reply[VXN_CTL_MSG_MAX + 1];
  cleanup_close int fd = vxn_ctl_connect (dirfd, err);
  if (fd < 0)
    return -1;
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
