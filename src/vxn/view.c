#include "config.h"

#include "view.h"
#include "fmt.h"
#include "vxn.h"
#include "id.h"
#include "signals.h"
#include "strv.h"
#include "utils.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define CONFIG_MAX (4 * 1024 * 1024)
#define DOCKER_CONFIG_MAX (4 * 1024 * 1024)

/* Runtime roots of the engines that run vxn-oci-runtime. PER_NS: the root holds one directory per namespace. */
static const struct
{
  const char *path;
  int per_ns;
  const char *engine;
} engine_roots[] = {
  { "/run/containerd/runc", 1, "containerd" },
  { "/run/docker/runtime-runc", 1, "docker" },
  { "/var/run/docker/runtime-runc", 1, "docker" },
};

struct scan
{
  struct vxn_cli *cli;
  struct vxn_views *vs;
  char **seen_roots; /* realpaths, so /var/run and /run count once */
};

static struct vxn_view *
add_view (struct vxn_views *vs)
{
  vs->v = realloc (vs->v, sizeof *vs->v * (vs->n + 1));
  if (vs->v == NULL)
    abort ();
  struct vxn_view *v = &vs->v[vs->n++];
  memset (v, 0, sizeof *v);
  v->created = v->started = v->finished = -1;
  return v;
}

static void
view_clear (struct vxn_view *v)
{
  free (v->root);
  free (v->id);
  if (v->have_record)
    vxn_ctr_clear (&v->rec);
  vxn_rt_state_clear (&v->rt);
  free (v->name);
  free (v->image);
  vxn_strv_free (v->command);
  memset (v, 0, sizeof *v);
}

void
vxn_views_free (struct vxn_views *vs)
{
  for (size_t i = 0; i < vs->n; i++)
    view_clear (&vs->v[i]);
  free (vs->v);
  vs->v = NULL;
  vs->n = 0;
}

static void
derive_state (struct vxn_view *v)
{
  const struct vxn_rt_state *rt = &v->rt;
  v->exit_code = -1;
  v->finished = -1;
  if (!rt->have_state)
    {
      /* Started once, but the runtime holds nothing now (a reboot emptied /run): no exit status to show. */
      v->state = v->have_record && v->rec.started[0] ? VXN_VIEW_DEAD : VXN_VIEW_CREATED;
      return;
    }
  const char *s = rt->st.status;
  if (rt->alive && strcmp (s, "exited") != 0)
    {
      if (strcmp (s, "creating") == 0 || strcmp (s, "created") == 0)
        v->state = VXN_VIEW_CREATED;
      else if (strcmp (s, "paused") == 0)
        v->state = VXN_VIEW_PAUSED;
      else
        v->state = VXN_VIEW_RUNNING; /* running, stopping */
      return;
    }
  v->finished = rt->mtime;
  if (rt->st.exit_status >= 0)
    {
      v->state = VXN_VIEW_EXITED;
      v->exit_code = rt->st.exit_status;
    }
  else
    v->state = VXN_VIEW_DEAD;
}

void
vxn_view_refresh (struct vxn_view *v)
{
  vxn_error_t e = NULL;
  vxn_rt_state_clear (&v->rt);
  if (vxn_rt_state_read (v->root, v->id, &v->rt, &e) < 0)
    vxn_error_release (&e);
  derive_state (v);
}

static char *
annotation (const char *annotations_json, const char *key)
{
  cJSON *o = cJSON_Parse (annotations_json ? annotations_json : "{}");
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (o, key);
  char *r = cJSON_IsString (v) ? xstrdup (v->valuestring) : NULL;
  cJSON_Delete (o);
  return r;
}

/* process.args of the bundle another engine gave the runtime. */
static char **
bundle_args (const char *bundle)
{
  cleanup_free char *path = xasprintf ("%s/config.json", bundle);
  cleanup_free char *text = NULL;
  size_t len;
  vxn_error_t e = NULL;
  if (vxn_read_file (path, CONFIG_MAX, &text, &len, &e) < 0)
    {
      vxn_error_release (&e);
      return xzalloc (sizeof (char *));
    }
  cJSON *o = cJSON_Parse (text);
  char **args = vxn_strv_from_json (
      cJSON_GetObjectItemCaseSensitive (cJSON_GetObjectItemCaseSensitive (o, "process"), "args"), 4096);
  cJSON_Delete (o);
  return args ? args : xzalloc (sizeof (char *));
}

