#include "config.h"

#include "userdb.h"
#include "safepath.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_DB_SIZE (4 * 1024 * 1024)

static char *
read_db (int rootfs_fd, const char *path)
{
  if (rootfs_fd < 0)
    return NULL;
  struct vxn_walker w;
  const char *leaf;
  vxn_error_t err = NULL;
  char *buf = NULL;
  vxn_walker_init (&w, rootfs_fd);
  int dirfd = vxn_walker_parent (&w, path, 0, &leaf, NULL, NULL, &err);
  if (dirfd >= 0)
    {
      int fd = openat (dirfd, leaf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0)
        {
          char name[32];
          snprintf (name, sizeof name, "/proc/self/fd/%d", fd);
          if (vxn_read_file (name, MAX_DB_SIZE, &buf, NULL, &err) < 0)
            buf = NULL;
          close (fd);
        }
    }
  vxn_error_release (&err);
  vxn_walker_release (&w);
  return buf;
}

/* Split LINE at ':' into at most MAX fields; returns the count. */
static int
fields (char *line, char **f, int max)
{
  int n = 0;
  f[n++] = line;
  for (char *p = line; *p && n < max; p++)
    if (*p == ':')
      {
        *p = '\0';
        f[n++] = p + 1;
      }
  return n;
}

static int
parse_id (const char *s, long *out)
{
  return vxn_parse_long (s, 0, 0x7fffffff, out);
}

void
vxn_exec_user_clear (struct vxn_exec_user *u)
{
  free (u->additional);
  free (u->home);
  memset (u, 0, sizeof *u);
}

int
vxn_exec_user_resolve (int rootfs_fd, const char *spec, struct vxn_exec_user *out, vxn_error_t *err)
{
  memset (out, 0, sizeof *out);
  cleanup_free char *copy = xstrdup (spec ? spec : "");
  char *group = strchr (copy, ':');
  if (group)
    *group++ = '\0';
  const char *user = *copy ? copy : "0";
  long id;
  int user_numeric = parse_id (user, &id) == 0;
  out->uid = user_numeric ? (uid_t)id : 0;
  cleanup_free char *user_name = NULL;
  int found = 0;

  cleanup_free char *passwd = read_db (rootfs_fd, "etc/passwd");
  char *save = NULL;
  for (char *line = passwd ? strtok_r (passwd, "\n", &save) : NULL; line && !found; line = strtok_r (NULL, "\n", &save))
    {
      char *f[7];
      long pu, pg;
      if (fields (line, f, 7) < 7 || parse_id (f[2], &pu) < 0 || parse_id (f[3], &pg) < 0)
        continue;
      if (user_numeric ? (uid_t)pu != out->uid : strcmp (f[0], user) != 0)
        continue;
      found = 1;
      out->uid = pu;
      out->gid = pg;
      out->home = xstrdup (f[5]);
      user_name = xstrdup (f[0]);
    }
  if (!found && !user_numeric)
    return vxn_make_error (err, 0, "unable to find user %s: no matching entries in passwd file", user);
  if (out->home == NULL || out->home[0] != '/')
    {
      free (out->home);
      out->home = xstrdup ("/");
    }

  cleanup_free char *groups = read_db (rootfs_fd, "etc/group");
  if (group && *group && parse_id (group, &id) == 0)
    out->gid = id;
  else if (group && *group)
    {
      int gfound = 0;
      cleanup_free char *g = groups ? xstrdup (groups) : NULL;
      for (char *line = g ? strtok_r (g, "\n", &save) : NULL; line && !gfound; line = strtok_r (NULL, "\n", &save))
        {
          char *f[4];
          long gid;
          if (fields (line, f, 4) >= 3 && strcmp (f[0], group) == 0 && parse_id (f[2], &gid) == 0)
            {
              out->gid = gid;
              gfound = 1;
            }
        }
      if (!gfound)
        {
          vxn_exec_user_clear (out);
          return vxn_make_error (err, 0, "unable to find group %s: no matching entries in group file", group);
        }
    }
  /* Supplementary groups: every group listing the user by name, as docker adds them. */
  for (char *line = groups && user_name ? strtok_r (groups, "\n", &save) : NULL; line;
       line = strtok_r (NULL, "\n", &save))
    {
      char *f[4];
      long gid;
      if (fields (line, f, 4) < 4 || parse_id (f[2], &gid) < 0 || (gid_t)gid == out->gid)
        continue;
      char *msave = NULL;
      for (char *m = strtok_r (f[3], ",", &msave); m; m = strtok_r (NULL, ",", &msave))
        if (strcmp (m, user_name) == 0)
          {
            out->additional = realloc (out->additional, sizeof (gid_t) * (out->n_additional + 1));
            if (out->additional == NULL)
              abort ();
            out->additional[out->n_additional++] = gid;
            break;
          }
    }
  return 0;
}
