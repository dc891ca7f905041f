#include "config.h"

#include "gc.h"
#include "manifest.h"
#include "refs.h"
#include "strset.h"
#include "utils.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Mark DIGEST and, when it is a manifest or index we hold, everything it references. */
static int
mark (struct vxn_store *s, struct vxn_strset *live, const char *digest, const char *media_type, int depth,
      vxn_error_t *err)
{
  if (!vxn_strset_add (live, digest) || depth > 2)
    return 0;
  if (!vxn_media_type_is_manifest (media_type) && !vxn_media_type_is_index (media_type))
    return 0;
  if (!vxn_store_has_blob (s, digest, -1))
    return 0; /* indexes refer to platforms we never pulled */
  cleanup_free char *buf = NULL;
  size_t len;
  struct vxn_manifest m;
  int ret = vxn_store_read_blob (s, digest, VXN_MAX_MANIFEST_SIZE, &buf, &len, err);
  if (ret < 0)
    return ret;
  ret = vxn_manifest_parse (buf, len, media_type, &m, err);
  if (ret < 0)
    return vxn_error_wrap (err, "manifest %s", digest);
  if (m.kind == VXN_MANIFEST_IMAGE)
    {
      vxn_strset_add (live, m.config.digest);
      for (size_t i = 0; i < m.n_layers; i++)
        vxn_strset_add (live, m.layers[i].digest);
    }
  for (size_t i = 0; i < m.n_manifests && ret == 0; i++)
    ret = mark (s, live, m.manifests[i].digest, m.manifests[i].media_type, depth + 1, err);
  vxn_manifest_clear (&m);
  return ret;
}

/* Remove every entry of DIRFD (a flat directory) for which KEEP says no. */
static int
sweep (int dirfd, struct vxn_strset *live, uint64_t *removed, uint64_t *freed, vxn_error_t *err)
{
  int fd = dup (dirfd);
  if (fd < 0)
    return vxn_make_error (err, errno, "dup");
  DIR *d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return vxn_make_error (err, errno, "opendir");
    }
  rewinddir (d);
  struct dirent *de;
  int ret = 0;
  while ((de = readdir (d)) != NULL && ret == 0)
    {
      if (de->d_name[0] == '.')
        continue;
      if (live)
        {
          cleanup_free char *digest = xasprintf ("sha256:%s", de->d_name);
          if (vxn_strset_has (live, digest))
            continue;
        }
      struct stat st;
      if (fstatat (dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && removed && freed)
        {
          (*removed)++;
          *freed += st.st_size;
        }
      ret = vxn_rm_rf_at (dirfd, de->d_name, err);
    }
  closedir (d);
  return ret;
}

int
vxn_store_gc (struct vxn_store *s, uint64_t *removed, uint64_t *freed, vxn_error_t *err)
{
  int ret = vxn_store_lock (s, 1, err);
  if (ret < 0)
    return ret;
  *removed = *freed = 0;
  struct vxn_store_ref *refs;
  size_t n;
  ret = vxn_refs_list (s, &refs, &n, err);
  if (ret < 0)
    return ret;
  struct vxn_strset *live = vxn_strset_new ();
  for (size_t i = 0; i < n && ret == 0; i++)
    {
      ret = mark (s, live, refs[i].desc.digest, refs[i].desc.media_type, 0, err);
      if (ret == 0 && refs[i].repo_digest[0])
        vxn_strset_add (live, refs[i].repo_digest);
    }
  vxn_refs_free (refs, n);
  /* With the exclusive lock held no pull or load is running: partial files and per-digest locks are orphans. */
  if (ret == 0)
    ret = sweep (s->blobs_fd, live, removed, freed, err);
  if (ret == 0)
    ret = sweep (s->ingest_fd, NULL, NULL, NULL, err);
  if (ret == 0)
    ret = sweep (s->locks_fd, NULL, NULL, NULL, err);
  vxn_strset_free (live);
  /* Back to shared: the caller may still read. */
  if (ret == 0)
    ret = vxn_store_lock (s, 0, err);
  return ret < 0 ? vxn_error_wrap (err, "garbage collection") : 0;
}

void
vxn_store_discard_garbage (struct vxn_store *s)
{
  vxn_error_t err = NULL;
  uint64_t removed, freed;
  /* Upgrade to exclusive only if nobody else holds the gc lock: never wait behind another pull. */
  if (s->gc_lock_fd >= 0 && flock (s->gc_lock_fd, LOCK_EX | LOCK_NB) < 0)
    return;
  if (vxn_store_gc (s, &removed, &freed, &err) < 0)
    vxn_error_release (&err);
}