/* dockerd keeps the name and the image in its own record; read it when it is there (never written). */
static void
docker_details (struct vxn_view *v)
{
  cleanup_free char *path = xasprintf ("/var/lib/docker/containers/%s/config.v2.json", v->id);
  cleanup_free char *text = NULL;
  size_t len;
  vxn_error_t e = NULL;
  if (vxn_read_file (path, DOCKER_CONFIG_MAX, &text, &len, &e) < 0)
    {
      vxn_error_release (&e);
      return;
    }
  cJSON *o = cJSON_Parse (text);
  const cJSON *name = cJSON_GetObjectItemCaseSensitive (o, "Name");
  const cJSON *image = cJSON_GetObjectItemCaseSensitive (cJSON_GetObjectItemCaseSensitive (o, "Config"), "Image");
  if (cJSON_IsString (name) && name->valuestring[0])
    {
      free (v->name);
      v->name = xstrdup (name->valuestring + (name->valuestring[0] == '/'));
    }
  if (cJSON_IsString (image))
    {
      free (v->image);
      v->image = xstrdup (image->valuestring);
    }
  cJSON_Delete (o);
}

static int
is_record (struct vxn_views *vs, const char *root_real, const char *id)
{
  for (size_t i = 0; i < vs->n; i++)
    {
      if (!vs->v[i].have_record || strcmp (vs->v[i].id, id) != 0)
        continue;
      char r[PATH_MAX];
      if (realpath (vs->v[i].root, r) && strcmp (r, root_real) == 0)
        return 1;
    }
  return 0;
}

static void
scan_root (struct scan *sc, const char *root, const char *engine)
{
  char real[PATH_MAX];
  if (realpath (root, real) == NULL)
    return;
  for (size_t i = 0; sc->seen_roots[i]; i++)
    if (strcmp (sc->seen_roots[i], real) == 0)
      return;
  sc->seen_roots = vxn_strv_append (sc->seen_roots, real);
  DIR *d = opendir (real);
  if (d == NULL)
    return;
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      vxn_error_t e = NULL;
      if (de->d_name[0] == '.' || vxn_validate_id (de->d_name, &e) < 0)
        {
          vxn_error_release (&e);
          continue;
        }
      if (is_record (sc->vs, real, de->d_name))
        continue;
      struct vxn_rt_state rt;
      if (vxn_rt_state_read (real, de->d_name, &rt, &e) < 0 || !rt.have_state)
        {
          /* Not a vxn container (runc's own state.json differs), or being created: not ours to list. */
          vxn_error_release (&e);
          vxn_rt_state_clear (&rt);
          continue;
        }
      struct vxn_view *v = add_view (sc->vs);
      v->root = xstrdup (real);
      v->id = xstrdup (de->d_name);
      v->rt = rt;
      v->engine = engine;
      cleanup_free char *manager = annotation (rt.st.annotations_json, "io.container.manager");
      if (engine == NULL)
        v->engine = manager && strcmp (manager, "libpod") == 0 ? "podman" : "runtime";
      v->name = xstrdup (v->id);
      static const char *const image_keys[]
          = { "io.kubernetes.cri.image-name", "io.containerd.image.name", "io.podman.annotations.image" };
      for (size_t i = 0; i < ARRAY_SIZE (image_keys) && v->image == NULL; i++)
        v->image = annotation (rt.st.annotations_json, image_keys[i]);
      if (v->image == NULL)
        v->image = xstrdup ("");
      v->command = bundle_args (rt.st.bundle);
      if (strcmp (v->engine, "docker") == 0)
        docker_details (v);
      v->created = v->started = vxn_time_parse (rt.st.created);
      derive_state (v);
    }
  closedir (d);
}

