/* docker save archives: manifest.json lists, per image, its config file, its layer files (tar, possibly compressed)
   and RepoTags. We build an OCI manifest for each image; uncompressed layers must match the config's diff_ids. */
#include "config.h"

#include "load-internal.h"
#include "imgconfig.h"
#include "strv.h"
#include "utils.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define MAX_MANIFEST_JSON (16 * 1024 * 1024)

/* The layer media type from the content's first bytes. */
static const char *
sniff_layer (struct vxn_load_ctx *c, const char *path, vxn_error_t *err)
{
  unsigned char magic[4] = { 0 };
  cleanup_close int fd = vxn_load_open (c, path, err);
  if (fd < 0)
    return NULL;
  ssize_t n = read (fd, magic, sizeof magic);
  if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
    return VXN_MT_OCI_LAYER_GZIP;
  if (n == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
    return VXN_MT_OCI_LAYER_ZSTD;
  return VXN_MT_OCI_LAYER;
}

static cJSON *
descriptor_json (const struct vxn_descriptor *d)
{
  cJSON *o = cJSON_CreateObject ();
  cJSON_AddStringToObject (o, "mediaType", d->media_type);
  cJSON_AddStringToObject (o, "digest", d->digest);
  cJSON_AddNumberToObject (o, "size", (double)d->size);
  return o;
}

static int
import_one (struct vxn_load_ctx *c, const cJSON *item, vxn_error_t *err)
{
  const cJSON *config = cJSON_GetObjectItemCaseSensitive (item, "Config");
  const cJSON *layers = cJSON_GetObjectItemCaseSensitive (item, "Layers");
  const cJSON *tags = cJSON_GetObjectItemCaseSensitive (item, "RepoTags");
  if (!cJSON_IsString (config) || !cJSON_IsArray (layers) || cJSON_GetArraySize (layers) > VXN_MAX_LAYERS)
    return vxn_make_error (err, 0, "manifest.json: entry without Config or Layers");
  cleanup_free char *cbuf = NULL;
  size_t clen;
  struct vxn_image_config cfg;
  struct vxn_descriptor cdesc = { .has_platform = 0 };
  int ret = vxn_load_read (c, config->valuestring, VXN_MAX_CONFIG_SIZE, &cbuf, &clen, err);
  if (ret < 0)
    return ret;
  ret = vxn_image_config_parse (cbuf, clen, &cfg, err);
  if (ret < 0)
    return ret;
  if (vxn_strv_len (cfg.diff_ids) != (size_t)cJSON_GetArraySize (layers))
    {
      vxn_image_config_clear (&cfg);
      return vxn_make_error (err, 0, "config lists %zu diff_ids for %d layers", vxn_strv_len (cfg.diff_ids),
                             cJSON_GetArraySize (layers));
    }
  ret = vxn_store_put_blob (c->s, cbuf, clen, cdesc.digest, err);
  strcpy (cdesc.media_type, VXN_MT_OCI_CONFIG);
  cdesc.size = clen;

  cJSON *m = cJSON_CreateObject ();
  cJSON_AddNumberToObject (m, "schemaVersion", 2);
  cJSON_AddStringToObject (m, "mediaType", VXN_MT_OCI_MANIFEST);
  cJSON_AddItemToObject (m, "config", descriptor_json (&cdesc));
  cJSON *ml = cJSON_AddArrayToObject (m, "layers");
  const cJSON *l;
  size_t i = 0;
  cJSON_ArrayForEach (l, layers)
  {
    if (ret < 0)
      break;
    struct vxn_descriptor d = { .has_platform = 0 };
    const char *mt = cJSON_IsString (l) ? sniff_layer (c, l->valuestring, err) : NULL;
    if (mt == NULL)
      {
        ret = cJSON_IsString (l) ? -1 : vxn_make_error (err, 0, "manifest.json: a layer is not a path");
        break;
      }
    strcpy (d.media_type, mt);
    vxn_progress_message (c->p, "Loading layer %zu/%d", i + 1, cJSON_GetArraySize (layers));
    ret = vxn_load_ingest (c, l->valuestring, &d, err);
    if (ret == 0 && strcmp (mt, VXN_MT_OCI_LAYER) == 0 && strcmp (d.digest, cfg.diff_ids[i]) != 0)
      ret = vxn_make_error (err, 0, "layer `%s` has digest %s, the config says %s", l->valuestring, d.digest,
                            cfg.diff_ids[i]);
    cJSON_AddItemToArray (ml, descriptor_json (&d));
    i++;
  }
  vxn_image_config_clear (&cfg);
  char *text = ret == 0 ? cJSON_PrintUnformatted (m) : NULL;
  cJSON_Delete (m);
  struct vxn_descriptor mdesc = { .has_platform = 0 };
  if (ret == 0)
    {
      strcpy (mdesc.media_type, VXN_MT_OCI_MANIFEST);
      mdesc.size = strlen (text);
      ret = vxn_store_put_blob (c->s, text, strlen (text), mdesc.digest, err);
    }
  free (text);
  if (ret < 0)
    return ret;

  if (c->name)
    return vxn_load_name (c, c->name, &mdesc, NULL, err);
  int named = 0;
  const cJSON *t;
  cJSON_ArrayForEach (t, tags)
  {
    if (!cJSON_IsString (t))
      continue;
    ret = vxn_load_name (c, t->valuestring, &mdesc, NULL, err);
    if (ret < 0)
      return ret;
    named = 1;
  }
  if (!named)
    return vxn_make_error (err, 0, "image %.19s has no RepoTags: give it a name (vxn load PATH NAME)", mdesc.digest);
  return 0;
}

int
vxn_load_docker (struct vxn_load_ctx *c, vxn_error_t *err)
{
  cleanup_free char *buf = NULL;
  size_t len;
  int ret = vxn_load_read (c, "manifest.json", MAX_MANIFEST_JSON, &buf, &len, err);
  if (ret < 0)
    return ret;
  cJSON *root = cJSON_ParseWithLength (buf, len);
  if (!cJSON_IsArray (root) || cJSON_GetArraySize (root) == 0)
    {
      cJSON_Delete (root);
      return vxn_make_error (err, 0, "manifest.json is not a non-empty array");
    }
  if (c->name && cJSON_GetArraySize (root) != 1)
    {
      cJSON_Delete (root);
      return vxn_make_error (err, 0, "the archive holds %d images: one NAME cannot name them all",
                             cJSON_GetArraySize (root));
    }
  const cJSON *item;
  cJSON_ArrayForEach (item, root)
  {
    ret = import_one (c, item, err);
    if (ret < 0)
      break;
  }
  cJSON_Delete (root);
  return ret;
}
