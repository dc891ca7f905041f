#include "config.h"

#include "initrd.h"
#include "utils.h"
#include "volumes.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

static int
copy_fd (int in, int out, const char *what, vxn_error_t *err)
{
  char buf[65536];
  for (;;)
    {
      ssize_t n = read (in, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return vxn_make_error (err, errno, "read `%s`", what);
      if (n == 0)
        return 0;
      if (vxn_write_all (out, buf, n) < 0)
        return vxn_make_error (err, errno, "write initrd");
    }
}

static int
archive_fail (struct archive *a, const char *what, vxn_error_t *err)
{
  return vxn_make_error (err, archive_errno (a) > 0 ? archive_errno (a) : 0, "%s: %s", what,
                         archive_error_string (a) ? archive_error_string (a) : "libarchive error");
}

static int
add_dir (struct archive *w, const char *name, vxn_error_t *err)
{
  struct archive_entry *e = archive_entry_new ();
  archive_entry_set_pathname (e, name);
  archive_entry_set_filetype (e, AE_IFDIR);
  archive_entry_set_perm (e, 0755);
  archive_entry_set_nlink (e, 2);
  archive_entry_set_size (e, 0);
  archive_entry_set_mtime (e, time (NULL), 0);
  int r = archive_write_header (w, e);
  archive_entry_free (e);
  return r == ARCHIVE_OK ? 0 : archive_fail (w, name, err);
}

static int
add_spec (struct archive *w, const char *spec, size_t len, vxn_error_t *err)
{
  struct archive_entry *e = archive_entry_new ();
  archive_entry_set_pathname (e, "vxn/spec");
  archive_entry_set_filetype (e, AE_IFREG);
  archive_entry_set_perm (e, 0400);
  archive_entry_set_size (e, len);
  archive_entry_set_nlink (e, 1);
  archive_entry_set_mtime (e, time (NULL), 0);
  int r = archive_write_header (w, e);
  archive_entry_free (e);
  if (r != ARCHIVE_OK || archive_write_data (w, spec, len) != (la_ssize_t) len)
    return archive_fail (w, "vxn/spec", err);
  return 0;
}

static int
copy_file_data (struct archive *w, const char *src, vxn_error_t *err)
{
  char buf[65536];
  /* O_NOFOLLOW: the walk saw a regular file; never let a swapped-in symlink redirect the read. */
  cleanup_close int fd = open (src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return vxn_make_error (err, errno, "open `%s`", src);
  for (;;)
    {
      ssize_t n = read (fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return vxn_make_error (err, errno, "read `%s`", src);
      if (n == 0)
        return 0;
      if (archive_write_data (w, buf, n) != n)
        return archive_fail (w, src, err);
    }
}

static int
add_rootfs (struct archive *w, const char *rootfs, vxn_error_t *err)
{
  struct archive *disk = archive_read_disk_new ();
  struct archive_entry *e = archive_entry_new ();
  size_t root_len = strlen (rootfs);
  int ret = 0, r;
  archive_read_disk_set_symlink_physical (disk);
  if (archive_read_disk_open (disk, rootfs) != ARCHIVE_OK)
    {
      ret = archive_fail (disk, rootfs, err);
      goto out;
    }
  while ((r = archive_read_next_header2 (disk, e)) == ARCHIVE_OK)
    {
      const char *path = archive_entry_pathname (e);
      cleanup_free char *src = xstrdup (archive_entry_sourcepath (e) ? archive_entry_sourcepath (e) : path);
      const char *rel = path + (strncmp (path, rootfs, root_len) == 0 ? root_len : 0);
      while (*rel == '/')
        rel++;
      cleanup_free char *name = *rel ? xasprintf ("rootfs/%s", rel) : xstrdup ("rootfs");
      archive_read_disk_descend (disk);
      archive_entry_set_pathname (e, name);
      archive_entry_set_uname (e, NULL);
      archive_entry_set_gname (e, NULL);
      /* Hardlinks become copies: the kernel's cpio reader links entries by inode, and newc's "data on the last
         link" rule does not fit a single walk. Costs space only for images with hardlinks. */
      if (archive_entry_filetype (e) != AE_IFDIR)
        archive_entry_set_nlink (e, 1);
      archive_entry_copy_hardlink (e, NULL);
      if (archive_write_header (w, e) != ARCHIVE_OK)
        {
          ret = archive_fail (w, name, err);
          goto out;
        }
      if (archive_entry_filetype (e) == AE_IFREG && archive_entry_size (e) > 0)
        {
          ret = copy_file_data (w, src, err);
          if (ret < 0)
            goto out;
        }
      archive_entry_clear (e);
    }
  if (r != ARCHIVE_EOF)
    ret = archive_fail (disk, rootfs, err);
out:
  archive_entry_free (e);
  archive_read_free (disk);
  return ret;
}

/* A file bind mount's content, with its owner and mode, as vxn/files/<i>. */
static int
add_file (struct archive *w, const char *src, size_t i, vxn_error_t *err)
{
  struct stat st;
  char name[64];
  cleanup_close int fd = open (src, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &st) < 0)
    return vxn_make_error (err, errno, "bind mount source `%s`", src);
  if (!S_ISREG (st.st_mode) || st.st_size > VXN_FILE_BIND_MAX)
    return vxn_make_error (err, 0, "bind mount source `%s` changed: no longer a small regular file", src);
  snprintf (name, sizeof name, "%s/%zu", VXN_FILES_DIR + 1, i);
  struct archive_entry *e = archive_entry_new ();
  archive_entry_set_pathname (e, name);
  archive_entry_set_filetype (e, AE_IFREG);
  archive_entry_set_perm (e, st.st_mode & 07777);
  archive_entry_set_uid (e, st.st_uid);
  archive_entry_set_gid (e, st.st_gid);
  archive_entry_set_size (e, st.st_size);
  archive_entry_set_nlink (e, 1);
  archive_entry_set_mtime (e, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  int r = archive_write_header (w, e);
  archive_entry_free (e);
  if (r != ARCHIVE_OK)
    return archive_fail (w, name, err);
  /* Exactly the size in the header, even if the file grows or shrinks meanwhile. */
  char buf[65536];
  for (off_t left = st.st_size; left > 0;)
    {
      ssize_t n = read (fd, buf, left < (off_t)sizeof buf ? (size_t)left : sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return vxn_make_error (err, errno, "read `%s`", src);
      if (n == 0)
        memset (buf, 0, (n = left < (off_t)sizeof buf ? left : (off_t)sizeof buf));
      if (archive_write_data (w, buf, n) != n)
        return archive_fail (w, name, err);
      left -= n;
    }
  return 0;
}

int
vxn_initrd_build (int out_fd, const char *base_initramfs, const char *extra_initramfs, const char *spec,
                  size_t spec_len, const char *rootfs_dir, char *const *files, size_t n_files, vxn_error_t *err)
{
  struct stat st;
  if (stat (rootfs_dir, &st) < 0)
    return vxn_make_error (err, errno, "rootfs `%s`", rootfs_dir);
  if (!S_ISDIR (st.st_mode))
    return vxn_make_error (err, 0, "rootfs `%s` is not a directory", rootfs_dir);
  cleanup_close int base = open (base_initramfs, O_RDONLY | O_CLOEXEC);
  if (base < 0)
    return vxn_make_error (err, errno, "open guest initramfs `%s`", base_initramfs);
  if (copy_fd (base, out_fd, base_initramfs, err) < 0)
    return -1;
  if (extra_initramfs)
    {
      cleanup_close int extra = open (extra_initramfs, O_RDONLY | O_CLOEXEC);
      if (extra < 0)
        return vxn_make_error (err, errno, "open guest initramfs `%s`", extra_initramfs);
      if (copy_fd (extra, out_fd, extra_initramfs, err) < 0)
        return -1;
    }

  struct archive *w = archive_write_new ();
  int ret = -1;
  if (archive_write_set_format_cpio_newc (w) != ARCHIVE_OK || archive_write_set_bytes_per_block (w, 512) != ARCHIVE_OK
      || archive_write_open_fd (w, out_fd) != ARCHIVE_OK)
    {
      ret = archive_fail (w, "initrd", err);
      goto out;
    }
  if (add_dir (w, "vxn", err) < 0 || add_spec (w, spec, spec_len, err) < 0)
    goto out;
  if (n_files && add_dir (w, VXN_FILES_DIR + 1, err) < 0)
    goto out;
  for (size_t i = 0; i < n_files; i++)
    if (add_file (w, files[i], i, err) < 0)
      goto out;
  if (add_rootfs (w, rootfs_dir, err) < 0)
    goto out;
  if (archive_write_close (w) != ARCHIVE_OK)
    {
      ret = archive_fail (w, "initrd", err);
      goto out;
    }
  ret = 0;
out:
  archive_write_free (w);
  return ret;
}
