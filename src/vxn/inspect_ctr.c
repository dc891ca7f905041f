/* A container as JSON, in docker inspect's layout (Id, Name, State, Config, HostConfig, ...) plus what is vxn's
   own: the engine, the runtime root and bundle, the monitor and the domain. */
#include "config.h"

#include "vxn.h"
#include "fmt.h"
#include "strv.h"
#include "utils.h"
#include "view.h"

#include <string.h>

#include <cjson/cJSON.h>

static void
add_time (cJSON *o, const char *key, time_t t)
{
  char buf[64] = "0001-01-01T00:00:00Z"; /* Go's zero time, as docker shows "never" */
  struct tm tm;
  if (t >= 0 && gmtime_r (&t, &tm))
    strftime (buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  cJSON_AddStringToObject (o, key, buf);
}

static cJSON *
strv_json (char *const *v, size_t from)
{
  cJSON *a = cJSON_CreateArray ();
  for (size_t i = from; v && i < vxn_strv_len (v); i++)
    cJSON_AddItemToArray (a, cJSON_CreateString (v[i]));
  return a;
}

static cJSON *
describe (struct vxn_cli *cli, const struct vxn_view *v)
{
  const struct vxn_ctr *r = v->have_record ? &v->rec : NULL;
  cJSON *o = cJSON_CreateObject ();
  cJSON_AddStringToObject (o, "Id", v->id);
  if (r)
    cJSON_AddStringToObject (o, "Created", r->created);
  else
    add_time (o, "Created", v->created);
  cJSON_AddStringToObject (o, "Path", v->command[0] ? v->command[0] : "");
  cJSON_AddItemToObject (o, "Args", strv_json (v->command, 1));
  cJSON *st = cJSON_AddObjectToObject (o, "State");
  cJSON_AddStringToObject (st, "Status", vxn_view_state_name (v));
  cJSON_AddBoolToObject (st, "Running", v->state == VXN_VIEW_RUNNING || v->state == VXN_VIEW_PAUSED);
  cJSON_AddBoolToObject (st, "Paused", v->state == VXN_VIEW_PAUSED);
  cJSON_AddBoolToObject (st, "Restarting", 0);
  cJSON_AddBoolToObject (st, "OOMKilled", 0);
  cJSON_AddBoolToObject (st, "Dead", v->state == VXN_VIEW_DEAD);
  int live = v->rt.have_state && v->rt.alive;
  cJSON_AddNumberToObject (st, "Pid", live ? v->rt.st.monitor_pid : 0);
  cJSON_AddNumberToObject (st, "ExitCode", v->state == VXN_VIEW_EXITED ? v->exit_code : 0);
  cJSON_AddStringToObject (st, "Error", "");
  add_time (st, "StartedAt", v->rt.have_state ? v->started : -1);
  add_time (st, "FinishedAt", v->finished);
  cJSON_AddStringToObject (o, "Image", r ? r->image_id : "");
  if (r)
    {
      cleanup_free char *log = xasprintf ("%s/containers/%s/container.log", cli->root, v->id);
      cJSON_AddStringToObject (o, "LogPath", log);
    }
  cleanup_free char *name = xasprintf ("/%s", v->name);
  cJSON_AddStringToObject (o, "Name", name);
  cJSON_AddNumberToObject (o, "RestartCount", 0);
  cJSON_AddStringToObject (o, "Driver", "vxn");
  cJSON_AddStringToObject (o, "Platform", "linux");
  cJSON *hc = cJSON_AddObjectToObject (o, "HostConfig");
  cJSON_AddNumberToObject (hc, "Memory", r ? (double)r->memory : 0);
  cJSON_AddNumberToObject (hc, "NanoCpus", r ? (double)r->nano_cpus : 0);
  cJSON_AddBoolToObject (hc, "AutoRemove", r && r->auto_remove);
  cJSON_AddStringToObject (hc, "NetworkMode", "none");
  cJSON_AddStringToObject (hc, "Runtime", "vxn");
  if (r)
    {
      cJSON *cfg = cJSON_AddObjectToObject (o, "Config");
      cJSON_AddStringToObject (cfg, "Hostname", r->hostname);
      cJSON_AddStringToObject (cfg, "User", r->user);
      cJSON_AddBoolToObject (cfg, "OpenStdin", r->interactive);
      cJSON_AddBoolToObject (cfg, "Tty", r->tty);
      cJSON_AddItemToObject (cfg, "Env", strv_json (r->env, 0));
      cJSON_AddItemToObject (cfg, "Cmd", strv_json (r->command, 0));
      cJSON_AddStringToObject (cfg, "Image", r->image);
      cJSON_AddStringToObject (cfg, "WorkingDir", r->workdir);
      cJSON *labels = cJSON_AddObjectToObject (cfg, "Labels");
      for (size_t i = 0; r->labels[i]; i++)
        {
          cleanup_free char *k = xasprintf ("%.*s", (int)strcspn (r->labels[i], "="), r->labels[i]);
          cJSON_AddStringToObject (labels, k, r->labels[i] + strlen (k) + 1);
        }
      cJSON_AddStringToObject (cfg, "StopSignal", r->stop_signal);
      cJSON_AddNumberToObject (cfg, "StopTimeout", (double)r->stop_timeout);
    }
  cJSON *vx = cJSON_AddObjectToObject (o, "Vxn");
  cJSON_AddStringToObject (vx, "Engine", v->engine);
  cJSON_AddStringToObject (vx, "RuntimeRoot", v->root);
  if (v->rt.have_state)
    {
      cJSON_AddStringToObject (vx, "Bundle", v->rt.st.bundle);
      cJSON_AddStringToObject (vx, "RuntimeStatus", v->rt.st.status);
      cJSON_AddNumberToObject (vx, "MonitorPid", live ? v->rt.st.monitor_pid : 0);
      cJSON *dom = cJSON_AddObjectToObject (vx, "Domain");
      cJSON_AddNumberToObject (dom, "Id", (double)v->rt.st.domid);
      cJSON_AddStringToObject (dom, "Name", v->rt.st.domname);
      cJSON_AddStringToObject (dom, "UUID", v->rt.st.domuuid);
      cJSON *ann = cJSON_Parse (v->rt.st.annotations_json);
      cJSON_AddItemToObject (vx, "Annotations", ann ? ann : cJSON_CreateObject ());
    }
  return o;
}

int
vxn_container_inspect_json (struct vxn_cli *cli, const char *what, cJSON **out, vxn_error_t *err)
{
  struct vxn_views vs;
  struct vxn_view *v;
  vxn_error_t e = NULL;
  *out = NULL;
  if (vxn_views_load (cli, &vs, err) < 0)
    return -1;
  int ret = vxn_views_find (&vs, what, &v, &e);
  if (ret < 0)
    {
      /* "No such container" is an answer (the caller tries images next); ambiguity is an error. */
      int none = strncmp (e->msg, "No such container", 17) == 0;
      if (none)
        vxn_error_release (&e);
      else
        *err = e;
      vxn_views_free (&vs);
      return none ? 0 : -1;
    }
  *out = describe (cli, v);
  vxn_views_free (&vs);
  return 1;
}