static void
scan_engine_root (struct scan *sc, const char *path, int per_ns, const char *engine)
{
  if (!per_ns)
    {
      scan_root (sc, path, engine);
      return;
    }
  DIR *d = opendir (path);
  if (d == NULL)
    return;
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.')
        continue;
      cleanup_free char *ns = xasprintf ("%s/%s", path, de->d_name);
      /* dockerd drives containerd in its "moby" namespace. */
      scan_root (sc, ns, strcmp (de->d_name, "moby") == 0 ? "docker" : engine);
    }
  closedir (d);
}

int
vxn_views_load (struct vxn_cli *cli, struct vxn_views *out, vxn_error_t *err)
{
  memset (out, 0, sizeof *out);
  cleanup_strv char **ids = NULL;
  if (vxn_ctr_list (cli, &ids, err) < 0)
    return -1;
  for (size_t i = 0; ids[i]; i++)
    {
      struct vxn_ctr rec;
      vxn_error_t e = NULL;
      if (vxn_ctr_read (cli, ids[i], &rec, &e) < 0)
        {
          /* A record being written for the first time has no container.json yet: not an error to report. */
          cleanup_free char *s = vxn_error_string (e);
          if (e && e->errno_value != ENOENT)
            fprintf (stderr, "%s: warning: %s\n", cli->prog, s);
          vxn_error_release (&e);
          continue;
        }
      struct vxn_view *v = add_view (out);
      v->engine = "vxn";
      v->have_record = 1;
      v->rec = rec;
      v->root = xstrdup (rec.runtime_root);
      v->id = xstrdup (rec.id);
      v->name = xstrdup (rec.name);
      v->image = xstrdup (rec.image);
      v->command = vxn_strv_dup (rec.command);
      v->created = vxn_time_parse (rec.created);
      v->started = vxn_time_parse (rec.started);
      if (vxn_rt_state_read (v->root, v->id, &v->rt, &e) < 0)
        vxn_error_release (&e);
      if (v->started < 0 && v->rt.have_state)
        v->started = vxn_time_parse (v->rt.st.created);
      derive_state (v);
    }
  struct scan sc = { cli, out, xzalloc (sizeof (char *)) };
  /* vxn's own root: podman's containers (as root it passes no --root) and the runtime used by hand. */
  scan_root (&sc, cli->runtime_root, NULL);
  for (size_t i = 0; i < ARRAY_SIZE (engine_roots); i++)
    scan_engine_root (&sc, engine_roots[i].path, engine_roots[i].per_ns, engine_roots[i].engine);
  vxn_strv_free (sc.seen_roots);
  return 0;
}

int
vxn_views_find (struct vxn_views *vs, const char *what, struct vxn_view **out, vxn_error_t *err)
{
  const char *name = what[0] == '/' ? what + 1 : what; /* docker accepts "/name" */
  *out = NULL;
  if (*what == '\0')
    return vxn_make_error (err, 0, "No such container: %s", what);
  for (size_t i = 0; i < vs->n; i++)
    if (vs->v[i].have_record && (strcmp (vs->v[i].rec.name, name) == 0 || strcmp (vs->v[i].id, what) == 0))
      {
        *out = &vs->v[i];
        return 0;
      }
  struct vxn_view *found = NULL;
  for (int pass = 0; pass < 2; pass++)
    {
      size_t matches = 0;
      for (size_t i = 0; i < vs->n; i++)
        {
          int m = pass == 0 ? strcmp (vs->v[i].id, what) == 0 : strncmp (vs->v[i].id, what, strlen (what)) == 0;
          if (m)
            {
              matches++;
              found = &vs->v[i];
            }
        }
      if (matches > 1)
        return vxn_make_error (err, 0, "multiple containers match `%s` (in several engines' roots): use more of the id",
                               what);
      if (matches == 1)
        {
          *out = found;
          return 0;
        }
    }
  return vxn_make_error (err, 0, "No such container: %s", what);
}

