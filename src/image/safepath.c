#include "config.h"

#include "safepath.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
vxn_safepath_clean (const char *name, char *out, size_t cap, vxn_error_t *err)
{
  const char *p = name;
  size_t n = 0;
  if (*p == '/')
    return vxn_make_error (err, 0, "absolute path `%s` refused", name);
  while (*p)
    {
      while (*p == '/')
        p++;
      if (*p == '\0')
        break;
      size_t len = strcspn (p, "/");
      if (len == 1 && p[0] == '.')
        {
          p += len;
          continue;
        }
      if (len == 2 && p[0] == '.' && p[1] == '.')
        return vxn_make_error (err, 0, "path `%s` with `..` refused", name);
      if (n + len + 2 > cap)
        return vxn_make_error (err, 0, "path `%.100s...` too long", name);
      if (n)
        out[n++] = '/';
      memcpy (out + n, p, len);
      n += len;
      p += len;
    }
  out[n] = '\0';
  return 0;
}

void
vxn_walker_init (struct vxn_walker *w, int root_fd)
{
  w->root_fd = root_fd;
  w->cached_path = NULL;
  w->cached_fd = -1;
}

void
vxn_walker_forget (struct vxn_walker *w)
{
  if (w->cached_fd >= 0)
    close (w->cached_fd);
  free (w->cached_path);
  w->cached_fd = -1;
  w->cached_path = NULL;
}

void
vxn_walker_invalidate (struct vxn_walker *w, const char *path)
{
  size_t n = strlen (path);
  if (w->cached_path && strncmp (w->cached_path, path, n) == 0
      && (w->cached_path[n] == '\0' || w->cached_path[n] == '/'))
    vxn_walker_forget (w);
}

void
vxn_walker_release (struct vxn_walker *w)
{
  vxn_walker_forget (w);
}

/* Why opening component NAME in DIRFD as a directory failed, as an error. */
static int
explain (int dirfd, const char *name, const char *path, int e, vxn_error_t *err)
{
  struct stat st;
  if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    {
      if (S_ISLNK (st.st_mode))
        return vxn_make_error (err, 0, "`%s`: refusing to write through the symlink `%s`", path, name);
      if (!S_ISDIR (st.st_mode))
        return vxn_make_error (err, 0, "`%s`: parent `%s` is not a directory", path, name);
    }
  return vxn_make_error (err, e, "`%s`: open parent `%s`", path, name);
}

int
vxn_walker_parent (struct vxn_walker *w, const char *path, int create, const char **leaf,
                   void (*created) (void *, const char *), void *data, vxn_error_t *err)
{
  const char *slash = strrchr (path, '/');
  if (slash == NULL)
    {
      *leaf = path;
      return w->root_fd;
    }
  *leaf = slash + 1;
  size_t plen = slash - path;
  if (w->cached_path && strlen (w->cached_path) == plen && memcmp (w->cached_path, path, plen) == 0)
    return w->cached_fd;

  vxn_walker_forget (w);
  cleanup_free char *parent = strndup (path, plen);
  int fd = -1; /* -1: the root, not ours to close */
  char *save = NULL;
  for (char *c = strtok_r (parent, "/", &save); c; c = strtok_r (NULL, "/", &save))
    {
      int dirfd = fd >= 0 ? fd : w->root_fd;
      int next = openat (dirfd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0 && errno == ENOENT && create)
        {
          /* Archives may omit parent directories; make them as tar does. */
          if (mkdirat (dirfd, c, 0755) < 0 && errno != EEXIST)
            {
              int ret = vxn_make_error (err, errno, "`%s`: mkdir `%s`", path, c);
              if (fd >= 0)
                close (fd);
              return ret;
            }
          if (created)
            {
              cleanup_free char *sofar = strndup (path, (c - parent) + strlen (c));
              created (data, sofar);
            }
          next = openat (dirfd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
      if (next < 0)
        {
          int ret = explain (dirfd, c, path, errno, err);
          if (fd >= 0)
            close (fd);
          return ret;
        }
      if (fd >= 0)
        close (fd);
      fd = next;
    }
  w->cached_fd = fd;
  w->cached_path = strndup (path, plen);
  return fd;
}
