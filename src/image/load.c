#include "config.h"

#include "load.h"
#include "load-internal.h"
#include "gc.h"
#include "ref.h"
#include "refs.h"
#include "safepath.h"
#include "strv.h"
#include "unpack.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SYMLINK_HOPS 8

/* Join DIR and a relative TARGET lexically, ".." allowed but never above the root. */
static int
join_within (const char *dir, const char *target, char *out, size_t cap)
{
  cleanup_free char *all = *dir ? xasprintf ("%s/%s", dir, target) : xstrdup (target);
  size_t n = 0;
  char *save = NULL;
  for (char *c = strtok_r (all, "/", &save); c; c = strtok_r (NULL, "/", &save))
    {
      if (strcmp (c, ".") == 0)
        continue;
      if (strcmp (c, "..") == 0)
        {
          if (n == 0)
            return -1;
          while (n > 0 && out[n - 1] != '/')
            n--;
          if (n > 0)
            n--;
          continue;
        }
      if (n + strlen (c) + 2 > cap)
        return -1;
      if (n)
        out[n++] = '/';
      memcpy (out + n, c, strlen (c));
      n += strlen (c);
    }
  out[n] = '\0';
  return 0;
}

int
vxn_load_open (struct vxn_load_ctx *c, const char *path, vxn_error_t *err)
{
  char cur[PATH_MAX];
  int ret = vxn_safepath_clean (path, cur, sizeof cur, err);
  if (ret < 0)
    return ret;
  for (int hop = 0; hop <= MAX_SYMLINK_HOPS; hop++)
    {
      struct vxn_walker w;
      const char *leaf;
      vxn_walker_init (&w, c->root_fd);
      int dirfd = vxn_walker_parent (&w, cur, 0, &leaf, NULL, NULL, err);
      if (dirfd < 0)
        {
          vxn_walker_release (&w);
          return dirfd;
        }
      int fd = openat (dirfd, leaf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0 || errno != ELOOP)
        {
          int e = errno;
          vxn_walker_release (&w);
          return fd >= 0 ? fd : vxn_make_error (err, e, "`%s`", path);
        }
      char target[PATH_MAX];
      ssize_t n = readlinkat (dirfd, leaf, target, sizeof target - 1);
      vxn_walker_release (&w);
      if (n < 0)
        return vxn_make_error (err, errno, "readlink `%s`", cur);
      target[n] = '\0';
      cleanup_free char *dir = xstrdup (cur);
      char *slash = strrchr (dir, '/');
      *(slash ? slash : dir) = '\0';
      if (target[0] == '/' || join_within (dir, target, cur, sizeof cur) < 0)
        return vxn_make_error (err, 0, "`%s`: symlink leads outside the archive", path);
    }
  return vxn_make_error (err, ELOOP, "`%s`", path);
}

int
vxn_load_exists (struct vxn_load_ctx *c, const char *path)
{
  vxn_error_t e = NULL;
  int fd = vxn_load_open (c, path, &e);
  vxn_error_release (&e);
  if (fd < 0)
    return 0;
  close (fd);
  return 1;
}

int
vxn_load_read (struct vxn_load_ctx *c, const char *path, size_t max, char **buf, size_t *len, vxn_error_t *err)
{
  cleanup_close int fd = vxn_load_open (c, path, err);
  if (fd < 0)
    return fd;
  char name[32];
  snprintf (name, sizeof name, "/proc/self/fd/%d", fd);
  int ret = vxn_read_file (name, max, buf, len, err);
  return ret < 0 ? vxn_error_wrap (err, "`%s`", path) : 0;
}

static int
copy_into (struct vxn_load_ctx *c, int fd, const char *path, const char *digest, int64_t size,
           struct vxn_descriptor *out, vxn_error_t *err)
{
  struct vxn_ingest *in;
  int present = 0;
  int ret = vxn_ingest_begin (c->s, digest, size, &in, &present, err);
  if (ret < 0 || present)
    return ret;
  char buf[128 * 1024];
  for (;;)
    {
      ssize_t r = read (fd, buf, sizeof buf);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          ret = vxn_make_error (err, errno, "read `%s`", path);
          break;
        }
      if (r == 0)
        break;
      ret = vxn_ingest_write (in, buf, r, err);
      if (ret < 0)
        break;
    }
  if (ret < 0)
    {
      vxn_ingest_abort (in);
      return ret;
    }
  if (out)
    out->size = vxn_ingest_written (in);
  return vxn_ingest_commit (in, out ? out->digest : NULL, err);
}

