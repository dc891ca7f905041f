#include "config.h"

#include "vxn.h"
#include "image.h"
#include "ref.h"
#include "refs.h"
#include "utils.h"

#include <stdlib.h>

static const char usage[] = "Usage: vxn tag SOURCE_IMAGE TARGET_IMAGE[:TAG]\n\n"
                            "Give an image another name.\n";

int
vxn_cmd_tag (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  if (vxn_cli_wants_help (argc, argv, usage))
    return 0;
  if (argc != 3)
    return vxn_make_error (err, 0, "tag: expected SOURCE and TARGET (see vxn tag --help)");
  struct vxn_ref target;
  int ret = vxn_ref_parse (argv[2], &target, err);
  if (ret < 0)
    return ret;
  cleanup_free char *key = vxn_ref_key (&target);
  vxn_ref_clear (&target);
  struct vxn_store *s;
  ret = vxn_cli_store (cli, &s, err);
  if (ret < 0)
    return ret;
  /* Shared gc lock: a concurrent rmi must not collect the image between finding it and naming it. */
  ret = vxn_store_lock (s, 0, err);
  struct vxn_image img;
  cleanup_free char *src_key = NULL;
  if (ret == 0)
    ret = vxn_image_find (s, argv[1], &img, &src_key, err);
  if (ret == 0)
    {
      struct vxn_store_ref src = { 0 };
      vxn_error_t e = NULL;
      int found = src_key ? vxn_refs_get (s, src_key, &src, &e) : 0;
      vxn_error_release (&e);
      ret = vxn_refs_set (s, key, &img.desc, found == 1 ? src.repo_digest : NULL, err);
      free (src.name);
      vxn_image_clear (&img);
    }
  vxn_store_close (s);
  return ret;
}
