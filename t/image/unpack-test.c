/* The unpacker on layers written with libarchive (pax; gzip, zstd, none): order, whiteouts, opaque directories,
   hardlinks, modes; and hostile entries, each refused with a canary outside untouched. */
#include "config.h"

#include "tap.h"
#include "unpack.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

enum kind
{
  F,
  D,
  L,
  H,
  C
};
struct ent
{
  enum kind k;
  const char *path;
  const char *data; /* content, or link target */
  int mode;
};

static char top[64];

/* Write ENTS as a tar layer into a temporary file; return its descriptor at offset 0. */
static int
layer (const char *filter, const struct ent *ents, size_t n)
{
  char name[128];
  snprintf (name, sizeof name, "%s/layer.XXXXXX", top);
  int fd = mkstemp (name);
  if (fd < 0)
    abort ();
  unlink (name);
  struct archive *a = archive_write_new ();
  archive_write_set_format_pax_restricted (a);
  if (strcmp (filter, "gzip") == 0)
    archive_write_add_filter_gzip (a);
  else if (strcmp (filter, "zstd") == 0)
    archive_write_add_filter_zstd (a);
  archive_write_open_fd (a, fd);
  for (size_t i = 0; i < n; i++)
    {
      struct archive_entry *e = archive_entry_new ();
      archive_entry_set_pathname (e, ents[i].path);
      archive_entry_set_mtime (e, 1700000000, 0);
      switch (ents[i].k)
        {
        case F:
          archive_entry_set_filetype (e, AE_IFREG);
          archive_entry_set_size (e, strlen (ents[i].data));
          break;
        case D:
          archive_entry_set_filetype (e, AE_IFDIR);
          break;
        case L:
          archive_entry_set_filetype (e, AE_IFLNK);
          archive_entry_set_symlink (e, ents[i].data);
          break;
        case H:
          archive_entry_set_filetype (e, AE_IFREG);
          archive_entry_set_hardlink (e, ents[i].data);
          break;
        case C:
          archive_entry_set_filetype (e, AE_IFCHR);
          archive_entry_set_rdev (e, makedev (1, 3));
          break;
        }
      archive_entry_set_perm (e, ents[i].mode ? ents[i].mode : (ents[i].k == D ? 0755 : 0644));
      archive_write_header (a, e);
      if (ents[i].k == F)
        archive_write_data (a, ents[i].data, strlen (ents[i].data));
      archive_entry_free (e);
    }
  archive_write_close (a);
  archive_write_free (a);
  lseek (fd, 0, SEEK_SET);
  return fd;
}

static char *
slurp (const char *root, const char *path)
{
  cleanup_free char *p = xasprintf ("%s/%s", root, path);
  char *buf = NULL;
  vxn_error_t err = NULL;
  if (vxn_read_file (p, 4096, &buf, NULL, &err) < 0)
    {
      vxn_error_release (&err);
      return NULL;
    }
  return buf;
}

static int
exists (const char *root, const char *path)
{
  struct stat st;
  cleanup_free char *p = xasprintf ("%s/%s", root, path);
  return lstat (p, &st) == 0;
}

static char *
fresh_rootfs (const char *name)
{
  char *r = xasprintf ("%s/%s", top, name);
  mkdir (r, 0755);
  return r;
}

static int
unpack (const char *rootfs, const int *fds, size_t n, char **msg)
{
  struct vxn_unpacker *u;
  vxn_error_t err = NULL;
  int ret = vxn_unpacker_new (rootfs, NULL, &u, &err);
  for (size_t i = 0; i < n && ret == 0; i++)
    ret = vxn_unpacker_layer (u, fds[i], "test", &err);
  if (ret == 0)
    ret = vxn_unpacker_finish (u, &err);
  vxn_unpacker_free (u);
  for (size_t i = 0; i < n; i++)
    close (fds[i]);
  *msg = err ? xstrdup (err->msg) : NULL;
  vxn_error_release (&err);
  return ret;
}

