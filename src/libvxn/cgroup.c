/* The monitor's cgroup: which one (from the flags and linux.cgroupsPath, as runc decides), entering it with cgroupfs,
   and removing it after the container (systemd scopes go by themselves once empty). */
#include "config.h"

#include "cgroup.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <linux/magic.h>

#define PATH_MAX_LEN 4096
#define UNIT_NAME_MAX 255

/* Controllers engines read for stats; enabled best effort on the way down, as runc does. */
static const char *const wanted_controllers[] = { "cpu", "memory", "pids", "io" };

int
vxn_cgroup_request_parse (const char *name)
{
  if (strcmp (name, "cgroupfs") == 0)
    return VXN_CGROUP_REQUEST_FS;
  if (strcmp (name, "systemd") == 0)
    return VXN_CGROUP_REQUEST_SYSTEMD;
  if (strcmp (name, "disabled") == 0)
    return VXN_CGROUP_REQUEST_DISABLED;
  return -1;
}

void
vxn_cgroup_free (struct vxn_cgroup *cg)
{
  free (cg->path);
  free (cg->slice);
  free (cg->unit);
  memset (cg, 0, sizeof *cg);
}

/* "slice:prefix:name", systemd's form of cgroupsPath (exactly two colons, no slash). */
static bool
is_systemd_form (const char *p)
{
  const char *c1 = strchr (p, ':');
  return c1 && strchr (c1 + 1, ':') && !strchr (strchr (c1 + 1, ':') + 1, ':') && !strchr (p, '/');
}

static bool
unit_chars_ok (const char *s)
{
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || strchr ("_.-@\\", *s)))
      return false;
  return true;
}

static bool
has_suffix (const char *s, const char *suffix)
{
  size_t n = strlen (s), k = strlen (suffix);
  return n >= k && strcmp (s + n - k, suffix) == 0;
}

static int
resolve_systemd (const char *path, const char *id, struct vxn_cgroup *cg, vxn_error_t *err)
{
  cleanup_free char *slice = NULL, *prefix = NULL, *name = NULL;
  if (path && *path)
    {
      if (!is_systemd_form (path))
        return vxn_make_error (err, 0,
                               "linux.cgroupsPath `%s`: with the systemd cgroup manager it must be "
                               "slice:prefix:name",
                               path);
      const char *c1 = strchr (path, ':'), *c2 = strchr (c1 + 1, ':');
      slice = xasprintf ("%.*s", (int)(c1 - path), path);
      prefix = xasprintf ("%.*s", (int)(c2 - c1 - 1), c1 + 1);
      name = xstrdup (c2 + 1);
    }
  else
    {
      slice = xstrdup ("");
      prefix = xstrdup ("vxn");
      name = xstrdup ("");
    }
  if (*slice == '\0')
    {
      free (slice);
      slice = xstrdup ("system.slice");
    }
  if (*name == '\0')
    {
      free (name);
      name = xstrdup (id);
    }
  if (!has_suffix (slice, ".slice"))
    return vxn_make_error (err, 0, "linux.cgroupsPath: `%s` is not a slice (it must end in .slice)", slice);
  if (has_suffix (name, ".slice"))
    return vxn_make_error (err, 0, "linux.cgroupsPath: a slice as the container's own unit (`%s`) is not supported",
                           name);
  char *unit = *prefix ? xasprintf ("%s-%s.scope", prefix, name) : xasprintf ("%s.scope", name);
  if (!unit_chars_ok (slice) || !unit_chars_ok (unit) || strlen (unit) > UNIT_NAME_MAX
      || strlen (slice) > UNIT_NAME_MAX)
    {
      vxn_make_error (err, 0, "linux.cgroupsPath: `%s` in `%s` is not a valid systemd unit name", unit, slice);
      free (unit);
      return -1;
    }
  cg->manager = VXN_CGROUP_SYSTEMD;
  cg->slice = slice;
  slice = NULL;
  cg->unit = unit;
  return 0;
}

/* Relative paths hang below the parent of our own cgroup (ours has processes, so it cannot delegate controllers):
   runc's rule. Every component must be a plain name. */
