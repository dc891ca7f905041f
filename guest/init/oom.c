/* OOM kills in the container, for `vxn-oci-runtime events` (runc's "oom" event). The container's processes live in
   the guest cgroup /vxn with the memory controller on; its memory.events turns POLLPRI when it changes, and each rise
   of oom_kill (global OOM kills count there too) is published as data/vxn-oom-kills. Best effort: without the
   cgroup the container runs the same, only unwatched. */
#include "vxn-init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xenbus.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define CGROUP_CTR CGROUP_ROOT "/vxn"

static int events_fd = -1;
static unsigned long long reported;

static int
write_file (const char *path, const char *s)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = write (fd, s, strlen (s));
  close (fd);
  return n == (ssize_t)strlen (s) ? 0 : -1;
}

void
vxn_oom_setup (void)
{
  if (mount ("cgroup2", CGROUP_ROOT, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0
      || write_file (CGROUP_ROOT "/cgroup.subtree_control", "+memory") < 0
      || (mkdir (CGROUP_CTR, 0755) < 0 && errno != EEXIST))
    {
      vxn_debug ("no container cgroup (%s): OOM kills are not reported", strerror (errno));
      return;
    }
  events_fd = open (CGROUP_CTR "/memory.events", O_RDONLY | O_CLOEXEC);
  if (events_fd < 0)
    vxn_debug ("open %s/memory.events: %s: OOM kills are not reported", CGROUP_CTR, strerror (errno));
}

int
vxn_oom_fd (void)
{
  return events_fd;
}

void
vxn_oom_join (void)
{
  if (events_fd >= 0)
    (void)write_file (CGROUP_CTR "/cgroup.procs", "0"); /* "0": the writer itself */
}

void
vxn_oom_check (void)
{
  char buf[512], *p;
  if (events_fd < 0)
    return;
  ssize_t n = pread (events_fd, buf, sizeof buf - 1, 0);
  if (n <= 0)
    return;
  buf[n] = '\0';
  if ((p = strstr (buf, "oom_kill ")) == NULL)
    return;
  unsigned long long kills = strtoull (p + 9, NULL, 10);
  if (kills <= reported)
    return;
  reported = kills;
  char v[32];
  snprintf (v, sizeof v, "%llu", kills);
  if (vxn_xb_write (VXN_XS_OOM, v) < 0)
    vxn_log ("xenstore write %s: %s", VXN_XS_OOM, strerror (errno));
}