static void
test_layers (void)
{
  static const struct ent l1[] = {
    { D, "./etc", NULL, 0 },       { F, "./etc/a", "a1", 0 }, { F, "etc/b", "b1", 0 },
    { D, "opq", NULL, 0 },         { F, "opq/old", "o", 0 },  { D, "opq/sub", NULL, 0 },
    { F, "opq/sub/deep", "d", 0 }, { D, "ro", NULL, 0555 },   { F, "ro/f", "f", 0444 },
    { F, "orig", "same", 0 },      { H, "link", "orig", 0 },  { F, "deep/implicit/parent", "p", 0 },
  };
  static const struct ent l2[] = {
    { F, "etc/.wh.a", "", 0 }, { D, "opq", NULL, 0 },     { F, "opq/.wh..wh..opq", "", 0 },
    { F, "opq/new", "n", 0 },  { D, "opq/sub", NULL, 0 }, { F, "opq/sub/fresh", "f", 0 },
    { F, "ro/g", "g", 0 },     { F, "etc/b", "b2", 0 },   { F, ".wh..wh.plnk", "", 0 },
  };
  static const struct ent l3[] = {
    { F, "etc/a", "a3", 0 },
    { F, "opq", "now a file", 0 },
  };
  cleanup_free char *r = fresh_rootfs ("layers");
  int fds[] = { layer ("gzip", l1, ARRAY_SIZE (l1)), layer ("zstd", l2, ARRAY_SIZE (l2)) };
  char *msg;
  ok (unpack (r, fds, 2, &msg) == 0, "gzip + zstd layers unpack %s", msg ? msg : "");
  free (msg);
  ok (!exists (r, "etc/a"), "whiteout removed etc/a");
  cleanup_free char *b = slurp (r, "etc/b");
  is_str (b, "b2", "later layer overwrote etc/b");
  ok (!exists (r, "opq/old") && !exists (r, "opq/sub/deep") && exists (r, "opq/new") && exists (r, "opq/sub/fresh"),
      "opaque directory: lower content gone, this layer's kept (also below)");
  ok (exists (r, "ro/g"), "read-only directory still received a later file");
  struct stat st, st2;
  cleanup_free char *ro = xasprintf ("%s/ro", r);
  ok (stat (ro, &st) == 0 && (st.st_mode & 07777) == 0555, "read-only mode applied at the end");
  cleanup_free char *o = xasprintf ("%s/orig", r);
  cleanup_free char *l = xasprintf ("%s/link", r);
  ok (stat (o, &st) == 0 && stat (l, &st2) == 0 && st.st_ino == st2.st_ino, "hardlink");
  ok (exists (r, "deep/implicit/parent"), "missing parents created");
  ok (!exists (r, ".wh..wh.plnk"), "aufs metadata ignored");
  ok (!exists (r, "nowhere"), "a whiteout below a missing directory is a no-op, creating nothing");

  cleanup_free char *r2 = fresh_rootfs ("three");
  int fds2[] = { layer ("none", l1, ARRAY_SIZE (l1)), layer ("gzip", l2, ARRAY_SIZE (l2)),
                 layer ("none", l3, ARRAY_SIZE (l3)) };
  ok (unpack (r2, fds2, 3, &msg) == 0, "uncompressed layers %s", msg ? msg : "");
  free (msg);
  cleanup_free char *a = slurp (r2, "etc/a");
  is_str (a, "a3", "a whited-out file comes back in a later layer");
  cleanup_free char *op = slurp (r2, "opq");
  is_str (op, "now a file", "a file replaces a directory tree");
}

static void
test_hostile (void)
{
  cleanup_free char *canary = xasprintf ("%s/canary", top);
  char escape_abs[256];
  snprintf (escape_abs, sizeof escape_abs, "%s", canary);
  struct
  {
    const char *what;
    struct ent e[3];
    size_t n;
  } cases[] = {
    { "dot-dot", { { F, "../canary", "pwned", 0 } }, 1 },
    { "dot-dot inside", { { D, "a", NULL, 0 }, { F, "a/../../canary", "pwned", 0 } }, 2 },
    { "absolute", { { F, escape_abs, "pwned", 0 } }, 1 },
    { "through a symlink", { { L, "s", top, 0 }, { F, "s/canary", "pwned", 0 } }, 2 },
    { "through a relative symlink", { { L, "s", "..", 0 }, { F, "s/canary", "pwned", 0 } }, 2 },
    { "hardlink outside", { { H, "h", "../canary", 0 }, { F, "h", "pwned", 0 } }, 2 },
    { "hardlink absolute", { { H, "h", escape_abs, 0 } }, 1 },
    { "hardlink through a symlink", { { L, "s", top, 0 }, { H, "h", "s/canary", 0 } }, 2 },
    { "device node", { { C, "mem", NULL, 0 } }, 1 },
    { "whiteout through a symlink", { { L, "s", top, 0 }, { F, "s/.wh.canary", "", 0 } }, 2 },
    { "opaque through a symlink", { { L, "s", top, 0 }, { F, "s/.wh..wh..opq", "", 0 } }, 2 },
  };
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      vxn_error_t err = NULL;
      vxn_write_file_atomic (canary, "original", 8, 0644, &err);
      char name[32];
      snprintf (name, sizeof name, "hostile%zu", i);
      cleanup_free char *r = fresh_rootfs (name);
      int fd = layer ("gzip", cases[i].e, cases[i].n);
      char *msg;
      int ret = unpack (r, &fd, 1, &msg);
      ok (ret < 0, "%s refused: %s", cases[i].what, msg ? msg : "(accepted!)");
      free (msg);
      cleanup_free char *c = slurp (top, "canary");
      is_str (c, "original", "%s: canary untouched", cases[i].what);
    }
}

int
main (void)
{
  snprintf (top, sizeof top, "/tmp/vxn-unit-unpack.XXXXXX");
  if (mkdtemp (top) == NULL)
    abort ();
  test_layers ();
  test_hostile ();
  vxn_error_t err = NULL;
  /* Read-only dirs left by the tests must not stop the cleanup. */
  cleanup_free char *ro1 = xasprintf ("%s/layers/ro", top);
  cleanup_free char *ro2 = xasprintf ("%s/three/ro", top);
  chmod (ro1, 0755);
  chmod (ro2, 0755);
  vxn_rm_rf_at (AT_FDCWD, top, &err);
  vxn_error_release (&err);
  return done_testing ();
}