static int
resolve_fs (const char *path, const char *id, const char *own, struct vxn_cgroup *cg, vxn_error_t *err)
{
  if (path == NULL || *path == '\0')
    path = id;
  if (strlen (path) > PATH_MAX_LEN)
    return vxn_make_error (err, 0, "linux.cgroupsPath is too long");
  if (is_systemd_form (path))
    return vxn_make_error (err, 0,
                           "linux.cgroupsPath `%s` is systemd's slice:prefix:name form, but the cgroup manager "
                           "is cgroupfs (pass --systemd-cgroup)",
                           path);
  cleanup_free char *full = NULL;
  if (path[0] == '/')
    full = xstrdup (path);
  else
    {
      cleanup_free char *base = xstrdup (own && *own ? own : "/");
      char *slash = strrchr (base, '/');
      if (slash == base)
        base[1] = '\0';
      else if (slash)
        *slash = '\0';
      full = xasprintf ("%s%s%s", base, base[strlen (base) - 1] == '/' ? "" : "/", path);
    }
  /* Strictly plain components: no "", ".", "..", so the path cannot leave the hierarchy. */
  if (strcmp (full, "/") == 0)
    return vxn_make_error (err, 0, "linux.cgroupsPath `%s` names the root cgroup", path);
  for (const char *p = full + 1;; p++)
    {
      const char *e = strchrnul (p, '/');
      size_t n = (size_t)(e - p);
      if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
        return vxn_make_error (err, 0, "linux.cgroupsPath `%s`: empty, `.` or `..` components are not allowed", path);
      if (*e == '\0')
        break;
      p = e;
    }
  cg->manager = VXN_CGROUP_FS;
  cg->path = full;
  full = NULL;
  return 0;
}

int
vxn_cgroup_resolve (enum vxn_cgroup_request req, const char *cgroups_path, const char *id, const char *own_cgroup,
                    bool systemd_booted, struct vxn_cgroup *cg, vxn_error_t *err)
{
  memset (cg, 0, sizeof *cg);
  bool have = cgroups_path && *cgroups_path;
  switch (req)
    {
    case VXN_CGROUP_REQUEST_DISABLED:
      return 0;
    case VXN_CGROUP_REQUEST_SYSTEMD:
      if (!systemd_booted)
        return vxn_make_error (err, 0, "--systemd-cgroup: systemd is not running (it is not PID 1)");
      return resolve_systemd (cgroups_path, id, cg, err);
    case VXN_CGROUP_REQUEST_FS:
      return resolve_fs (cgroups_path, id, own_cgroup, cg, err);
    case VXN_CGROUP_REQUEST_AUTO:
      break;
    }
  if (have && is_systemd_form (cgroups_path))
    {
      if (!systemd_booted)
        return vxn_make_error (err, 0,
                               "linux.cgroupsPath `%s` is systemd's slice:prefix:name form, but systemd is not "
                               "running",
                               cgroups_path);
      return resolve_systemd (cgroups_path, id, cg, err);
    }
  if (have)
    return resolve_fs (cgroups_path, id, own_cgroup, cg, err);
  /* Nothing asked: a scope of our own where systemd runs the host, else the caller's cgroup. */
  return systemd_booted ? resolve_systemd (NULL, id, cg, err) : 0;
}

int
vxn_cgroup_own (char **out, vxn_error_t *err)
{
  cleanup_free char *s = NULL;
  if (vxn_read_file ("/proc/self/cgroup", 64 * 1024, &s, NULL, err) < 0)
    return -1;
  for (char *line = s; line && *line;)
    {
      char *nl = strchr (line, '\n');
      if (nl)
        *nl = '\0';
      if (strncmp (line, "0::", 3) == 0)
        {
          *out = xstrdup (line + 3);
          return 0;
        }
      line = nl ? nl + 1 : NULL;
    }
  return vxn_make_error (err, 0, "/proc/self/cgroup has no cgroup v2 entry (vxn needs the unified hierarchy)");
}

