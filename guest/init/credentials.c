/* Credentials and limits of the container's process, in runc's order (libcontainer's init): what needs root
   first (oom_score_adj may only be lowered with CAP_SYS_RESOURCE; rlimits may be raised above the init's hard
   limits), then the capability bounding set, then the uid change with PR_SET_KEEPCAPS so the permitted set
   survives it, then the effective/permitted/inheritable sets, ambient capabilities last, and no_new_privs just
   before the caller's exec.

   Without a capabilities object the process keeps what its uid gives it: everything for uid 0, nothing for
   another uid (the kernel clears the sets on the uid change), as vxn always did. */
#include "credentials.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* Every function here has err and errlen: a failure writes its reason there and returns -1. */
#define fail(err, errlen, ...) (snprintf ((err), (errlen), __VA_ARGS__), -1)

static int
has (uint64_t set, int cap)
{
  return (set >> cap) & 1;
}

static int
write_oom_score_adj (int value, char *err, size_t errlen)
{
  char s[16];
  int n = snprintf (s, sizeof s, "%d", value);
  int fd = open ("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, s, n) != n)
    {
      int e = errno;
      if (fd >= 0)
        close (fd);
      return fail (err, errlen, "write /proc/self/oom_score_adj: %s", strerror (e));
    }
  close (fd);
  return 0;
}

/* The guest kernel caps RLIMIT_NOFILE at fs.nr_open (1048576 by default), while a systemd host has it at the
   maximum: a limit valid there (podman passes the caller's own) would fail here. The kernel belongs to this one
   container, so nr_open is raised to the requested hard limit; when even that fails, setrlimit says why. */
static void
raise_nr_open (uint64_t hard)
{
  char buf[32];
  int fd = open ("/proc/sys/fs/nr_open", O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return;
  ssize_t n = read (fd, buf, sizeof buf - 1);
  if (n > 0)
    {
      buf[n] = '\0';
      if (hard > strtoull (buf, NULL, 10))
        {
          n = snprintf (buf, sizeof buf, "%llu", (unsigned long long)hard);
          if (lseek (fd, 0, SEEK_SET) == 0 && write (fd, buf, n) != n)
            {
              /* setrlimit reports the failure */
            }
        }
    }
  close (fd);
}

/* Bounding set first, while we still have CAP_SETPCAP; then keep the permitted set across setresuid. */
static int
drop_bounding (const struct vxn_guest_spec *spec, int last_cap, char *err, size_t errlen)
{
  for (int c = 0; c <= last_cap; c++)
    if (!has (spec->caps[VXN_CAPS_BOUNDING], c) && cap_drop_bound (c) < 0)
      return fail (err, errlen, "drop %s from the bounding set: %s", cap_to_name (c), strerror (errno));
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return fail (err, errlen, "PR_SET_KEEPCAPS: %s", strerror (errno));
  return 0;
}

/* Capabilities the guest kernel does not have (above last_cap) are skipped, as runc does. */
static int
set_capabilities (const struct vxn_guest_spec *spec, int last_cap, char *err, size_t errlen)
{
  static const struct
  {
    int set;
    cap_flag_t flag;
  } flags[] = {
    { VXN_CAPS_EFFECTIVE, CAP_EFFECTIVE },
    { VXN_CAPS_PERMITTED, CAP_PERMITTED },
    { VXN_CAPS_INHERITABLE, CAP_INHERITABLE },
  };
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return fail (err, errlen, "PR_SET_KEEPCAPS: %s", strerror (errno));
  cap_t caps = cap_init ();
  if (caps == NULL)
    return fail (err, errlen, "cap_init: %s", strerror (errno));
  for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++)
    for (int c = 0; c <= last_cap; c++)
      if (has (spec->caps[flags[f].set], c))
        {
          cap_value_t v = c;
          if (cap_set_flag (caps, flags[f].flag, 1, &v, CAP_SET) < 0)
            {
              cap_free (caps);
              return fail (err, errlen, "capability %d: %s", c, strerror (errno));
            }
        }
  int r = cap_set_proc (caps);
  int e = errno;
  cap_free (caps);
  if (r < 0)
    return fail (err, errlen, "set the effective, permitted and inheritable capabilities: %s", strerror (e));
  /* The kernel raises an ambient capability only if it is permitted and inheritable; runc and crun skip the
     others, and so do we (podman asks for ambient capabilities it does not make inheritable). */
  if (cap_reset_ambient () < 0)
    return fail (err, errlen, "clear the ambient capabilities: %s", strerror (errno));
  uint64_t raisable = spec->caps[VXN_CAPS_PERMITTED] & spec->caps[VXN_CAPS_INHERITABLE];
  for (int c = 0; c <= last_cap; c++)
    if (has (spec->caps[VXN_CAPS_AMBIENT] & raisable, c) && cap_set_ambient (c, CAP_SET) < 0)
      return fail (err, errlen, "raise ambient %s: %s", cap_to_name (c), strerror (errno));
  return 0;
}

int
vxn_apply_process_credentials (const struct vxn_guest_spec *spec, char *err, size_t errlen)
{
  int last_cap = (int)cap_max_bits () - 1;
  if (spec->have_oom_score_adj && write_oom_score_adj (spec->oom_score_adj, err, errlen) < 0)
    return -1;
  for (size_t i = 0; i < spec->n_rlimits; i++)
    {
      const struct vxn_rlimit *l = &spec->rlimits[i];
      struct rlimit rl = { .rlim_cur = l->soft, .rlim_max = l->hard };
      if (l->resource == RLIMIT_NOFILE && l->hard != RLIM_INFINITY)
        raise_nr_open (l->hard);
      if (setrlimit (l->resource, &rl) < 0)
        return fail (err, errlen, "setrlimit %s (soft %llu, hard %llu): %s", vxn_rlimit_name (l->resource),
                     (unsigned long long)l->soft, (unsigned long long)l->hard, strerror (errno));
    }
  if (spec->have_umask)
    umask (spec->umask);
  if (spec->have_caps && drop_bounding (spec, last_cap, err, errlen) < 0)
    return -1;
  if (setgroups (spec->n_additional_gids, spec->additional_gids) < 0)
    return fail (err, errlen, "setgroups: %s", strerror (errno));
  if (setresgid (spec->gid, spec->gid, spec->gid) < 0)
    return fail (err, errlen, "setgid %lu: %s", (unsigned long)spec->gid, strerror (errno));
  if (setresuid (spec->uid, spec->uid, spec->uid) < 0)
    return fail (err, errlen, "setuid %lu: %s", (unsigned long)spec->uid, strerror (errno));
  if (spec->have_caps && set_capabilities (spec, last_cap, err, errlen) < 0)
    return -1;
  if (spec->no_new_privs && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return fail (err, errlen, "PR_SET_NO_NEW_PRIVS: %s", strerror (errno));
  return 0;
}
