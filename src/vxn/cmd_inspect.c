#include "config.h"

#include "vxn.h"
#include "image.h"
#include "ref.h"
#include "refs.h"
#include "utils.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

static const char usage[] = "Usage: vxn inspect IMAGE [IMAGE...]\n\n"
                            "Show images as a JSON array (docker's layout: Id, RepoTags, RepoDigests, Config, ...).\n";

static cJSON *
describe (struct vxn_store *s, const struct vxn_image *img)
{
  cJSON *o = cJSON_CreateObject ();
  cJSON_AddStringToObject (o, "Id", img->id);
  cJSON *tags = cJSON_AddArrayToObject (o, "RepoTags");
  cJSON *digests = cJSON_AddArrayToObject (o, "RepoDigests");
  struct vxn_store_ref *refs;
  size_t n;
  vxn_error_t e = NULL;
  if (vxn_refs_list (s, &refs, &n, &e) == 0)
    {
      for (size_t i = 0; i < n; i++)
        {
          if (strcmp (refs[i].desc.digest, img->desc.digest) != 0)
            continue;
          struct vxn_ref r;
          if (vxn_ref_parse (refs[i].name, &r, &e) < 0)
            {
              vxn_error_release (&e);
              continue;
            }
          if (r.tag)
            cJSON_AddItemToArray (tags, cJSON_CreateString (refs[i].name));
          cleanup_free char *name = vxn_ref_name (&r);
          cleanup_free char *rd
              = xasprintf ("%s@%s", name, refs[i].repo_digest[0] ? refs[i].repo_digest : refs[i].desc.digest);
          int dup = 0;
          const cJSON *it;
          cJSON_ArrayForEach (it, digests) dup |= strcmp (it->valuestring, rd) == 0;
          if (!dup)
            cJSON_AddItemToArray (digests, cJSON_CreateString (rd));
          vxn_ref_clear (&r);
        }
      vxn_refs_free (refs, n);
    }
  vxn_error_release (&e);
  cJSON_AddStringToObject (o, "Manifest", img->desc.digest);
  cJSON_AddStringToObject (o, "ManifestMediaType", img->desc.media_type);
  const cJSON *root = img->config.root;
  static const char *const copied[]
      = { "created", "author", "architecture", "variant", "os", "config", "rootfs", "history" };
  static const char *const names[]
      = { "Created", "Author", "Architecture", "Variant", "Os", "Config", "RootFS", "History" };
  for (size_t i = 0; i < ARRAY_SIZE (copied); i++)
    {
      const cJSON *v = cJSON_GetObjectItemCaseSensitive (root, copied[i]);
      if (v)
        cJSON_AddItemToObject (o, names[i], cJSON_Duplicate (v, 1));
    }
  cJSON_AddNumberToObject (o, "Size", (double)vxn_image_size (img));
  cJSON *layers = cJSON_AddArrayToObject (o, "Layers");
  for (size_t i = 0; i < img->manifest.n_layers; i++)
    {
      cJSON *l = cJSON_CreateObject ();
      cJSON_AddStringToObject (l, "Digest", img->manifest.layers[i].digest);
      cJSON_AddStringToObject (l, "MediaType", img->manifest.layers[i].media_type);
      cJSON_AddNumberToObject (l, "Size", (double)img->manifest.layers[i].size);
      cJSON_AddItemToArray (layers, l);
    }
  return o;
}

int
vxn_cmd_inspect (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  if (vxn_cli_wants_help (argc, argv, usage))
    return 0;
  if (argc < 2)
    return vxn_make_error (err, 0, "inspect: expected at least one image (see vxn inspect --help)");
  struct vxn_store *s;
  int ret = vxn_cli_store (cli, &s, err);
  if (ret < 0)
    return ret;
  cJSON *arr = cJSON_CreateArray ();
  for (int i = 1; i < argc && ret == 0; i++)
    {
      struct vxn_image img;
      cleanup_free char *key = NULL;
      ret = vxn_image_find (s, argv[i], &img, &key, err);
      if (ret < 0)
        break;
      cJSON_AddItemToArray (arr, describe (s, &img));
      vxn_image_clear (&img);
    }
  if (ret == 0)
    {
      char *text = cJSON_Print (arr);
      printf ("%s\n", text);
      free (text);
    }
  cJSON_Delete (arr);
  vxn_store_close (s);
  return ret;
}
