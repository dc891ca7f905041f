#include "config.h"

#include "pull.h"
#include "gc.h"
#include "imgconfig.h"
#include "manifest.h"
#include "ref.h"
#include "refs.h"
#include "registry.h"
#include "strv.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* Fetch a manifest, check it against what the parent (index) said about it, and parse it. */
static int
get_manifest (struct vxn_registry *r, const struct vxn_ref *ref, const char *reference,
              const struct vxn_descriptor *expect, struct vxn_http_doc *doc, struct vxn_manifest *m, vxn_error_t *err)
{
  int ret = vxn_registry_get_manifest (r, ref->path, reference, doc, err);
  if (ret < 0)
    return ret;
  if (expect && (int64_t)doc->len != expect->size)
    return vxn_make_error (err, 0, "manifest %s: %zu bytes, the index says %lld", doc->digest, doc->len,
                           (long long)expect->size);
  ret = vxn_manifest_parse (doc->body, doc->len, expect ? expect->media_type : doc->content_type, m, err);
  if (ret < 0)
    return vxn_error_wrap (err, "manifest %s", doc->digest);
  return 0;
}

static int
check_config (struct vxn_store *s, const struct vxn_manifest *m, const struct vxn_platform *want, int from_index,
              vxn_error_t *err)
{
  cleanup_free char *buf = NULL;
  size_t len;
  struct vxn_image_config cfg;
  int ret = vxn_store_read_blob (s, m->config.digest, VXN_MAX_CONFIG_SIZE, &buf, &len, err);
  if (ret < 0)
    return ret;
  ret = vxn_image_config_parse (buf, len, &cfg, err);
  if (ret < 0)
    return ret;
  if (vxn_strv_len (cfg.diff_ids) != m->n_layers)
    ret = vxn_make_error (err, 0, "image config lists %zu layers (diff_ids), the manifest %zu",
                          vxn_strv_len (cfg.diff_ids), m->n_layers);
  else if (!from_index && cfg.platform.arch[0] && !vxn_platform_match (want, &cfg.platform))
    {
      char a[96], b[96];
      vxn_warning ("the image's platform (%s) does not match the requested platform (%s)",
                   vxn_platform_format (&cfg.platform, a, sizeof a), vxn_platform_format (want, b, sizeof b));
    }
  vxn_image_config_clear (&cfg);
  return ret;
}

int
vxn_pull (struct vxn_store *s, const char *reference, const struct vxn_pull_opts *opts, struct vxn_progress *p,
          char **digest_out, vxn_error_t *err)
{
  struct vxn_ref ref;
  struct vxn_platform host;
  const struct vxn_platform *want = opts && opts->platform ? opts->platform : NULL;
  if (want == NULL)
    {
      vxn_platform_host (&host);
      want = &host;
    }
  int ret = vxn_ref_parse (reference, &ref, err);
  if (ret < 0)
    return ret;
  cleanup_free char *key = vxn_ref_key (&ref);
  struct vxn_registry *r = NULL;
  struct vxn_http_doc top = { 0 }, img = { 0 };
  struct vxn_manifest m = { 0 }, inner = { 0 };
  struct vxn_blob_job *jobs = NULL;
  struct vxn_registry_opts ro = { opts ? opts->insecure : NULL, NULL, NULL, opts ? opts->max_parallel : 0 };

  ret = vxn_store_lock (s, 0, err);
  if (ret < 0)
    goto out;
  ret = vxn_registry_new (ref.domain, &ro, &r, err);
  if (ret < 0)
    goto out;
  vxn_progress_message (p, "%s: Pulling from %s", vxn_ref_reference (&ref), ref.path);
  ret = get_manifest (r, &ref, vxn_ref_reference (&ref), NULL, &top, &m, err);
  if (ret < 0)
    goto out;
  struct vxn_http_doc *image_doc = &top;
  struct vxn_manifest *image = &m;
  const struct vxn_descriptor *chosen = NULL;
  if (m.kind == VXN_MANIFEST_INDEX)
    {
      ret = vxn_manifest_select (&m, want, &chosen, err);
      if (ret < 0)
        goto out;
      ret = get_manifest (r, &ref, chosen->digest, chosen, &img, &inner, err);
      if (ret < 0)
        goto out;
      if (inner.kind != VXN_MANIFEST_IMAGE)
        {
          ret = vxn_make_error (err, 0, "index entry %s is not an image manifest", chosen->digest);
          goto out;
        }
      image_doc = &img;
      image = &inner;
    }

  /* Config first (hidden), then the layers, each with its progress row. */
  jobs = xzalloc (sizeof *jobs * (image->n_layers + 1));
  jobs[0].desc = &image->config;
  jobs[0].row = -1;
  for (size_t i = 0; i < image->n_layers; i++)
    {
      char id[16];
      snprintf (id, sizeof id, "%.12s", vxn_digest_hex (image->layers[i].digest));
      jobs[i + 1].desc = &image->layers[i];
      jobs[i + 1].row = vxn_progress_add (p, id, image->layers[i].size);
    }
  int had_all = vxn_store_has_blob (s, image_doc->digest, image_doc->len);
  ret = vxn_registry_fetch_blobs (r, ref.path, jobs, image->n_layers + 1, s, p, err);
  vxn_progress_finish (p);
  if (ret < 0)
    goto out;
  ret = check_config (s, image, want, chosen != NULL, err);
  if (ret < 0)
    goto out;

  /* Manifests after their blobs, the ref last: whatever interrupts us, no name points at missing content. */
  char stored[VXN_DIGEST_SIZE];
  ret = vxn_store_put_blob (s, image_doc->body, image_doc->len, stored, err);
  if (ret == 0 && chosen)
    ret = vxn_store_put_blob (s, top.body, top.len, NULL, err);
  if (ret < 0)
    goto out;
  struct vxn_descriptor desc = { .size = image_doc->len };
  strcpy (desc.media_type, image->media_type);
  strcpy (desc.digest, image_doc->digest);
  if (chosen)
    {
      desc.has_platform = 1;
      desc.platform = chosen->platform;
    }
  struct vxn_store_ref old = { 0 };
  int existed = vxn_refs_get (s, key, &old, err);
  if (existed < 0)
    vxn_error_release (err);
  ret = vxn_refs_set (s, key, &desc, top.digest, err);
  if (ret < 0)
    goto out;
  vxn_progress_message (p, "Digest: %s", top.digest);
  if (existed == 1 && had_all && strcmp (old.desc.digest, desc.digest) == 0)
    vxn_progress_message (p, "Status: Image is up to date for %s", key);
  else
    vxn_progress_message (p, "Status: Downloaded newer image for %s", key);
  free (old.name);
  if (digest_out)
    *digest_out = xstrdup (desc.digest);
out:
  if (ret < 0)
    {
      vxn_error_wrap (err, "pull %s", reference);
      vxn_store_discard_garbage (s);
    }
  free (jobs);
  vxn_manifest_clear (&m);
  vxn_manifest_clear (&inner);
  vxn_http_doc_clear (&top);
  vxn_http_doc_clear (&img);
  vxn_registry_free (r);
  vxn_ref_clear (&ref);
  return ret;
}