int
vxn_view_lookup (struct vxn_cli *cli, const char *what, struct vxn_views *vs, struct vxn_view **out, vxn_error_t *err)
{
  if (vxn_views_load (cli, vs, err) < 0)
    return -1;
  return vxn_views_find (vs, what, out, err);
}

const char *
vxn_view_state_name (const struct vxn_view *v)
{
  static const char *const names[] = { [VXN_VIEW_CREATED] = "created",
                                       [VXN_VIEW_RUNNING] = "running",
                                       [VXN_VIEW_PAUSED] = "paused",
                                       [VXN_VIEW_EXITED] = "exited",
                                       [VXN_VIEW_DEAD] = "dead" };
  return names[v->state];
}

void
vxn_view_status (const struct vxn_view *v, char *buf, size_t len)
{
  char d[64];
  time_t now = time (NULL);
  switch (v->state)
    {
    case VXN_VIEW_CREATED:
      snprintf (buf, len, "Created");
      return;
    case VXN_VIEW_RUNNING:
    case VXN_VIEW_PAUSED:
      vxn_human_duration (v->started >= 0 ? difftime (now, v->started) : 0, d, sizeof d);
      snprintf (buf, len, "Up %s%s", d, v->state == VXN_VIEW_PAUSED ? " (Paused)" : "");
      return;
    case VXN_VIEW_EXITED:
      vxn_human_duration (v->finished >= 0 ? difftime (now, v->finished) : 0, d, sizeof d);
      snprintf (buf, len, "Exited (%d) %s ago", v->exit_code, d);
      return;
    case VXN_VIEW_DEAD:
      snprintf (buf, len, "Dead");
      return;
    }
}

const char *
vxn_view_short_id (const struct vxn_view *v, char buf[VXN_CTR_SHORT_LEN + 1])
{
  size_t n = strlen (v->id);
  if (n == VXN_CTR_ID_LEN && strspn (v->id, "0123456789abcdef") == n)
    {
      memcpy (buf, v->id, VXN_CTR_SHORT_LEN);
      buf[VXN_CTR_SHORT_LEN] = '\0';
      return buf;
    }
  return v->id;
}

int
vxn_view_rt (struct vxn_cli *cli, const struct vxn_view *v, char *const *args, vxn_error_t *err)
{
  char *log;
  int tmp = !v->have_record;
  if (!tmp)
    log = xasprintf ("%s/containers/%s/runtime.log", cli->root, v->id);
  else
    {
      const char *dir = getenv ("TMPDIR") && *getenv ("TMPDIR") ? getenv ("TMPDIR") : "/tmp";
      log = xasprintf ("%s/vxn-runtime-XXXXXX", dir);
      int fd = mkstemp (log);
      if (fd < 0)
        {
          int e = errno;
          free (log);
          return vxn_make_error (err, e, "create a temporary file");
        }
      close (fd);
    }
  int ret = vxn_rt_run (v->root, log, args, -1, -1, -1, err);
  if (tmp)
    unlink (log);
  free (log);
  return ret;
}

int
vxn_view_signal (struct vxn_cli *cli, const struct vxn_view *v, int signo, vxn_error_t *err)
{
  char num[16];
  snprintf (num, sizeof num, "%d", signo);
  char *args[] = { "kill", v->id, num, NULL };
  return vxn_view_rt (cli, v, args, err);
}

int
vxn_for_each_container (struct vxn_cli *cli, int first, int argc, char **argv, int flags, vxn_container_fn fn,
                        void *data)
{
  int failed = 0;
  for (int i = first; i < argc; i++)
    {
      struct vxn_views vs;
      struct vxn_view *v;
      vxn_error_t e = NULL;
      int ret = vxn_view_lookup (cli, argv[i], &vs, &v, &e);
      if (ret == 0)
        ret = fn (cli, v, argv[i], data, &e);
      if (ret == 0 && (flags & VXN_EACH_PRINT_NAME))
        printf ("%s\n", argv[i]);
      fflush (stdout);
      if (ret < 0)
        {
          vxn_report_error (cli, &e);
          failed = 1;
        }
      vxn_views_free (&vs);
    }
  return failed ? -1 : 0;
}
