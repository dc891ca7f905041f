/* OCI image layouts (directories, or archives of one): index.json -> manifests (or indexes) -> blobs. */
#include "config.h"

#include "load-internal.h"
#include "ref.h"
#include "utils.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#define MAX_INDEX_SIZE (16 * 1024 * 1024)

static char *
blob_path (const char *digest)
{
  return xasprintf ("blobs/sha256/%s", vxn_digest_hex (digest));
}

static int
read_blob (struct vxn_load_ctx *c, const struct vxn_descriptor *d, size_t max, char **buf, size_t *len,
           vxn_error_t *err)
{
  cleanup_free char *path = blob_path (d->digest);
  char actual[VXN_DIGEST_SIZE];
  if ((size_t)d->size > max)
    return vxn_make_error (err, 0, "blob %s: size %lld out of range", d->digest, (long long)d->size);
  int ret = vxn_load_read (c, path, max, buf, len, err);
  if (ret < 0)
    return ret;
  vxn_digest_buffer (*buf, *len, actual);
  if (strcmp (actual, d->digest) != 0 || (int64_t)*len != d->size)
    {
      free (*buf);
      *buf = NULL;
      return vxn_make_error (err, 0, "blob %s: content does not match its digest or size", d->digest);
    }
  return 0;
}

/* Copy the image manifest DESC and everything it references, the manifest last. */
static int
import_image (struct vxn_load_ctx *c, const struct vxn_descriptor *desc, vxn_error_t *err)
{
  cleanup_free char *buf = NULL;
  size_t len;
  struct vxn_manifest m;
  int ret = read_blob (c, desc, VXN_MAX_MANIFEST_SIZE, &buf, &len, err);
  if (ret < 0)
    return ret;
  ret = vxn_manifest_parse (buf, len, desc->media_type, &m, err);
  if (ret < 0)
    return vxn_error_wrap (err, "manifest %s", desc->digest);
  if (m.kind != VXN_MANIFEST_IMAGE)
    {
      vxn_manifest_clear (&m);
      return vxn_make_error (err, 0, "%s: an index inside an index is not supported", desc->digest);
    }
  for (size_t i = 0; i <= m.n_layers && ret == 0; i++)
    {
      const struct vxn_descriptor *d = i == 0 ? &m.config : &m.layers[i - 1];
      cleanup_free char *path = blob_path (d->digest);
      if (i > 0)
        {
          char size[32];
          vxn_human_size (d->size, size, sizeof size);
          vxn_progress_message (c->p, "Loading layer %.19s (%s)", d->digest, size);
        }
      ret = vxn_load_copy_blob (c, path, d, err);
    }
  vxn_manifest_clear (&m);
  if (ret == 0)
    ret = vxn_store_put_blob (c->s, buf, len, NULL, err);
  return ret;
}

/* The name an index.json entry gives its image, or NULL. */
static const char *
entry_name (const cJSON *entry)
{
  const cJSON *ann = cJSON_GetObjectItemCaseSensitive (entry, "annotations");
  const cJSON *full = cJSON_GetObjectItemCaseSensitive (ann, "io.containerd.image.name");
  const cJSON *ref = cJSON_GetObjectItemCaseSensitive (ann, "org.opencontainers.image.ref.name");
  if (cJSON_IsString (full))
    return full->valuestring;
  /* ref.name is often a bare tag ("latest"): only a full reference names an image. */
  if (cJSON_IsString (ref) && strpbrk (ref->valuestring, "/:"))
    return ref->valuestring;
  return NULL;
}

int
vxn_load_oci (struct vxn_load_ctx *c, vxn_error_t *err)
{
  cleanup_free char *buf = NULL;
  size_t len;
  int ret = vxn_load_read (c, "index.json", MAX_INDEX_SIZE, &buf, &len, err);
  if (ret < 0)
    return ret;
  cJSON *root = cJSON_ParseWithLength (buf, len);
  const cJSON *arr = cJSON_GetObjectItemCaseSensitive (root, "manifests");
  if (!cJSON_IsArray (arr) || cJSON_GetArraySize (arr) == 0)
    {
      cJSON_Delete (root);
      return vxn_make_error (err, 0, "index.json lists no manifests");
    }
  int count = cJSON_GetArraySize (arr);
  if (c->name && count != 1)
    {
      cJSON_Delete (root);
      return vxn_make_error (err, 0, "the layout holds %d images: one NAME cannot name them all", count);
    }
  struct vxn_platform host;
  vxn_platform_host (&host);
  const struct vxn_platform *want = c->platform ? c->platform : &host;
  const cJSON *entry;
  int i = 0;
  cJSON_ArrayForEach (entry, arr)
  {
    struct vxn_descriptor top;
    const char *name = c->name ? c->name : entry_name (entry);
    ret = vxn_descriptor_parse (entry, &top, err);
    if (ret == 0 && name == NULL)
      ret = vxn_make_error (err, 0, "image %d (%s) has no name: give one (vxn load PATH NAME)", i, top.digest);
    if (ret < 0)
      break;
    struct vxn_descriptor image = top;
    if (vxn_media_type_is_index (top.media_type))
      {
        cleanup_free char *ibuf = NULL;
        size_t ilen;
        struct vxn_manifest idx;
        const struct vxn_descriptor *chosen;
        ret = read_blob (c, &top, VXN_MAX_MANIFEST_SIZE, &ibuf, &ilen, err);
        if (ret == 0)
          ret = vxn_manifest_parse (ibuf, ilen, top.media_type, &idx, err);
        if (ret < 0)
          break;
        ret = vxn_manifest_select (&idx, want, &chosen, err);
        if (ret == 0)
          image = *chosen;
        vxn_manifest_clear (&idx);
        if (ret == 0)
          ret = vxn_store_put_blob (c->s, ibuf, ilen, NULL, err);
      }
    else if (!vxn_media_type_is_manifest (top.media_type))
      ret = vxn_make_error (err, 0, "%s: unsupported media type `%s`", top.digest, top.media_type);
    if (ret == 0)
      ret = import_image (c, &image, err);
    if (ret == 0)
      ret = vxn_load_name (c, name, &image, top.digest, err);
    if (ret < 0)
      break;
    i++;
  }
  cJSON_Delete (root);
  return ret;
}
