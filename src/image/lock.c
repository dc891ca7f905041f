#include "config.h"

#include "lock.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

int
vxn_lock_at (int dirfd, const char *name, int exclusive, vxn_error_t *err)
{
  int fd = openat (dirfd, name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return vxn_make_error (err, errno, "open lock `%s`", name);
  int op = exclusive ? LOCK_EX : LOCK_SH;
  /* Say so when we have to wait: a pull blocked behind another is otherwise indistinguishable from a hang. */
  if (flock (fd, op | LOCK_NB) < 0)
    {
      if (errno != EWOULDBLOCK)
        {
          int e = errno;
          close (fd);
          return vxn_make_error (err, e, "lock `%s`", name);
        }
      vxn_debug ("waiting for lock `%s`", name);
      while (flock (fd, op) < 0)
        if (errno != EINTR)
          {
            int e = errno;
            close (fd);
            return vxn_make_error (err, e, "lock `%s`", name);
          }
    }
  return fd;
}
