#include "config.h"

#include "imgconfig.h"
#include "digest.h"
#include "strv.h"
#include "utils.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#define MAX_LIST 65536

/* An absent field is fine; a present one of the wrong type means the document is not what it claims to be. */
static int
opt_string (const cJSON *obj, const char *key, char **out)
{
  const cJSON *j = cJSON_GetObjectItemCaseSensitive (obj, key);
  *out = NULL;
  if (j == NULL || cJSON_IsNull (j))
    return 0;
  if (!cJSON_IsString (j))
    return -1;
  *out = xstrdup (j->valuestring);
  return 0;
}

static int
opt_strv (const cJSON *obj, const char *key, char ***out)
{
  const cJSON *j = cJSON_GetObjectItemCaseSensitive (obj, key);
  *out = NULL;
  if (j == NULL || cJSON_IsNull (j))
    return 0;
  *out = vxn_strv_from_json (j, MAX_LIST);
  return *out ? 0 : -1;
}

static int
opt_keys (const cJSON *obj, const char *key, char ***out)
{
  const cJSON *j = cJSON_GetObjectItemCaseSensitive (obj, key);
  *out = NULL;
  if (j == NULL || cJSON_IsNull (j))
    *out = xzalloc (sizeof (char *));
  else
    *out = vxn_strv_keys_from_json (j, MAX_LIST);
  return *out ? 0 : -1;
}

int
vxn_image_config_parse (const char *buf, size_t len, struct vxn_image_config *c, vxn_error_t *err)
{
  memset (c, 0, sizeof *c);
  if (len > VXN_MAX_CONFIG_SIZE)
    return vxn_make_error (err, 0, "image config larger than %d bytes", VXN_MAX_CONFIG_SIZE);
  c->root = cJSON_ParseWithLength (buf, len);
  if (c->root == NULL || !cJSON_IsObject (c->root))
    {
      vxn_image_config_clear (c);
      return vxn_make_error (err, 0, "image config is not a JSON object");
    }
  const cJSON *root = c->root;
  cleanup_free char *os = NULL, *arch = NULL, *variant = NULL;
  const char *bad = NULL;
  if (opt_string (root, "os", &os) < 0)
    bad = "os";
  else if (opt_string (root, "architecture", &arch) < 0)
    bad = "architecture";
  else if (opt_string (root, "variant", &variant) < 0)
    bad = "variant";
  else if (vxn_platform_set (&c->platform, os, arch, variant) < 0)
    bad = "platform";
  else if (opt_string (root, "created", &c->created) < 0)
    bad = "created";
  if (bad)
    goto fail;

  const cJSON *cfg = cJSON_GetObjectItemCaseSensitive (root, "config");
  if (cfg && !cJSON_IsNull (cfg) && !cJSON_IsObject (cfg))
    {
      bad = "config";
      goto fail;
    }
  if (opt_string (cfg, "User", &c->user) < 0)
    bad = "config.User";
  else if (opt_string (cfg, "WorkingDir", &c->workdir) < 0)
    bad = "config.WorkingDir";
  else if (opt_string (cfg, "StopSignal", &c->stop_signal) < 0)
    bad = "config.StopSignal";
  else if (opt_strv (cfg, "Env", &c->env) < 0)
    bad = "config.Env";
  else if (opt_strv (cfg, "Entrypoint", &c->entrypoint) < 0)
    bad = "config.Entrypoint";
  else if (opt_strv (cfg, "Cmd", &c->cmd) < 0)
    bad = "config.Cmd";
  else if (opt_keys (cfg, "ExposedPorts", &c->ports) < 0)
    bad = "config.ExposedPorts";
  else if (opt_keys (cfg, "Volumes", &c->volumes) < 0)
    bad = "config.Volumes";
  if (bad)
    goto fail;
  if (c->env == NULL)
    c->env = xzalloc (sizeof (char *));

  const cJSON *rootfs = cJSON_GetObjectItemCaseSensitive (root, "rootfs");
  if (rootfs && opt_strv (rootfs, "diff_ids", &c->diff_ids) < 0)
    {
      bad = "rootfs.diff_ids";
      goto fail;
    }
  if (c->diff_ids == NULL)
    c->diff_ids = xzalloc (sizeof (char *));
  for (size_t i = 0; c->diff_ids[i]; i++)
    if (!vxn_digest_valid (c->diff_ids[i]))
      {
        bad = "rootfs.diff_ids";
        goto fail;
      }
  return 0;
fail:
  vxn_image_config_clear (c);
  return vxn_make_error (err, 0, "image config: invalid `%s`", bad);
}

void
vxn_image_config_clear (struct vxn_image_config *c)
{
  cJSON_Delete (c->root);
  free (c->created);
  free (c->user);
  free (c->workdir);
  free (c->stop_signal);
  vxn_strv_free (c->env);
  vxn_strv_free (c->entrypoint);
  vxn_strv_free (c->cmd);
  vxn_strv_free (c->ports);
  vxn_strv_free (c->volumes);
  vxn_strv_free (c->diff_ids);
  memset (c, 0, sizeof *c);
}
