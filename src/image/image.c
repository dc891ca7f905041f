#include "config.h"

#include "image.h"
#include "ref.h"
#include "utils.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int
vxn_image_load (struct vxn_store *s, const struct vxn_descriptor *desc, struct vxn_image *img, vxn_error_t *err)
{
  memset (img, 0, sizeof *img);
  img->desc = *desc;
  cleanup_free char *mbuf = NULL, *cbuf = NULL;
  size_t mlen, clen;
  int ret = vxn_store_read_blob (s, desc->digest, VXN_MAX_MANIFEST_SIZE, &mbuf, &mlen, err);
  if (ret < 0)
    return ret;
  ret = vxn_manifest_parse (mbuf, mlen, desc->media_type, &img->manifest, err);
  if (ret < 0)
    return vxn_error_wrap (err, "manifest %s", desc->digest);
  if (img->manifest.kind != VXN_MANIFEST_IMAGE)
    {
      vxn_image_clear (img);
      return vxn_make_error (err, 0, "%s is not an image manifest", desc->digest);
    }
  ret = vxn_store_read_blob (s, img->manifest.config.digest, VXN_MAX_CONFIG_SIZE, &cbuf, &clen, err);
  if (ret == 0)
    ret = vxn_image_config_parse (cbuf, clen, &img->config, err);
  if (ret < 0)
    {
      vxn_image_clear (img);
      return ret;
    }
  strcpy (img->id, img->manifest.config.digest);
  return 0;
}

void
vxn_image_clear (struct vxn_image *img)
{
  vxn_manifest_clear (&img->manifest);
  vxn_image_config_clear (&img->config);
}

long long
vxn_image_size (const struct vxn_image *img)
{
  long long total = img->desc.size + img->manifest.config.size;
  for (size_t i = 0; i < img->manifest.n_layers; i++)
    total += img->manifest.layers[i].size;
  return total;
}

static int
looks_like_id (const char *s)
{
  if (strncmp (s, "sha256:", 7) == 0)
    s += 7;
  size_t n = strlen (s);
  if (n < 3 || n > 64)
    return 0;
  for (; *s; s++)
    if (!isxdigit ((unsigned char)*s) || isupper ((unsigned char)*s))
      return 0;
  return 1;
}

int
vxn_image_find (struct vxn_store *s, const char *what, struct vxn_image *img, char **key, vxn_error_t *err)
{
  struct vxn_store_ref *refs;
  size_t n;
  *key = NULL;
  int ret = vxn_refs_list (s, &refs, &n, err);
  if (ret < 0)
    return ret;
  struct vxn_ref ref;
  vxn_error_t perr = NULL;
  if (vxn_ref_parse (what, &ref, &perr) == 0)
    {
      cleanup_free char *k = vxn_ref_key (&ref);
      vxn_ref_clear (&ref);
      for (size_t i = 0; i < n; i++)
        if (strcmp (refs[i].name, k) == 0)
          {
            ret = vxn_image_load (s, &refs[i].desc, img, err);
            if (ret == 0)
              *key = xstrdup (k);
            vxn_refs_free (refs, n);
            return ret;
          }
    }
  vxn_error_release (&perr);
  ret = vxn_make_error (err, 0, "no such image: %s", what);
  if (looks_like_id (what))
    {
      const char *prefix = strncmp (what, "sha256:", 7) == 0 ? what + 7 : what;
      int found = 0;
      for (size_t i = 0; i < n; i++)
        {
          struct vxn_image cand;
          vxn_error_t lerr = NULL;
          if (vxn_image_load (s, &refs[i].desc, &cand, &lerr) < 0)
            {
              vxn_error_release (&lerr);
              continue;
            }
          int match = strncmp (vxn_digest_hex (cand.id), prefix, strlen (prefix)) == 0
                      || strncmp (vxn_digest_hex (cand.desc.digest), prefix, strlen (prefix)) == 0;
          if (match && found && strcmp (cand.id, img->id) != 0)
            {
              vxn_image_clear (&cand);
              vxn_image_clear (img);
              ret = vxn_make_error (err, 0, "image ID prefix `%s` is ambiguous", what);
              found = 0;
              break;
            }
          if (match && !found)
            {
              *img = cand;
              found = 1;
              ret = 0;
              vxn_error_release (err);
            }
          else
            vxn_image_clear (&cand);
        }
    }
  vxn_refs_free (refs, n);
  return ret;
}
