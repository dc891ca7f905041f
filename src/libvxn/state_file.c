#include "config.h"

#include "state_file.h"
#include "statemachine.h"
#include "utils.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

int
vxn_state_file_write (int dirfd, const struct vxn_state_file *st, vxn_error_t *err)
{
  cJSON *o = cJSON_CreateObject ();
  cJSON_AddNumberToObject (o, "version", 1);
  cJSON_AddStringToObject (o, "id", st->id);
  cJSON_AddStringToObject (o, "bundle", st->bundle);
  cJSON_AddStringToObject (o, "status", st->status);
  cJSON_AddNumberToObject (o, "monitor_pid", st->monitor_pid);
  cJSON_AddNumberToObject (o, "monitor_start_time", (double)st->monitor_start_time);
  cJSON_AddStringToObject (o, "created", st->created ? st->created : "");
  cJSON_AddNumberToObject (o, "domid", (double)st->domid);
  cJSON_AddStringToObject (o, "domuuid", st->domuuid ? st->domuuid : "");
  cJSON_AddStringToObject (o, "domname", st->domname ? st->domname : "");
  cJSON_AddNumberToObject (o, "exit_status", st->exit_status);
  cJSON_AddStringToObject (o, "cgroup", st->cgroup ? st->cgroup : "");
  cJSON_AddBoolToObject (o, "cgroup_owned", st->cgroup_owned);
  cJSON_AddNumberToObject (o, "oom_kills", (double)st->oom_kills);
  cJSON *ann = cJSON_Parse (st->annotations_json ? st->annotations_json : "{}");
  cJSON_AddItemToObject (o, "annotations", ann ? ann : cJSON_CreateObject ());
  char *s = cJSON_PrintUnformatted (o);
  cJSON_Delete (o);
  if (s == NULL)
    return vxn_make_error (err, 0, "serialise state");
  int ret = vxn_write_file_atomic_at (dirfd, VXN_STATE_FILE, s, strlen (s), 0600, err);
  free (s);
  return ret;
}

static int
field_string (const cJSON *o, const char *key, char **out, vxn_error_t *err)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (o, key);
  if (!cJSON_IsString (v))
    return vxn_make_error (err, 0, "state file: `%s` missing or not a string", key);
  *out = xstrdup (v->valuestring);
  return 0;
}

static int
field_number (const cJSON *o, const char *key, double min, double max, double *out, vxn_error_t *err)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (o, key);
  if (!cJSON_IsNumber (v) || v->valuedouble < min || v->valuedouble > max)
    return vxn_make_error (err, 0, "state file: `%s` missing or out of range", key);
  *out = v->valuedouble;
  return 0;
}

int
vxn_state_file_parse (const char *json, struct vxn_state_file *st, vxn_error_t *err)
{
  memset (st, 0, sizeof *st);
  cJSON *o = cJSON_Parse (json);
  const cJSON *ann, *cg;
  double d = 0;
  int ret = -1;
  if (!cJSON_IsObject (o))
    {
      vxn_make_error (err, 0, "state file: not a JSON object");
      goto out;
    }
  if (field_string (o, "id", &st->id, err) < 0 || field_string (o, "bundle", &st->bundle, err) < 0
      || field_string (o, "status", &st->status, err) < 0 || field_string (o, "created", &st->created, err) < 0
      || field_string (o, "domuuid", &st->domuuid, err) < 0 || field_string (o, "domname", &st->domname, err) < 0)
    goto out;
  if (vxn_state_from_name (st->status) < 0)
    {
      vxn_make_error (err, 0, "state file: unknown status `%s`", st->status);
      goto out;
    }
  if (field_number (o, "monitor_pid", 0, 4194304, &d, err) < 0)
    goto out;
  st->monitor_pid = (pid_t)d;
  if (field_number (o, "monitor_start_time", 0, 1.8e19, &d, err) < 0)
    goto out;
  st->monitor_start_time = (unsigned long long)d;
  if (field_number (o, "domid", -1, 65535, &d, err) < 0)
    goto out;
  st->domid = (int64_t)d;
  if (field_number (o, "exit_status", -1, 255, &d, err) < 0)
    goto out;
  st->exit_status = (int)d;
  /* Optional: state files of older monitors have no cgroup. */
  cg = cJSON_GetObjectItemCaseSensitive (o, "cgroup");
  if (cg
      && (!cJSON_IsString (cg) || (cg->valuestring[0] != '\0' && cg->valuestring[0] != '/')
          || strstr (cg->valuestring, "/..")))
    {
      vxn_make_error (err, 0, "state file: `cgroup` must be an absolute cgroup path");
      goto out;
    }
  st->cgroup = xstrdup (cg ? cg->valuestring : "");
  st->cgroup_owned = cJSON_IsTrue (cJSON_GetObjectItemCaseSensitive (o, "cgroup_owned"));
  /* Optional as well (older monitors). */
  if (cJSON_GetObjectItemCaseSensitive (o, "oom_kills") != NULL)
    {
      if (field_number (o, "oom_kills", 0, 1e9, &d, err) < 0)
        goto out;
      st->oom_kills = (unsigned long)d;
    }
  ann = cJSON_GetObjectItemCaseSensitive (o, "annotations");
  st->annotations_json = cJSON_IsObject (ann) ? cJSON_PrintUnformatted (ann) : xstrdup ("{}");
  ret = 0;
out:
  cJSON_Delete (o);
  if (ret < 0)
    vxn_state_file_free (st);
  return ret;
}

int
vxn_state_file_read (int dirfd, struct vxn_state_file *st, vxn_error_t *err)
{
  cleanup_free char *json = NULL;
  if (vxn_read_file_at (dirfd, VXN_STATE_FILE, VXN_STATE_FILE_MAX, &json, NULL, err) < 0)
    return -1;
  return vxn_state_file_parse (json, st, err);
}

void
vxn_state_file_free (struct vxn_state_file *st)
{
  free (st->id);
  free (st->bundle);
  free (st->status);
  free (st->created);
  free (st->domuuid);
  free (st->domname);
  free (st->annotations_json);
  free (st->cgroup);
  memset (st, 0, sizeof *st);
}
