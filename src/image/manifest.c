#include "config.h"

#include "manifest.h"
#include "utils.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

int
vxn_media_type_is_manifest (const char *mt)
{
  return strcmp (mt, VXN_MT_DOCKER_MANIFEST) == 0 || strcmp (mt, VXN_MT_OCI_MANIFEST) == 0;
}

int
vxn_media_type_is_index (const char *mt)
{
  return strcmp (mt, VXN_MT_DOCKER_LIST) == 0 || strcmp (mt, VXN_MT_OCI_INDEX) == 0;
}

int
vxn_media_type_is_layer (const char *mt)
{
  static const char *const layers[] = {
    VXN_MT_DOCKER_LAYER,
    VXN_MT_DOCKER_FOREIGN_LAYER,
    VXN_MT_OCI_LAYER,
    VXN_MT_OCI_LAYER_GZIP,
    VXN_MT_OCI_LAYER_ZSTD,
    "application/vnd.oci.image.layer.nondistributable.v1.tar",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
  };
  for (size_t i = 0; i < ARRAY_SIZE (layers); i++)
    if (strcmp (mt, layers[i]) == 0)
      return 1;
  return 0;
}

int
vxn_json_size (const cJSON *j, int64_t *out)
{
  if (!cJSON_IsNumber (j))
    return -1;
  double v = j->valuedouble;
  if (!(v >= 0 && v <= (double)VXN_MAX_BLOB_SIZE) || v != (double)(int64_t)v)
    return -1;
  *out = (int64_t)v;
  return 0;
}

/* A media type is a short printable token: anything else is not something we will echo or compare. */
static int
copy_media_type (char *dst, size_t cap, const cJSON *j)
{
  if (!cJSON_IsString (j))
    return -1;
  const char *s = j->valuestring;
  size_t n = strlen (s);
  if (n == 0 || n >= cap)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (s[i] <= ' ' || s[i] > '~')
      return -1;
  memcpy (dst, s, n + 1);
  return 0;
}

int
vxn_descriptor_parse (const cJSON *j, struct vxn_descriptor *d, vxn_error_t *err)
{
  memset (d, 0, sizeof *d);
  if (!cJSON_IsObject (j))
    return vxn_make_error (err, 0, "descriptor is not an object");
  const cJSON *dg = cJSON_GetObjectItemCaseSensitive (j, "digest");
  if (!cJSON_IsString (dg) || !vxn_digest_valid (dg->valuestring))
    return vxn_make_error (err, 0, "descriptor has no valid sha256 digest");
  strcpy (d->digest, dg->valuestring);
  if (copy_media_type (d->media_type, sizeof d->media_type, cJSON_GetObjectItemCaseSensitive (j, "mediaType")) < 0)
    return vxn_make_error (err, 0, "descriptor %s has no valid mediaType", d->digest);
  if (vxn_json_size (cJSON_GetObjectItemCaseSensitive (j, "size"), &d->size) < 0)
    return vxn_make_error (err, 0, "descriptor %s has no valid size", d->digest);
  const cJSON *p = cJSON_GetObjectItemCaseSensitive (j, "platform");
  if (p)
    {
      const cJSON *os = cJSON_GetObjectItemCaseSensitive (p, "os");
      const cJSON *arch = cJSON_GetObjectItemCaseSensitive (p, "architecture");
      const cJSON *variant = cJSON_GetObjectItemCaseSensitive (p, "variant");
      if (!cJSON_IsObject (p) || !cJSON_IsString (os) || !cJSON_IsString (arch)
          || (variant && !cJSON_IsString (variant))
          || vxn_platform_set (&d->platform, os->valuestring, arch->valuestring, variant ? variant->valuestring : NULL)
                 < 0)
        return vxn_make_error (err, 0, "descriptor %s has an invalid platform", d->digest);
      d->has_platform = 1;
    }
  return 0;
}

static int
parse_descriptors (const cJSON *arr, size_t max, struct vxn_descriptor **out, size_t *n, const char *what,
                   vxn_error_t *err)
{
  if (!cJSON_IsArray (arr))
    return vxn_make_error (err, 0, "`%s` is missing or not an array", what);
  size_t count = cJSON_GetArraySize (arr);
  if (count > max)
    return vxn_make_error (err, 0, "too many %s (%zu, at most %zu)", what, count, max);
  struct vxn_descriptor *d = xzalloc (sizeof *d * (count ? count : 1));
  size_t i = 0;
  const cJSON *it;
  cJSON_ArrayForEach (it, arr)
  {
    int ret = vxn_descriptor_parse (it, &d[i], err);
    if (ret < 0)
      {
        free (d);
        return vxn_error_wrap (err, "%s[%zu]", what, i);
      }
    i++;
  }
  *out = d;
  *n = count;
  return 0;
}

static int
parse_image (const cJSON *root, struct vxn_manifest *m, vxn_error_t *err)
{
  int ret = vxn_descriptor_parse (cJSON_GetObjectItemCaseSensitive (root, "config"), &m->config, err);
  if (ret < 0)
    return vxn_error_wrap (err, "config");
  ret = parse_descriptors (cJSON_GetObjectItemCaseSensitive (root, "layers"), VXN_MAX_LAYERS, &m->layers, &m->n_layers,
                           "layers", err);
  if (ret < 0)
    return ret;
  for (size_t i = 0; i < m->n_layers; i++)
    if (!vxn_media_type_is_layer (m->layers[i].media_type))
      return vxn_make_error (err, 0, "layer %s has unsupported media type `%s`", m->layers[i].digest,
                             m->layers[i].media_type);
  return 0;
}

