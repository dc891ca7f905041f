#include "config.h"

#include "vxn.h"
#include "gc.h"
#include "image.h"
#include "progress.h"
#include "refs.h"
#include "utils.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "Usage: vxn rmi [OPTIONS] IMAGE [IMAGE...]\n\n"
                            "Remove images (by name or ID) and the blobs no other image uses.\n\n"
                            "Options:\n"
                            "  -f, --force  remove every name of an image given by ID\n";

/* Remove what WHAT names: one ref for a name, every ref of the image for an ID. */
static int
untag (struct vxn_store *s, const char *what, int force, vxn_error_t *err)
{
  struct vxn_image img;
  cleanup_free char *key = NULL;
  int ret = vxn_image_find (s, what, &img, &key, err);
  if (ret < 0)
    return ret;
  if (key)
    {
      ret = vxn_refs_remove (s, key, err);
      if (ret >= 0)
        printf ("Untagged: %s\n", key);
      vxn_image_clear (&img);
      return ret < 0 ? ret : 0;
    }
  struct vxn_store_ref *refs;
  size_t n, count = 0;
  ret = vxn_refs_list (s, &refs, &n, err);
  if (ret < 0)
    {
      vxn_image_clear (&img);
      return ret;
    }
  for (size_t i = 0; i < n; i++)
    count += strcmp (refs[i].desc.digest, img.desc.digest) == 0;
  if (count > 1 && !force)
    ret = vxn_make_error (err, 0, "image %.12s is referenced by %zu names: remove them by name, or use -f",
                          vxn_digest_hex (img.id), count);
  for (size_t i = 0; i < n && ret == 0; i++)
    if (strcmp (refs[i].desc.digest, img.desc.digest) == 0)
      {
        ret = vxn_refs_remove (s, refs[i].name, err);
        if (ret >= 0)
          {
            printf ("Untagged: %s\n", refs[i].name);
            ret = 0;
          }
      }
  vxn_refs_free (refs, n);
  vxn_image_clear (&img);
  return ret;
}

int
vxn_cmd_rmi (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  static const struct option opts[] = { { "force", no_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
  if (vxn_cli_wants_help (argc, argv, usage))
    return 0;
  int force = 0, c;
  while ((c = getopt_long (argc, argv, "f", opts, NULL)) != -1)
    if (c == 'f')
      force = 1;
    else
      return vxn_make_error (err, 0, "rmi: invalid option (see vxn rmi --help)");
  if (optind >= argc)
    return vxn_make_error (err, 0, "rmi: expected at least one image (see vxn rmi --help)");
  struct vxn_store *s;
  int ret = vxn_cli_store (cli, &s, err);
  if (ret < 0)
    return ret;
  ret = vxn_store_lock (s, 0, err);
  /* Keep going after a failure, as docker does, and report the first. */
  vxn_error_t first = NULL;
  for (int i = optind; i < argc && ret == 0; i++)
    {
      vxn_error_t e = NULL;
      if (untag (s, argv[i], force, &e) < 0)
        {
          if (first == NULL)
            first = e;
          else
            {
              char *msg = vxn_error_string (e);
              fprintf (stderr, "vxn: %s\n", msg);
              free (msg);
              vxn_error_release (&e);
            }
        }
    }
  uint64_t removed = 0, freed = 0;
  if (ret == 0)
    ret = vxn_store_gc (s, &removed, &freed, err);
  if (ret == 0 && removed)
    {
      char size[32];
      vxn_human_size (freed, size, sizeof size);
      printf ("Deleted: %llu blobs, %s\n", (unsigned long long)removed, size);
    }
  vxn_store_close (s);
  if (ret == 0 && first)
    {
      *err = first;
      return -1;
    }
  vxn_error_release (&first);
  return ret;
}
