#include "config.h"

#include "tuning.h"
#include "utils.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

int
vxn_tuning_parse (const char *annotations_json, struct vxn_tuning *t, vxn_error_t *err)
{
  memset (t, 0, sizeof *t);
  cJSON *ann = cJSON_Parse (annotations_json ? annotations_json : "{}");
  const cJSON *v;
  long n;
  int ret = -1;
  if (!cJSON_IsObject (ann))
    {
      vxn_make_error (err, 0, "annotations are not an object");
      goto out;
    }
  if ((v = cJSON_GetObjectItemCaseSensitive (ann, "org.vxn.kernel")) && cJSON_IsString (v))
    {
      if (v->valuestring[0] != '/')
        {
          vxn_make_error (err, 0, "annotation org.vxn.kernel must be an absolute path");
          goto out;
        }
      t->kernel = xstrdup (v->valuestring);
    }
  if ((v = cJSON_GetObjectItemCaseSensitive (ann, "org.vxn.memory")) && cJSON_IsString (v))
    {
      if (vxn_parse_long (v->valuestring, VXN_MIN_MEMORY_MB, 1024L * 1024, &n) < 0)
        {
          vxn_make_error (err, 0, "annotation org.vxn.memory must be a number of MiB, at least %d",
                          VXN_MIN_MEMORY_MB);
          goto out;
        }
      t->memory_mb = (unsigned) n;
    }
  if ((v = cJSON_GetObjectItemCaseSensitive (ann, "org.vxn.vcpus")) && cJSON_IsString (v))
    {
      if (vxn_parse_long (v->valuestring, 1, VXN_MAX_VCPUS, &n) < 0)
        {
          vxn_make_error (err, 0, "annotation org.vxn.vcpus must be a number from 1 to %d", VXN_MAX_VCPUS);
          goto out;
        }
      t->vcpus = (unsigned) n;
    }
  ret = 0;
out:
  cJSON_Delete (ann);
  if (ret < 0)
    vxn_tuning_free (t);
  return ret;
}

void
vxn_tuning_free (struct vxn_tuning *t)
{
  free (t->kernel);
  memset (t, 0, sizeof *t);
}