int
vxn_manifest_parse (const char *buf, size_t len, const char *content_type, struct vxn_manifest *m, vxn_error_t *err)
{
  memset (m, 0, sizeof *m);
  if (len > VXN_MAX_MANIFEST_SIZE)
    return vxn_make_error (err, 0, "manifest larger than %d bytes", VXN_MAX_MANIFEST_SIZE);
  cJSON *root = cJSON_ParseWithLength (buf, len);
  if (root == NULL || !cJSON_IsObject (root))
    {
      cJSON_Delete (root);
      return vxn_make_error (err, 0, "manifest is not a JSON object");
    }
  int ret = 0;
  const cJSON *sv = cJSON_GetObjectItemCaseSensitive (root, "schemaVersion");
  const cJSON *mt = cJSON_GetObjectItemCaseSensitive (root, "mediaType");
  char header_mt[128] = "";
  if (content_type)
    {
      /* Drop parameters ("; charset=utf-8") and surrounding blanks. */
      size_t n = strcspn (content_type, "; \t");
      if (n < sizeof header_mt)
        memcpy (header_mt, content_type, n), header_mt[n] = '\0';
    }
  if (cJSON_IsNumber (sv) && sv->valueint == 1)
    {
      ret = vxn_make_error (err, 0, "Docker schema 1 manifests are deprecated and not supported");
      goto out;
    }
  if (!cJSON_IsNumber (sv) || sv->valuedouble != 2)
    {
      ret = vxn_make_error (err, 0, "manifest has no schemaVersion 2");
      goto out;
    }
  if (mt)
    {
      if (copy_media_type (m->media_type, sizeof m->media_type, mt) < 0)
        {
          ret = vxn_make_error (err, 0, "manifest has an invalid mediaType");
          goto out;
        }
      if (header_mt[0] && strcmp (header_mt, m->media_type) != 0 && strcmp (header_mt, "application/json") != 0)
        {
          ret = vxn_make_error (err, 0, "manifest mediaType `%s` disagrees with Content-Type `%s`", m->media_type,
                                header_mt);
          goto out;
        }
    }
  else if (vxn_media_type_is_manifest (header_mt) || vxn_media_type_is_index (header_mt))
    strcpy (m->media_type, header_mt);
  else if (cJSON_GetObjectItemCaseSensitive (root, "manifests"))
    strcpy (m->media_type, VXN_MT_OCI_INDEX); /* OCI allows omitting mediaType: tell by the shape */
  else
    strcpy (m->media_type, VXN_MT_OCI_MANIFEST);

  if (vxn_media_type_is_index (m->media_type))
    {
      m->kind = VXN_MANIFEST_INDEX;
      ret = parse_descriptors (cJSON_GetObjectItemCaseSensitive (root, "manifests"), VXN_MAX_INDEX_ENTRIES,
                               &m->manifests, &m->n_manifests, "manifests", err);
    }
  else if (vxn_media_type_is_manifest (m->media_type))
    {
      m->kind = VXN_MANIFEST_IMAGE;
      ret = parse_image (root, m, err);
    }
  else
    ret = vxn_make_error (err, 0, "unsupported manifest media type `%s`", m->media_type);
out:
  cJSON_Delete (root);
  if (ret < 0)
    vxn_manifest_clear (m);
  return ret;
}

void
vxn_manifest_clear (struct vxn_manifest *m)
{
  free (m->layers);
  free (m->manifests);
  m->layers = m->manifests = NULL;
  m->n_layers = m->n_manifests = 0;
}

int
vxn_manifest_select (const struct vxn_manifest *idx, const struct vxn_platform *want, const struct vxn_descriptor **out,
                     vxn_error_t *err)
{
  char wbuf[96];
  for (size_t i = 0; i < idx->n_manifests; i++)
    {
      const struct vxn_descriptor *d = &idx->manifests[i];
      if (!d->has_platform || !vxn_platform_match (want, &d->platform))
        continue;
      if (!vxn_media_type_is_manifest (d->media_type))
        continue; /* nested indexes are legal but no registry serves them for platforms; skip rather than recurse */
      *out = d;
      return 0;
    }
  /* Say what there is, so the user can pick one with --platform. */
  size_t cap = 256, used = 0;
  cleanup_free char *avail = xzalloc (cap);
  for (size_t i = 0; i < idx->n_manifests && used < 1024; i++)
    {
      char pbuf[96];
      if (!idx->manifests[i].has_platform)
        continue;
      const char *p = vxn_platform_format (&idx->manifests[i].platform, pbuf, sizeof pbuf);
      if (strcmp (p, "unknown/unknown") == 0)
        continue; /* attestation manifests */
      size_t need = used + strlen (p) + 3;
      if (need > cap)
        {
          cap = need * 2;
          avail = realloc (avail, cap);
          if (avail == NULL)
            abort ();
        }
      used += sprintf (avail + used, "%s%s", used ? ", " : "", p);
    }
  return vxn_make_error (err, 0, "no image for platform %s (available: %s)",
                         vxn_platform_format (want, wbuf, sizeof wbuf), used ? avail : "none");
}
