#include "config.h"

#include "store.h"
#include "lock.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct vxn_ingest
{
  struct vxn_store *s;
  char expect[VXN_DIGEST_SIZE]; /* "" when unknown */
  int64_t expect_size;
  char tmpname[96];
  int fd;
  int lock_fd;
  vxn_sha256_t *h;
  uint64_t written;
};

static int
open_dir_at (int dirfd, const char *name, vxn_error_t *err)
{
  if (mkdirat (dirfd, name, 0700) < 0 && errno != EEXIST)
    return vxn_make_error (err, errno, "mkdir `%s`", name);
  int fd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return vxn_make_error (err, errno, "open `%s`", name);
  return fd;
}

int
vxn_store_open (const char *root, struct vxn_store **out, vxn_error_t *err)
{
  struct vxn_store *s = xzalloc (sizeof *s);
  s->dirfd = s->blobs_fd = s->ingest_fd = s->locks_fd = s->gc_lock_fd = -1;
  s->path = xasprintf ("%s/images", root);
  int ret = vxn_mkdir_p (s->path, 0700, err);
  if (ret < 0)
    goto fail;
  s->dirfd = open (s->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (s->dirfd < 0)
    {
      ret = vxn_make_error (err, errno, "open `%s`", s->path);
      goto fail;
    }
  cleanup_close int blobs = open_dir_at (s->dirfd, "blobs", err);
  if (blobs < 0)
    {
      ret = blobs;
      goto fail;
    }
  if ((s->blobs_fd = ret = open_dir_at (blobs, "sha256", err)) < 0
      || (s->ingest_fd = ret = open_dir_at (s->dirfd, "ingest", err)) < 0
      || (s->locks_fd = ret = open_dir_at (s->dirfd, "locks", err)) < 0)
    goto fail;
  /* The layout marker makes the store readable by other OCI tools (skopeo oci:, umoci). */
  if (faccessat (s->dirfd, "oci-layout", F_OK, AT_SYMLINK_NOFOLLOW) < 0)
    {
      /* Several vxn processes may create the store at once: each writes its own temporary file. */
      static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
      char tmp[64];
      snprintf (tmp, sizeof tmp, "oci-layout.tmp-%d", (int)getpid ());
      ret = vxn_write_file_atomic_at (s->dirfd, tmp, layout, sizeof layout - 1, 0644, err);
      if (ret == 0 && renameat (s->dirfd, tmp, s->dirfd, "oci-layout") < 0)
        ret = vxn_make_error (err, errno, "rename `%s`", tmp);
      if (ret < 0)
        {
          unlinkat (s->dirfd, tmp, 0);
          goto fail;
        }
    }
  *out = s;
  return 0;
fail:
  vxn_error_wrap (err, "open image store `%s`", s->path);
  vxn_store_close (s);
  return ret;
}

void
vxn_store_close (struct vxn_store *s)
{
  if (s == NULL)
    return;
  int fds[] = { s->dirfd, s->blobs_fd, s->ingest_fd, s->locks_fd, s->gc_lock_fd };
  for (size_t i = 0; i < ARRAY_SIZE (fds); i++)
    if (fds[i] >= 0)
      close (fds[i]);
  free (s->path);
  free (s);
}

int
vxn_store_lock (struct vxn_store *s, int exclusive, vxn_error_t *err)
{
  if (s->gc_lock_fd >= 0)
    {
      /* Convert the lock we hold (flock replaces it). */
      while (flock (s->gc_lock_fd, exclusive ? LOCK_EX : LOCK_SH) < 0)
        if (errno != EINTR)
          return vxn_make_error (err, errno, "lock `%s/gc.lock`", s->path);
      return 0;
    }
  int fd = vxn_lock_at (s->dirfd, "gc.lock", exclusive, err);
  if (fd < 0)
    return fd;
  s->gc_lock_fd = fd;
  return 0;
}

int
vxn_store_has_blob (struct vxn_store *s, const char *digest, int64_t size)
{
  struct stat st;
  if (!vxn_digest_valid (digest) || fstatat (s->blobs_fd, vxn_digest_hex (digest), &st, AT_SYMLINK_NOFOLLOW) < 0)
    return 0;
  return S_ISREG (st.st_mode) && (size < 0 || st.st_size == size);
}

int
vxn_store_open_blob (struct vxn_store *s, const char *digest, vxn_error_t *err)
{
  if (!vxn_digest_valid (digest))
    return vxn_make_error (err, 0, "invalid digest `%s`", digest);
  int fd = openat (s->blobs_fd, vxn_digest_hex (digest), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return vxn_make_error (err, errno, "blob %s", digest);
  return fd;
}

int
vxn_store_read_blob (struct vxn_store *s, const char *digest, size_t max, char **out, size_t *len, vxn_error_t *err)
{
  char actual[VXN_DIGEST_SIZE];
  if (!vxn_digest_valid (digest))
    return vxn_make_error (err, 0, "invalid digest `%s`", digest);
  size_t n;
  int ret = vxn_read_file_at (s->blobs_fd, vxn_digest_hex (digest), max, out, &n, err);
  if (ret < 0)
    return vxn_error_wrap (err, "blob %s", digest);
  vxn_digest_buffer (*out, n, actual);
  if (strcmp (actual, digest) != 0)
    {
      free (*out);
      *out = NULL;
      return vxn_make_error (err, 0, "blob %s is damaged in the store (content has digest %s)", digest, actual);
    }
  if (len)
    *len = n;
  return 0;
}

int
vxn_store_put_blob (struct vxn_store *s, const void *data, size_t len, char out[VXN_DIGEST_SIZE], vxn_error_t *err)
{
  char digest[VXN_DIGEST_SIZE];
  struct vxn_ingest *in = NULL;
  int present = 0;
  vxn_digest_buffer (data, len, digest);
  int ret = vxn_ingest_begin (s, digest, len, &in, &present, err);
  if (ret < 0)
    return ret;
  if (!present)
    {
      ret = vxn_ingest_write (in, data, len, err);
      if (ret < 0)
        {
          vxn_ingest_abort (in);
          return ret;
        }
      ret = vxn_ingest_commit (in, NULL, err);
      if (ret < 0)
        return ret;
    }
  if (out)
    strcpy (out, digest);
  return 0;
}

static void
ingest_free (struct vxn_ingest *in)
{
  if (in->fd >= 0)
    close (in->fd);
  if (in->lock_fd >= 0)
    close (in->lock_fd);
  vxn_sha256_free (in->h);
  free (in);
}

int
vxn_ingest_begin (struct vxn_store *s, const char *expect_digest, int64_t expect_size, struct vxn_ingest **out,
                  int *present, vxn_error_t *err)
{
  static atomic_uint counter;
  if (expect_digest && !vxn_digest_valid (expect_digest))
    return vxn_make_error (err, 0, "invalid digest `%s`", expect_digest);
  if (expect_size > VXN_MAX_BLOB_SIZE)
    return vxn_make_error (err, 0, "blob size %lld is out of range", (long long)expect_size);
  struct vxn_ingest *in = xzalloc (sizeof *in);
  in->s = s;
  in->fd = in->lock_fd = -1;
  in->expect_size = expect_size;
  if (present)
    *present = 0;
  if (expect_digest)
    {
      const char *hex = vxn_digest_hex (expect_digest);
      strcpy (in->expect, expect_digest);
      /* Whoever holds this lock owns <hex>.partial: a file left by a killed pull is simply truncated and redone. */
      in->lock_fd = vxn_lock_at (s->locks_fd, hex, 1, err);
      if (in->lock_fd < 0)
        {
          int ret = in->lock_fd;
          in->lock_fd = -1;
          ingest_free (in);
          return ret;
        }
      if (vxn_store_has_blob (s, expect_digest, expect_size))
        {
          ingest_free (in);
          *out = NULL;
          if (present)
            *present = 1;
          return 0;
        }
      snprintf (in->tmpname, sizeof in->tmpname, "%s.partial", hex);
    }
  else
    snprintf (in->tmpname, sizeof in->tmpname, "tmp-%d-%u", (int)getpid (), atomic_fetch_add (&counter, 1));
  in->fd = openat (s->ingest_fd, in->tmpname, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (in->fd < 0)
    {
      int ret = vxn_make_error (err, errno, "create `ingest/%s`", in->tmpname);
      ingest_free (in);
      return ret;
    }
  in->h = vxn_sha256_new ();
  *out = in;
  return 0;
}

int
vxn_ingest_write (struct vxn_ingest *in, const void *data, size_t len, vxn_error_t *err)
{
  if (in->expect_size >= 0 && in->written + len > (uint64_t)in->expect_size)
    return vxn_make_error (err, 0, "blob %s: more data than the %lld bytes declared", in->expect[0] ? in->expect : "",
                           (long long)in->expect_size);
  if (in->written + len > (uint64_t)VXN_MAX_BLOB_SIZE)
    return vxn_make_error (err, 0, "blob larger than %lld bytes", (long long)VXN_MAX_BLOB_SIZE);
  vxn_sha256_update (in->h, data, len);
  if (vxn_write_all (in->fd, data, len) < 0)
    return vxn_make_error (err, errno, "write `ingest/%s`", in->tmpname);
  in->written += len;
  return 0;
}

uint64_t
vxn_ingest_written (const struct vxn_ingest *in)
{
  return in->written;
}

int
vxn_ingest_commit (struct vxn_ingest *in, char out[VXN_DIGEST_SIZE], vxn_error_t *err)
{
  char actual[VXN_DIGEST_SIZE];
  int ret = 0;
  vxn_sha256_final (in->h, actual);
  if (in->expect_size >= 0 && in->written != (uint64_t)in->expect_size)
    ret = vxn_make_error (err, 0, "blob %s: got %llu bytes, expected %lld", in->expect[0] ? in->expect : actual,
                          (unsigned long long)in->written, (long long)in->expect_size);
  else if (in->expect[0] && strcmp (actual, in->expect) != 0)
    ret = vxn_make_error (err, 0, "digest mismatch: expected %s, got %s", in->expect, actual);
  else if (fsync (in->fd) < 0)
    ret = vxn_make_error (err, errno, "fsync `ingest/%s`", in->tmpname);
  else if (renameat (in->s->ingest_fd, in->tmpname, in->s->blobs_fd, vxn_digest_hex (actual)) < 0)
    ret = vxn_make_error (err, errno, "store blob %s", actual);
  if (ret < 0)
    {
      unlinkat (in->s->ingest_fd, in->tmpname, 0);
      ingest_free (in);
      return ret;
    }
  fsync (in->s->blobs_fd);
  if (out)
    strcpy (out, actual);
  ingest_free (in);
  return 0;
}

void
vxn_ingest_abort (struct vxn_ingest *in)
{
  if (in == NULL)
    return;
  unlinkat (in->s->ingest_fd, in->tmpname, 0);
  ingest_free (in);
}
