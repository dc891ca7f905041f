/* version and info. Xen facts come from libxl (read-only queries: version, physinfo, domain list). */
#include "config.h"

#define LIBXL_API_VERSION 0x041400
#include <libxl.h>
#include <libxl_utils.h>

#include "vxn.h"
#include "refs.h"
#include "rt.h"
#include "strv.h"
#include "utils.h"
#include "view.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

struct xen_facts
{
  int ok;
  char version[64];
  uint64_t total_bytes, free_bytes;
  unsigned cpus;
  char **domains; /* names */
};

static void
xen_facts (struct xen_facts *x)
{
  memset (x, 0, sizeof *x);
  x->domains = xzalloc (sizeof (char *));
  /* libxl's own complaints (no privcmd outside Dom0) are not ours to print: we say "not available". */
  xentoollog_logger_stdiostream *xtl = xtl_createlogger_stdiostream (stderr, XTL_CRITICAL, 0);
  libxl_ctx *ctx = NULL;
  if (libxl_ctx_alloc (&ctx, LIBXL_VERSION, 0, (xentoollog_logger *)xtl) != 0)
    {
      xtl_logger_destroy ((xentoollog_logger *)xtl);
      return;
    }
  const libxl_version_info *vi = libxl_get_version_info (ctx);
  if (vi)
    snprintf (x->version, sizeof x->version, "%d.%d%s", vi->xen_version_major, vi->xen_version_minor,
              vi->xen_version_extra ? vi->xen_version_extra : "");
  libxl_physinfo pi;
  libxl_physinfo_init (&pi);
  if (libxl_get_physinfo (ctx, &pi) == 0)
    {
      x->total_bytes = pi.total_pages * 4096;
      x->free_bytes = pi.free_pages * 4096;
      x->cpus = pi.nr_cpus;
      x->ok = 1;
    }
  libxl_physinfo_dispose (&pi);
  int nb = 0;
  libxl_dominfo *doms = libxl_list_domain (ctx, &nb);
  for (int i = 0; doms && i < nb; i++)
    {
      char *name = libxl_domid_to_name (ctx, doms[i].domid);
      x->domains = vxn_strv_append (x->domains, name ? name : "?");
      free (name);
    }
  if (doms)
    libxl_dominfo_list_free (doms, nb);
  libxl_ctx_free (ctx);
  xtl_logger_destroy ((xentoollog_logger *)xtl);
}

static void
human (double bytes, char *buf, size_t len)
{
  static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
  size_t u = 0;
  while (bytes >= 1024 && u + 1 < ARRAY_SIZE (units))
    bytes /= 1024, u++;
  snprintf (buf, len, u ? "%.4g%s" : "%.0f%s", bytes, units[u]);
}

int
vxn_cmd_version (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  if (vxn_cli_wants_help (argc, argv, "Usage: version\n\nShow the versions of this CLI, vxn-oci-runtime and Xen.\n"))
    return 0;
  if (argc > 1)
    return vxn_usage_error (cli, err, "\"version\" accepts no arguments.");
  struct utsname u;
  uname (&u);
  cleanup_free char *rt = vxn_rt_version ();
  struct xen_facts x;
  xen_facts (&x);
  printf ("Client:\n"
          " Name:           %s (vxn)\n"
          " Version:        %s\n"
          " OS/Arch:        linux/%s\n"
          " Runtime:        %s (%s)\n\n"
          "Server:          none: containers are Xen domains, run by the runtime's monitors\n"
          " Xen:            %s\n",
          cli->prog, PACKAGE_VERSION, strcmp (u.machine, "x86_64") == 0 ? "amd64" : u.machine, rt ? rt : "not found",
          vxn_rt_path (), x.version[0] ? x.version : "not available (not a Xen Dom0?)");
  vxn_strv_free (x.domains);
  return 0;
}

/* Bytes in the store's blobs. */
static unsigned long long
store_size (const char *root)
{
  cleanup_free char *path = xasprintf ("%s/images/blobs/sha256", root);
  DIR *d = opendir (path);
  unsigned long long total = 0;
  if (d == NULL)
    return 0;
  struct dirent *de;
  struct stat st;
  while ((de = readdir (d)) != NULL)
    if (de->d_name[0] != '.' && fstatat (dirfd (d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG (st.st_mode))
      total += st.st_size;
  closedir (d);
  return total;
}

int
vxn_cmd_info (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  if (vxn_cli_wants_help (argc, argv, "Usage: info\n\nShow Xen, memory, domain, container and store information.\n"))
    return 0;
  if (argc > 1)
    return vxn_usage_error (cli, err, "\"info\" accepts no arguments.");
  struct vxn_views vs;
  if (vxn_views_load (cli, &vs, err) < 0)
    return -1;
  size_t running = 0, paused = 0, stopped = 0;
  static const char *const engines[] = { "vxn", "containerd", "docker", "podman", "runtime" };
  size_t per_engine[ARRAY_SIZE (engines)] = { 0 };
  for (size_t i = 0; i < vs.n; i++)
    {
      running += vs.v[i].state == VXN_VIEW_RUNNING;
      paused += vs.v[i].state == VXN_VIEW_PAUSED;
      for (size_t e = 0; e < ARRAY_SIZE (engines); e++)
        per_engine[e] += strcmp (vs.v[i].engine, engines[e]) == 0;
    }
  stopped = vs.n - running - paused;
  size_t images = 0;
  struct vxn_store *s;
  if (vxn_cli_store (cli, &s, err) < 0)
    {
      vxn_views_free (&vs);
      return -1;
    }
  struct vxn_store_ref *refs;
  vxn_error_t e = NULL;
  if (vxn_refs_list (s, &refs, &images, &e) == 0)
    vxn_refs_free (refs, images);
  else
    vxn_error_release (&e);
  vxn_store_close (s);
  struct xen_facts x;
  xen_facts (&x);
  char size[32], total[32], freeb[32];
  human ((double)store_size (cli->root), size, sizeof size);
  human ((double)x.total_bytes, total, sizeof total);
  human ((double)x.free_bytes, freeb, sizeof freeb);
  printf ("Client: %s (vxn) %s\n", cli->prog, PACKAGE_VERSION);
  printf (" Root Dir: %s\n Runtime: %s\n Runtime Root: %s\n", cli->root, vxn_rt_path (), cli->runtime_root);
  printf ("Containers: %zu\n Running: %zu\n Paused: %zu\n Stopped: %zu\n", vs.n, running, paused, stopped);
  for (size_t i = 0; i < ARRAY_SIZE (engines); i++)
    if (per_engine[i])
      printf (" Engine %s: %zu\n", engines[i], per_engine[i]);
  printf ("Images: %zu\n Store Size: %s\n", images, size);
  if (x.ok)
    {
      cleanup_free char *names = vxn_strv_join (x.domains, ", ");
      printf ("Xen:\n Version: %s\n CPUs: %u\n Total Memory: %s\n Free Memory: %s\n Domains: %zu (%s)\n", x.version,
              x.cpus, total, freeb, vxn_strv_len (x.domains), names);
    }
  else
    printf ("Xen: not available (libxl could not be opened: not a Xen Dom0, or not root)\n");
  vxn_strv_free (x.domains);
  vxn_views_free (&vs);
  return 0;
}