static int
write_string_at (int dirfd, const char *name, const char *s)
{
  int fd = openat (dirfd, name, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = write (fd, s, strlen (s));
  int saved = errno;
  close (fd);
  errno = saved;
  return n == (ssize_t)strlen (s) ? 0 : -1;
}

/* Best effort: a parent with processes of its own cannot delegate (EBUSY); stats then lack that controller. */
static void
enable_controllers (int dirfd)
{
  cleanup_free char *avail = NULL;
  vxn_error_t err = NULL;
  if (vxn_read_file_at (dirfd, "cgroup.controllers", 4096, &avail, NULL, &err) < 0)
    {
      vxn_error_release (&err);
      return;
    }
  for (size_t i = 0; i < ARRAY_SIZE (wanted_controllers); i++)
    {
      const char *c = wanted_controllers[i];
      size_t n = strlen (c);
      for (const char *p = strstr (avail, c); p; p = strstr (p + 1, c))
        if ((p == avail || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
          {
            char buf[32];
            snprintf (buf, sizeof buf, "+%s", c);
            (void)write_string_at (dirfd, "cgroup.subtree_control", buf);
            break;
          }
    }
}

static int
enter_fs (const char *path, vxn_error_t *err)
{
  struct statfs sfs;
  if (statfs (VXN_CGROUP_ROOT, &sfs) < 0 || sfs.f_type != CGROUP2_SUPER_MAGIC)
    return vxn_make_error (err, 0, "cgroup v2 is not mounted at %s (vxn supports the unified hierarchy only)",
                           VXN_CGROUP_ROOT);
  cleanup_close int dirfd = open (VXN_CGROUP_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return vxn_make_error (err, errno, "open %s", VXN_CGROUP_ROOT);
  cleanup_free char *copy = xstrdup (path);
  char *save = NULL;
  for (char *comp = strtok_r (copy, "/", &save); comp; comp = strtok_r (NULL, "/", &save))
    {
      enable_controllers (dirfd);
      if (mkdirat (dirfd, comp, 0755) < 0 && errno != EEXIST)
        return vxn_make_error (err, errno, "create the cgroup %s%s", VXN_CGROUP_ROOT, path);
      int next = openat (dirfd, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (next < 0)
        return vxn_make_error (err, errno, "open the cgroup %s%s", VXN_CGROUP_ROOT, path);
      close (dirfd);
      dirfd = next;
    }
  char pid[32];
  snprintf (pid, sizeof pid, "%d", (int)getpid ());
  if (write_string_at (dirfd, "cgroup.procs", pid) < 0)
    return vxn_make_error (err, errno, "move the monitor into the cgroup %s%s", VXN_CGROUP_ROOT, path);
  return 0;
}

int
vxn_cgroup_enter (const struct vxn_cgroup *cg, const char *description, vxn_error_t *err)
{
  switch (cg->manager)
    {
    case VXN_CGROUP_NONE:
      return 0;
    case VXN_CGROUP_FS:
      return enter_fs (cg->path, err);
    case VXN_CGROUP_SYSTEMD:
      return vxn_systemd_scope_start (cg->unit, cg->slice, getpid (), description, 30000, err);
    }
  return vxn_make_error (err, 0, "unknown cgroup manager");
}

static bool
populated (int dirfd)
{
  cleanup_free char *ev = NULL;
  vxn_error_t err = NULL;
  if (vxn_read_file_at (dirfd, "cgroup.events", 4096, &ev, NULL, &err) < 0)
    {
      vxn_error_release (&err);
      return false; /* gone */
    }
  return strstr (ev, "populated 1") != NULL;
}

int
vxn_cgroup_remove (const char *path, int timeout_ms, vxn_error_t *err)
{
  cleanup_free char *dir = xasprintf ("%s%s", VXN_CGROUP_ROOT, path);
  if (rmdir (dir) == 0 || errno == ENOENT)
    return 0;
  if (errno != EBUSY)
    return vxn_make_error (err, errno, "remove the cgroup %s", dir);
  /* Still populated (the watchdog or QEMU are on their way out): cgroup.events changes when the last one leaves. */
  cleanup_close int dirfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int ifd = inotify_init1 (IN_CLOEXEC);
  cleanup_free char *events = xasprintf ("%s/cgroup.events", dir);
  if (dirfd < 0 || ifd < 0 || inotify_add_watch (ifd, events, IN_MODIFY) < 0)
    return vxn_make_error (err, errno, "watch %s", events);
  uint64_t deadline = vxn_monotonic_ms () + (uint64_t)timeout_ms;
  while (populated (dirfd))
    {
      uint64_t now = vxn_monotonic_ms ();
      if (now >= deadline)
        return vxn_make_error (err, ETIMEDOUT, "the cgroup %s still has processes", dir);
      struct pollfd p = { .fd = ifd, .events = POLLIN };
      if (poll (&p, 1, (int)(deadline - now)) < 0 && errno != EINTR)
        return vxn_make_error (err, errno, "poll");
      char buf[4096];
      if (p.revents & POLLIN)
        (void)!read (ifd, buf, sizeof buf);
    }
  if (rmdir (dir) < 0 && errno != ENOENT)
    return vxn_make_error (err, errno, "remove the cgroup %s", dir);
  return 0;
}
