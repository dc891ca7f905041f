#include "config.h"

#include "refs.h"
#include "lock.h"
#include "utils.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define MAX_INDEX_SIZE (64 * 1024 * 1024)

void
vxn_refs_free (struct vxn_store_ref *refs, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (refs[i].name);
  free (refs);
}

int
vxn_refs_list (struct vxn_store *s, struct vxn_store_ref **out, size_t *n_out, vxn_error_t *err)
{
  cleanup_free char *buf = NULL;
  size_t len = 0;
  *out = NULL;
  *n_out = 0;
  int ret = vxn_read_file_at (s->dirfd, "index.json", MAX_INDEX_SIZE, &buf, &len, err);
  if (ret < 0 && (*err)->errno_value == ENOENT)
    {
      vxn_error_release (err);
      return 0;
    }
  if (ret < 0)
    return ret;
  cJSON *root = cJSON_ParseWithLength (buf, len);
  const cJSON *arr = cJSON_GetObjectItemCaseSensitive (root, "manifests");
  if (root == NULL || !cJSON_IsArray (arr))
    {
      cJSON_Delete (root);
      return vxn_make_error (err, 0, "`%s/index.json` is corrupt", s->path);
    }
  size_t count = cJSON_GetArraySize (arr), n = 0;
  struct vxn_store_ref *refs = xzalloc (sizeof *refs * (count ? count : 1));
  const cJSON *it;
  cJSON_ArrayForEach (it, arr)
  {
    const cJSON *ann = cJSON_GetObjectItemCaseSensitive (it, "annotations");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive (ann, VXN_ANNOTATION_REF_NAME);
    const cJSON *rd = cJSON_GetObjectItemCaseSensitive (ann, VXN_ANNOTATION_REPO_DIGEST);
    if (!cJSON_IsString (name) || vxn_descriptor_parse (it, &refs[n].desc, err) < 0)
      {
        /* Entries without our annotation may come from another tool sharing the layout: skip, don't fail. */
        vxn_error_release (err);
        continue;
      }
    refs[n].name = xstrdup (name->valuestring);
    if (cJSON_IsString (rd) && vxn_digest_valid (rd->valuestring))
      strcpy (refs[n].repo_digest, rd->valuestring);
    n++;
  }
  cJSON_Delete (root);
  *out = refs;
  *n_out = n;
  return 0;
}

int
vxn_refs_get (struct vxn_store *s, const char *name, struct vxn_store_ref *out, vxn_error_t *err)
{
  struct vxn_store_ref *refs;
  size_t n;
  int ret = vxn_refs_list (s, &refs, &n, err);
  if (ret < 0)
    return ret;
  int found = 0;
  for (size_t i = 0; i < n && !found; i++)
    if (strcmp (refs[i].name, name) == 0)
      {
        *out = refs[i];
        refs[i].name = NULL; /* ownership moves to the caller */
        found = 1;
      }
  vxn_refs_free (refs, n);
  return found;
}

static int
write_index (struct vxn_store *s, const struct vxn_store_ref *refs, size_t n, vxn_error_t *err)
{
  cJSON *root = cJSON_CreateObject ();
  cJSON_AddNumberToObject (root, "schemaVersion", 2);
  cJSON_AddStringToObject (root, "mediaType", VXN_MT_OCI_INDEX);
  cJSON *arr = cJSON_AddArrayToObject (root, "manifests");
  for (size_t i = 0; i < n; i++)
    {
      if (refs[i].name == NULL)
        continue;
      cJSON *d = cJSON_CreateObject ();
      cJSON_AddStringToObject (d, "mediaType", refs[i].desc.media_type);
      cJSON_AddStringToObject (d, "digest", refs[i].desc.digest);
      cJSON_AddNumberToObject (d, "size", (double)refs[i].desc.size);
      if (refs[i].desc.has_platform)
        {
          cJSON *p = cJSON_AddObjectToObject (d, "platform");
          cJSON_AddStringToObject (p, "architecture", refs[i].desc.platform.arch);
          cJSON_AddStringToObject (p, "os", refs[i].desc.platform.os);
          if (refs[i].desc.platform.variant[0])
            cJSON_AddStringToObject (p, "variant", refs[i].desc.platform.variant);
        }
      cJSON *ann = cJSON_AddObjectToObject (d, "annotations");
      cJSON_AddStringToObject (ann, VXN_ANNOTATION_REF_NAME, refs[i].name);
      if (refs[i].repo_digest[0])
        cJSON_AddStringToObject (ann, VXN_ANNOTATION_REPO_DIGEST, refs[i].repo_digest);
      cJSON_AddItemToArray (arr, d);
    }
  char *text = cJSON_Print (root);
  cJSON_Delete (root);
  int ret = vxn_write_file_atomic_at (s->dirfd, "index.json", text, strlen (text), 0644, err);
  free (text);
  return ret;
}

/* Read-modify-write under the refs lock; NAME is replaced (DESC set) or dropped (DESC NULL). */
static int
update (struct vxn_store *s, const char *name, const struct vxn_descriptor *desc, const char *repo_digest,
        vxn_error_t *err)
{
  cleanup_close int lock = vxn_lock_at (s->dirfd, "refs.lock", 1, err);
  if (lock < 0)
    return lock;
  struct vxn_store_ref *refs;
  size_t n;
  int ret = vxn_refs_list (s, &refs, &n, err);
  if (ret < 0)
    return ret;
  int found = 0;
  for (size_t i = 0; i < n; i++)
    if (strcmp (refs[i].name, name) == 0)
      {
        found = 1;
        if (desc == NULL)
          {
            free (refs[i].name);
            refs[i].name = NULL;
          }
        else
          {
            refs[i].desc = *desc;
            snprintf (refs[i].repo_digest, sizeof refs[i].repo_digest, "%s", repo_digest ? repo_digest : "");
          }
      }
  if (desc && !found)
    {
      refs = realloc (refs, sizeof *refs * (n + 1));
      if (refs == NULL)
        abort ();
      memset (&refs[n], 0, sizeof refs[n]);
      refs[n].name = xstrdup (name);
      refs[n].desc = *desc;
      snprintf (refs[n].repo_digest, sizeof refs[n].repo_digest, "%s", repo_digest ? repo_digest : "");
      n++;
    }
  if (desc || found)
    ret = write_index (s, refs, n, err);
  vxn_refs_free (refs, n);
  if (ret < 0)
    return ret;
  return found;
}

int
vxn_refs_set (struct vxn_store *s, const char *name, const struct vxn_descriptor *desc, const char *repo_digest,
              vxn_error_t *err)
{
  int ret = update (s, name, desc, repo_digest, err);
  return ret < 0 ? vxn_error_wrap (err, "tag `%s`", name) : 0;
}

int
vxn_refs_remove (struct vxn_store *s, const char *name, vxn_error_t *err)
{
  int ret = update (s, name, NULL, NULL, err);
  return ret < 0 ? vxn_error_wrap (err, "untag `%s`", name) : ret;
}
