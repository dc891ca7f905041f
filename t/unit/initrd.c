/* The guest ramdisk: base initramfs bytes first, then a cpio with vxn/spec and the rootfs under rootfs/. */
#include "config.h"

#include "initrd.h"
#include "tap.h"
#include "utils.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static void
put (const char *path, const char *content)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
  write (fd, content, strlen (content));
  close (fd);
}

int
main (void)
{
  char dir[] = "/tmp/vxn-initrd-XXXXXX";
  vxn_error_t err = NULL;
  ok (mkdtemp (dir) != NULL, "temp dir");
  cleanup_free char *root = xasprintf ("%s/rootfs", dir);
  cleanup_free char *bin = xasprintf ("%s/rootfs/bin", dir);
  cleanup_free char *sh = xasprintf ("%s/rootfs/bin/busybox", dir);
  cleanup_free char *lnk = xasprintf ("%s/rootfs/bin/sh", dir);
  cleanup_free char *hard = xasprintf ("%s/rootfs/bin/hard", dir);
  cleanup_free char *base = xasprintf ("%s/base.cpio", dir);
  cleanup_free char *out = xasprintf ("%s/initrd", dir);
  mkdir (root, 0755);
  mkdir (bin, 0755);
  put (sh, "#!binary");
  ok (symlink ("busybox", lnk) == 0, "symlink in rootfs");
  ok (link (sh, hard) == 0, "hardlink in rootfs");
  put (base, "BASE-INITRAMFS");
  cleanup_free char *extra = xasprintf ("%s/extra.cpio", dir);
  cleanup_free char *hostfile = xasprintf ("%s/hosts", dir);
  put (extra, "EXTRA");
  put (hostfile, "127.0.0.1 x\n");
  chmod (hostfile, 0640);
  char *files[] = { hostfile, NULL };

  int fd = open (out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ok (vxn_initrd_build (fd, base, extra, "ax\0", 3, root, files, 1, &err) == 0, "initrd built");
  close (fd);

  char *data = NULL;
  size_t len = 0;
  ok (vxn_read_file (out, 1 << 20, &data, &len, &err) == 0, "initrd readable");
  ok (len > 19 && memcmp (data, "BASE-INITRAMFSEXTRA", 19) == 0,
      "base initramfs comes first, then the extra one, unchanged");

  struct archive *a = archive_read_new ();
  archive_read_support_format_cpio (a);
  ok (archive_read_open_memory (a, data + 19, len - 19) == ARCHIVE_OK, "appended cpio opens");
  struct archive_entry *e;
  int saw_spec = 0, saw_sh = 0, saw_link = 0, saw_hard = 0, outside = 0, saw_file = 0;
  while (archive_read_next_header (a, &e) == ARCHIVE_OK)
    {
      const char *p = archive_entry_pathname (e);
      char buf[64] = "";
      if (strcmp (p, "vxn") != 0 && strncmp (p, "vxn/", 4) != 0 && strncmp (p, "rootfs", 6) != 0)
        outside = 1;
      if (strcmp (p, "vxn/spec") == 0)
        saw_spec = archive_read_data (a, buf, sizeof buf) == 3 && memcmp (buf, "ax\0", 3) == 0;
      if (strcmp (p, "rootfs/bin/busybox") == 0)
        saw_sh = archive_read_data (a, buf, sizeof buf) == 8 && memcmp (buf, "#!binary", 8) == 0;
      if (strcmp (p, "vxn/files/0") == 0)
        saw_file = archive_read_data (a, buf, sizeof buf) == 12 && memcmp (buf, "127.0.0.1 x\n", 12) == 0
                   && (archive_entry_perm (e) & 07777) == 0640;
      if (strcmp (p, "rootfs/bin/sh") == 0)
        saw_link = archive_entry_filetype (e) == AE_IFLNK && strcmp (archive_entry_symlink (e), "busybox") == 0;
      if (strcmp (p, "rootfs/bin/hard") == 0)
        saw_hard = archive_entry_filetype (e) == AE_IFREG && archive_entry_nlink (e) == 1
                   && archive_read_data (a, buf, sizeof buf) == 8;
    }
  archive_read_free (a);
  ok (saw_spec, "vxn/spec holds the encoded spec");
  ok (saw_sh, "rootfs files are under rootfs/ with their content");
  ok (saw_link, "symlinks stay symlinks (never followed)");
  ok (saw_hard, "hardlinks become independent copies");
  ok (saw_file, "a file bind source is copied to vxn/files/0 with its mode");
  ok (!outside, "nothing outside vxn/ and rootfs/");
  free (data);

  fd = open (out, O_WRONLY | O_TRUNC);
  cleanup_free char *missing = xasprintf ("%s/nope", dir);
  ok (vxn_initrd_build (fd, base, NULL, "ax\0", 3, missing, NULL, 0, &err) < 0, "missing rootfs is an error");
  vxn_error_release (&err);
  ok (vxn_initrd_build (fd, missing, NULL, "ax\0", 3, root, NULL, 0, &err) < 0, "missing base initramfs is an error");
  vxn_error_release (&err);
  close (fd);
  vxn_rm_rf_at (AT_FDCWD, dir, &err);
  return done_testing ();
}