int
vxn_load_copy_blob (struct vxn_load_ctx *c, const char *path, const struct vxn_descriptor *desc, vxn_error_t *err)
{
  if (vxn_store_has_blob (c->s, desc->digest, desc->size))
    return 0;
  cleanup_close int fd = vxn_load_open (c, path, err);
  if (fd < 0)
    return fd;
  int ret = copy_into (c, fd, path, desc->digest, desc->size, NULL, err);
  return ret < 0 ? vxn_error_wrap (err, "`%s`", path) : 0;
}

int
vxn_load_ingest (struct vxn_load_ctx *c, const char *path, struct vxn_descriptor *desc, vxn_error_t *err)
{
  cleanup_close int fd = vxn_load_open (c, path, err);
  if (fd < 0)
    return fd;
  int ret = copy_into (c, fd, path, NULL, -1, desc, err);
  return ret < 0 ? vxn_error_wrap (err, "`%s`", path) : 0;
}

int
vxn_load_name (struct vxn_load_ctx *c, const char *name, const struct vxn_descriptor *desc, const char *repo_digest,
               vxn_error_t *err)
{
  struct vxn_ref ref;
  int ret = vxn_ref_parse (name, &ref, err);
  if (ret < 0)
    return ret;
  cleanup_free char *key = vxn_ref_key (&ref);
  vxn_ref_clear (&ref);
  ret = vxn_refs_set (c->s, key, desc, repo_digest, err);
  if (ret < 0)
    return ret;
  vxn_progress_message (c->p, "Loaded image: %s", key);
  c->names = vxn_strv_append (c->names, key);
  return 0;
}

/* An archive is unpacked (safely: it is untrusted like any layer) into a directory under ingest/, which gc removes
   should we be interrupted. */
static int
stage_archive (struct vxn_store *s, const char *path, char **staging, vxn_error_t *err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return vxn_make_error (err, errno, "open `%s`", path);
  cleanup_free char *dir = xasprintf ("%s/ingest/load-XXXXXX", s->path);
  if (mkdtemp (dir) == NULL)
    return vxn_make_error (err, errno, "mkdtemp `%s`", dir);
  struct vxn_unpacker *u;
  struct vxn_unpack_opts o = { .allow_devices = 0, .no_chown = 1 };
  int ret = vxn_unpacker_new (dir, &o, &u, err);
  if (ret == 0)
    {
      ret = vxn_unpacker_layer (u, fd, path, err);
      if (ret == 0)
        ret = vxn_unpacker_finish (u, err);
      vxn_unpacker_free (u);
    }
  if (ret < 0)
    {
      vxn_error_t e = NULL;
      if (vxn_rm_rf_at (AT_FDCWD, dir, &e) < 0)
        vxn_error_release (&e);
      return vxn_error_wrap (err, "read archive");
    }
  *staging = dir;
  dir = NULL;
  return 0;
}

int
vxn_load (struct vxn_store *s, const char *path, const char *name, const struct vxn_platform *platform,
          struct vxn_progress *p, char ***names, vxn_error_t *err)
{
  struct stat st;
  cleanup_free char *staging = NULL;
  struct vxn_load_ctx c = { s, -1, name, platform, p, xzalloc (sizeof (char *)) };
  int ret = vxn_store_lock (s, 0, err);
  if (ret < 0)
    goto out;
  if (stat (path, &st) < 0)
    {
      ret = vxn_make_error (err, errno, "`%s`", path);
      goto out;
    }
  const char *dir = path;
  if (!S_ISDIR (st.st_mode))
    {
      vxn_progress_message (p, "Reading %s", path);
      ret = stage_archive (s, path, &staging, err);
      if (ret < 0)
        goto out;
      dir = staging;
    }
  c.root_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (c.root_fd < 0)
    {
      ret = vxn_make_error (err, errno, "open `%s`", dir);
      goto out;
    }
  /* docker save writes manifest.json (with the names), newer versions an OCI layout beside it. */
  if (vxn_load_exists (&c, "manifest.json"))
    ret = vxn_load_docker (&c, err);
  else if (vxn_load_exists (&c, "index.json"))
    ret = vxn_load_oci (&c, err);
  else
    ret = vxn_make_error (err, 0, "neither a docker-save archive (manifest.json) nor an OCI layout (index.json)");
out:
  if (c.root_fd >= 0)
    close (c.root_fd);
  if (staging)
    {
      vxn_error_t e = NULL;
      if (vxn_rm_rf_at (AT_FDCWD, staging, &e) < 0)
        vxn_error_release (&e);
    }
  if (ret < 0)
    {
      vxn_strv_free (c.names);
      vxn_store_discard_garbage (s);
      return vxn_error_wrap (err, "load `%s`", path);
    }
  *names = c.names;
  return 0;
}
