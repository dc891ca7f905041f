#include "config.h"

#include "unpack.h"
#include "safepath.h"
#include "strset.h"
#include "utils.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_OPAQUE ".wh..wh..opq"

struct dir_meta
{
  char *path;
  mode_t mode;
  uid_t uid;
  gid_t gid;
  struct timespec mtime;
};

struct vxn_unpacker
{
  int root_fd;
  struct vxn_walker walker;
  struct vxn_strset *layer_paths; /* written by the current layer: whiteouts spare them */
  struct dir_meta *dirs;          /* deferred directory metadata, in order seen */
  size_t n_dirs;
  int chown;
  int allow_devices;
  int warned_xattr;
  void (*progress) (void *, uint64_t);
  void *progress_data;
};

void
vxn_unpacker_set_progress (struct vxn_unpacker *u, void (*fn) (void *data, uint64_t done), void *data)
{
  u->progress = fn;
  u->progress_data = data;
}

int
vxn_unpacker_new (const char *rootfs, const struct vxn_unpack_opts *o, struct vxn_unpacker **out, vxn_error_t *err)
{
  int fd = open (rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return vxn_make_error (err, errno, "open rootfs `%s`", rootfs);
  struct vxn_unpacker *u = xzalloc (sizeof *u);
  u->root_fd = fd;
  vxn_walker_init (&u->walker, fd);
  u->layer_paths = vxn_strset_new ();
  /* Without root we cannot give files away: keep our ids, as rootless tools do. */
  u->chown = geteuid () == 0 && !(o && o->no_chown);
  u->allow_devices = o && o->allow_devices;
  *out = u;
  return 0;
}

void
vxn_unpacker_free (struct vxn_unpacker *u)
{
  if (u == NULL)
    return;
  vxn_walker_release (&u->walker);
  vxn_strset_free (u->layer_paths);
  for (size_t i = 0; i < u->n_dirs; i++)
    free (u->dirs[i].path);
  free (u->dirs);
  close (u->root_fd);
  free (u);
}

static void
note_created (void *data, const char *path)
{
  struct vxn_unpacker *u = data;
  vxn_strset_add (u->layer_paths, path);
}

/* Remove NAME in DIRFD (a whole tree for a directory; PATH is its full name) without following symlinks. */
static int
remove_entry (struct vxn_unpacker *u, int dirfd, const char *name, const char *path, vxn_error_t *err)
{
  struct stat st;
  if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT ? 0 : vxn_make_error (err, errno, "stat `%s`", name);
  if (S_ISDIR (st.st_mode))
    {
      vxn_walker_invalidate (&u->walker, path); /* the cached parent may be inside */
      /* vxn_rm_rf_at needs to descend: make sure a read-only directory from an earlier layer can be emptied. */
      fchmodat (dirfd, name, 0700, 0);
    }
  return vxn_rm_rf_at (dirfd, name, err);
}

/* Opaque directory PATH (fd DIRFD): remove what lower layers put there, keep what this layer wrote. */
static int
make_opaque (struct vxn_unpacker *u, int parent_fd, const char *path, vxn_error_t *err)
{
  int fd = openat (parent_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return vxn_make_error (err, errno, "open `%s`", path);
  DIR *d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return vxn_make_error (err, errno, "opendir `%s`", path);
    }
  int ret = 0;
  struct dirent *de;
  struct stat st;
  while (ret == 0 && (de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      cleanup_free char *child = *path ? xasprintf ("%s/%s", path, de->d_name) : xstrdup (de->d_name);
      if (!vxn_strset_has (u->layer_paths, child))
        ret = remove_entry (u, dirfd (d), de->d_name, child, err);
      else if (fstatat (dirfd (d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR (st.st_mode))
        {
          /* Written by this layer, but lower layers' contents below it are hidden as well. */
          int sub = openat (dirfd (d), de->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (sub < 0)
            ret = vxn_make_error (err, errno, "open `%s`", child);
          else
            {
              ret = make_opaque (u, sub, child, err);
              close (sub);
            }
        }
    }
  closedir (d);
  return ret;
}

static int
whiteout (struct vxn_unpacker *u, const char *path, int dirfd, const char *leaf, vxn_error_t *err)
{
  size_t dirlen = leaf - path;
  cleanup_free char *dir = strndup (path, dirlen ? dirlen - 1 : 0);
  if (strcmp (leaf, WHITEOUT_OPAQUE) == 0)
    return make_opaque (u, dirfd, dir, err);
  if (strncmp (leaf, WHITEOUT_PREFIX WHITEOUT_PREFIX, 8) == 0)
    return 0; /* other aufs metadata (.wh..wh.plnk...): nothing to apply */
  const char *victim = leaf + strlen (WHITEOUT_PREFIX);
  if (*victim == '\0' || strcmp (victim, ".") == 0 || strcmp (victim, "..") == 0)
    return vxn_make_error (err, 0, "invalid whiteout `%s`", path);
  cleanup_free char *vpath = *dir ? xasprintf ("%s/%s", dir, victim) : xstrdup (victim);
  if (vxn_strset_has (u->layer_paths, vpath))
    return 0; /* a whiteout hides lower layers only */
  return remove_entry (u, dirfd, victim, vpath, err);
}

static int
apply_xattrs (struct vxn_unpacker *u, struct archive_entry *e, int fd, int dirfd, const char *leaf, const char *path,
              vxn_error_t *err)
{
  const char *name;
  const void *value;
  size_t size;
  archive_entry_xattr_reset (e);
  while (archive_entry_xattr_next (e, &name, &value, &size) == ARCHIVE_OK)
    {
      if (!u->chown && strncmp (name, "user.", 5) != 0)
        continue; /* only root may set trusted./security. attributes */
      int r;
      if (fd >= 0)
        r = fsetxattr (fd, name, value, size, 0);
      else
        {
          /* Symlinks: lsetxattr acts on the link itself; the /proc path names it relative to its parent. */
          char p[64 + NAME_MAX];
          snprintf (p, sizeof p, "/proc/self/fd/%d/%s", dirfd, leaf);
          r = lsetxattr (p, name, value, size, 0);
        }
      if (r < 0)
        {
          if (errno == ENOTSUP || errno == EPERM)
            {
              if (!u->warned_xattr++)
                vxn_warning ("extended attributes not kept (`%s` on `%s`): %s", name, path, strerror (errno));
              continue;
            }
          return vxn_make_error (err, errno, "`%s`: set xattr `%s`", path, name);
        }
    }
  return 0;
}

static int
write_data (struct archive *a, int fd, const char *path, vxn_error_t *err)
{
  const void *buf;
  size_t size;
  la_int64_t offset, end = 0;
  for (;;)
    {
      int r = archive_read_data_block (a, &buf, &size, &offset);
      if (r == ARCHIVE_EOF)
        break;
      if (r < ARCHIVE_WARN)
        return vxn_make_error (err, 0, "`%s`: %s", path, archive_error_string (a));
      if (offset != end && lseek (fd, offset, SEEK_SET) < 0) /* sparse files keep their holes */
        return vxn_make_error (err, errno, "`%s`: seek", path);
      if (vxn_write_all (fd, buf, size) < 0)
        return vxn_make_error (err, errno, "`%s`: write", path);
      end = offset + size;
    }
  return 0;
}

static void
defer_dir (struct vxn_unpacker *u, const char *path, struct archive_entry *e)
{
  u->dirs = realloc (u->dirs, sizeof *u->dirs * (u->n_dirs + 1));
  if (u->dirs == NULL)
    abort ();
  struct dir_meta *m = &u->dirs[u->n_dirs++];
  m->path = xstrdup (path);
  m->mode = archive_entry_mode (e) & 07777;
  m->uid = archive_entry_uid (e);
  m->gid = archive_entry_gid (e);
  m->mtime.tv_sec = archive_entry_mtime (e);
  m->mtime.tv_nsec = archive_entry_mtime_nsec (e);
}

static int
entry_name (struct archive_entry *e, const char *(*plain) (struct archive_entry *),
            const char *(*utf8) (struct archive_entry *), const char **out)
{
  /* Names that do not convert to the locale's charset are still bytes we can use. */
  *out = plain (e);
  if (*out == NULL)
    *out = utf8 (e);
  return *out ? 0 : -1;
}

static int
do_entry (struct vxn_unpacker *u, struct archive *a, struct archive_entry *e, vxn_error_t *err)
{
  const char *raw;
  char path[PATH_MAX];
  if (entry_name (e, archive_entry_pathname, archive_entry_pathname_utf8, &raw) < 0)
    return vxn_make_error (err, 0, "entry without a name");
  int ret = vxn_safepath_clean (raw, path, sizeof path, err);
  if (ret < 0)
    return ret;
  if (path[0] == '\0')
    return 0; /* the root itself: the rootfs directory keeps its own mode */
  const char *leaf;
  int whiteout_entry = strncmp (strrchr (path, '/') ? strrchr (path, '/') + 1 : path, WHITEOUT_PREFIX, 4) == 0;
  int dirfd = vxn_walker_parent (&u->walker, path, !whiteout_entry, &leaf, note_created, u, err);
  if (dirfd < 0 && whiteout_entry && (*err)->errno_value == ENOENT)
    {
      /* Hiding something below a directory no lower layer has: nothing to do. */
      vxn_error_release (err);
      return 0;
    }
  if (dirfd < 0)
    return dirfd;
  if (whiteout_entry)
    return whiteout (u, path, dirfd, leaf, err);

  mode_t type = archive_entry_filetype (e);
  mode_t mode = archive_entry_mode (e) & 07777;
  uid_t uid = archive_entry_uid (e);
  gid_t gid = archive_entry_gid (e);
  struct timespec times[2] = { { archive_entry_mtime (e), archive_entry_mtime_nsec (e) },
                               { archive_entry_mtime (e), archive_entry_mtime_nsec (e) } };
  const char *hardlink;
  struct stat st;
  int exists = fstatat (dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0;

  if (entry_name (e, archive_entry_hardlink, archive_entry_hardlink_utf8, &hardlink) == 0)
    {
      char target[PATH_MAX];
      const char *tleaf;
      ret = vxn_safepath_clean (hardlink, target, sizeof target, err);
      if (ret < 0)
        return vxn_error_wrap (err, "hardlink `%s`", path);
      if (strcmp (target, path) == 0)
        return 0;
      /* Resolve the target with a walker of its own: the shared one caches our parent. */
      struct vxn_walker tw;
      vxn_walker_init (&tw, u->root_fd);
      int tdir = vxn_walker_parent (&tw, target, 0, &tleaf, NULL, NULL, err);
      struct stat tst;
      if (tdir < 0)
        ret = vxn_error_wrap (err, "hardlink `%s`", path);
      else if (fstatat (tdir, tleaf, &tst, AT_SYMLINK_NOFOLLOW) < 0)
        ret = vxn_make_error (err, errno, "hardlink `%s` to `%s`", path, target);
      else if (S_ISDIR (tst.st_mode))
        ret = vxn_make_error (err, 0, "hardlink `%s` to directory `%s` refused", path, target);
      else if (!(exists && st.st_ino == tst.st_ino && st.st_dev == tst.st_dev))
        {
          if (exists)
            ret = remove_entry (u, dirfd, leaf, path, err);
          /* Flags 0: a symlink target is linked as the link itself, never followed. */
          if (ret == 0 && linkat (tdir, tleaf, dirfd, leaf, 0) < 0)
            ret = vxn_make_error (err, errno, "hardlink `%s` to `%s`", path, target);
        }
      vxn_walker_release (&tw);
      if (ret == 0)
        vxn_strset_add (u->layer_paths, path);
      return ret;
    }

  if (type == AE_IFDIR)
    {
      if (exists && !S_ISDIR (st.st_mode))
        {
          ret = remove_entry (u, dirfd, leaf, path, err);
          exists = 0;
        }
      /* 0700 until finish: a read-only directory must still take the entries that follow. */
      if (ret == 0 && !exists && mkdirat (dirfd, leaf, 0700) < 0)
        ret = vxn_make_error (err, errno, "mkdir `%s`", path);
      if (ret == 0 && archive_entry_xattr_count (e) > 0)
        {
          cleanup_close int fd = openat (dirfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          ret = fd < 0 ? vxn_make_error (err, errno, "open `%s`", path)
                       : apply_xattrs (u, e, fd, dirfd, leaf, path, err);
        }
      if (ret == 0)
        {
          defer_dir (u, path, e);
          vxn_strset_add (u->layer_paths, path);
        }
      return ret;
    }

  if (exists)
    {
      ret = remove_entry (u, dirfd, leaf, path, err);
      if (ret < 0)
        return ret;
    }
  switch (type)
    {
    case AE_IFREG:
      {
        cleanup_close int fd = openat (dirfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
          return vxn_make_error (err, errno, "create `%s`", path);
        ret = write_data (a, fd, path, err);
        if (ret == 0 && ftruncate (fd, archive_entry_size (e)) < 0)
          ret = vxn_make_error (err, errno, "`%s`: truncate", path);
        if (ret == 0 && u->chown && fchown (fd, uid, gid) < 0)
          ret = vxn_make_error (err, errno, "chown `%s`", path);
        /* After chown, which clears set-id bits. */
        if (ret == 0 && fchmod (fd, mode) < 0)
          ret = vxn_make_error (err, errno, "chmod `%s`", path);
        if (ret == 0)
          ret = apply_xattrs (u, e, fd, dirfd, leaf, path, err);
        if (ret == 0 && futimens (fd, times) < 0)
          ret = vxn_make_error (err, errno, "set times of `%s`", path);
        break;
      }
    case AE_IFLNK:
      {
        const char *target;
        if (entry_name (e, archive_entry_symlink, archive_entry_symlink_utf8, &target) < 0)
          return vxn_make_error (err, 0, "symlink `%s` without a target", path);
        /* The target is stored as is: it is only dangerous if followed, and we never follow. */
        if (symlinkat (target, dirfd, leaf) < 0)
          return vxn_make_error (err, errno, "symlink `%s`", path);
        if (u->chown && fchownat (dirfd, leaf, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
          return vxn_make_error (err, errno, "chown `%s`", path);
        ret = apply_xattrs (u, e, -1, dirfd, leaf, path, err);
        if (ret == 0 && utimensat (dirfd, leaf, times, AT_SYMLINK_NOFOLLOW) < 0)
          ret = vxn_make_error (err, errno, "set times of `%s`", path);
        break;
      }
    case AE_IFCHR:
    case AE_IFBLK:
      if (!u->allow_devices || geteuid () != 0)
        return vxn_make_error (err, 0, "device node `%s` refused%s", path,
                               geteuid () == 0 ? " (allow with --allow-devices)" : "");
      /* fallthrough */
    case AE_IFIFO:
      if (mknodat (dirfd, leaf, type | mode, type == AE_IFIFO ? 0 : archive_entry_rdev (e)) < 0)
        return vxn_make_error (err, errno, "mknod `%s`", path);
      if (u->chown && fchownat (dirfd, leaf, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
        return vxn_make_error (err, errno, "chown `%s`", path);
      if (fchmodat (dirfd, leaf, mode, 0) < 0 || utimensat (dirfd, leaf, times, AT_SYMLINK_NOFOLLOW) < 0)
        return vxn_make_error (err, errno, "set mode of `%s`", path);
      break;
    case AE_IFSOCK:
      return 0; /* sockets are meaningless in an archive */
    default:
      return vxn_make_error (err, 0, "`%s`: unsupported entry type 0%o", path, (unsigned)type);
    }
  if (ret == 0)
    vxn_strset_add (u->layer_paths, path);
  return ret;
}

int
vxn_unpacker_layer (struct vxn_unpacker *u, int fd, const char *name, vxn_error_t *err)
{
  struct archive *a = archive_read_new ();
  if (a == NULL)
    return vxn_make_error (err, 0, "cannot allocate an archive reader");
  int ret = 0;
  /* ARCHIVE_WARN here would mean an external (de)compressor program: refused, we run nothing. */
  if (archive_read_support_format_tar (a) != ARCHIVE_OK || archive_read_support_filter_gzip (a) != ARCHIVE_OK
      || archive_read_support_filter_zstd (a) != ARCHIVE_OK || archive_read_support_filter_none (a) != ARCHIVE_OK)
    {
      ret = vxn_make_error (err, 0, "libarchive lacks built-in tar/gzip/zstd support: %s", archive_error_string (a));
      goto out;
    }
  if (archive_read_open_fd (a, fd, 256 * 1024) != ARCHIVE_OK)
    {
      ret = vxn_make_error (err, 0, "%s", archive_error_string (a));
      goto out;
    }
  vxn_strset_clear (u->layer_paths);
  for (;;)
    {
      struct archive_entry *e;
      int r = archive_read_next_header (a, &e);
      if (r == ARCHIVE_EOF)
        break;
      if (r == ARCHIVE_WARN)
        vxn_debug ("layer %s: %s", name, archive_error_string (a));
      else if (r != ARCHIVE_OK)
        {
          ret = vxn_make_error (err, 0, "%s", archive_error_string (a));
          break;
        }
      ret = do_entry (u, a, e, err);
      if (ret < 0)
        break;
      if (u->progress)
        u->progress (u->progress_data, archive_filter_bytes (a, -1));
    }
out:
  archive_read_free (a);
  vxn_walker_forget (&u->walker);
  return ret < 0 ? vxn_error_wrap (err, "layer %s", name) : 0;
}

static int
by_depth_desc (const void *pa, const void *pb)
{
  const struct dir_meta *a = pa, *b = pb;
  size_t da = 0, db = 0;
  for (const char *p = a->path; *p; p++)
    da += *p == '/';
  for (const char *p = b->path; *p; p++)
    db += *p == '/';
  return da < db ? 1 : da > db ? -1 : 0;
}

int
vxn_unpacker_finish (struct vxn_unpacker *u, vxn_error_t *err)
{
  /* The last layer's word on a directory wins: walk newest first, skip paths already done. */
  struct vxn_strset *seen = vxn_strset_new ();
  struct dir_meta *todo = xzalloc (sizeof *todo * (u->n_dirs ? u->n_dirs : 1));
  size_t n = 0;
  for (size_t i = u->n_dirs; i-- > 0;)
    if (vxn_strset_add (seen, u->dirs[i].path))
      todo[n++] = u->dirs[i];
  vxn_strset_free (seen);
  /* Deepest first, so a parent turning read-only (or unsearchable) cannot block its children. */
  qsort (todo, n, sizeof *todo, by_depth_desc);
  int ret = 0;
  for (size_t i = 0; i < n && ret == 0; i++)
    {
      const char *leaf;
      struct vxn_walker w;
      vxn_walker_init (&w, u->root_fd);
      int dirfd = vxn_walker_parent (&w, todo[i].path, 0, &leaf, NULL, NULL, err);
      if (dirfd < 0)
        {
          /* Gone (a later whiteout, or replaced by a file): nothing to set. */
          vxn_error_release (err);
          vxn_walker_release (&w);
          continue;
        }
      int fd = openat (dirfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0)
        {
          struct timespec times[2] = { todo[i].mtime, todo[i].mtime };
          if (u->chown && fchown (fd, todo[i].uid, todo[i].gid) < 0)
            ret = vxn_make_error (err, errno, "chown `%s`", todo[i].path);
          else if (fchmod (fd, todo[i].mode) < 0 || futimens (fd, times) < 0)
            ret = vxn_make_error (err, errno, "set mode of `%s`", todo[i].path);
          close (fd);
        }
      vxn_walker_release (&w);
    }
  free (todo);
  return ret;
}
