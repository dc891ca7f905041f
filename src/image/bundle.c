#include "config.h"

#include "bundle.h"
#include "strv.h"
#include "userdb.h"
#include "utils.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* docker's default capability set. */
static const char *const default_caps[] = {
  "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
  "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
  "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
  "CAP_KILL",    "CAP_AUDIT_WRITE",
};

static const char *const masked_paths[] = {
  "/proc/asound",     "/proc/acpi",        "/proc/kcore",       "/proc/keys", "/proc/latency_stats",
  "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
};

static const char *const readonly_paths[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

static cJSON *
string_array (const char *const *v, size_t n)
{
  cJSON *a = cJSON_CreateArray ();
  for (size_t i = 0; i < n && v[i]; i++)
    cJSON_AddItemToArray (a, cJSON_CreateString (v[i]));
  return a;
}

/* Replace or append KEY=VALUE in ENV by key. */
static char **
env_set (char **env, const char *kv)
{
  size_t klen = strcspn (kv, "=");
  for (size_t i = 0; env[i]; i++)
    if (strncmp (env[i], kv, klen) == 0 && (env[i][klen] == '=' || env[i][klen] == '\0'))
      {
        free (env[i]);
        env[i] = xstrdup (kv);
        return env;
      }
  return vxn_strv_append (env, kv);
}

static int
env_has (char *const *env, const char *key)
{
  size_t klen = strlen (key);
  for (size_t i = 0; env[i]; i++)
    if (strncmp (env[i], key, klen) == 0 && env[i][klen] == '=')
      return 1;
  return 0;
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

static void
add_mount (cJSON *mounts, const char *dest, const char *type, const char *source, const char *const *options)
{
  cJSON *m = cJSON_CreateObject ();
  size_t n = 0;
  while (options[n])
    n++;
  cJSON_AddStringToObject (m, "destination", dest);
  cJSON_AddStringToObject (m, "type", type);
  cJSON_AddStringToObject (m, "source", source);
  cJSON_AddItemToObject (m, "options", string_array (options, n));
  cJSON_AddItemToArray (mounts, m);
}

static cJSON *
linux_section (void)
{
  cJSON *lx = cJSON_CreateObject ();
  cJSON *ns = cJSON_AddArrayToObject (lx, "namespaces");
  static const char *const namespaces[] = { "pid", "network", "ipc", "uts", "mount", "cgroup" };
  for (size_t i = 0; i < ARRAY_SIZE (namespaces); i++)
    {
      cJSON *o = cJSON_CreateObject ();
      cJSON_AddStringToObject (o, "type", namespaces[i]);
      cJSON_AddItemToArray (ns, o);
    }
  cJSON_AddItemToObject (lx, "maskedPaths", string_array (masked_paths, ARRAY_SIZE (masked_paths)));
  cJSON_AddItemToObject (lx, "readonlyPaths", string_array (readonly_paths, ARRAY_SIZE (readonly_paths)));
  return lx;
}

static cJSON *
mounts_section (void)
{
  cJSON *mounts = cJSON_CreateArray ();
  add_mount (mounts, "/proc", "proc", "proc", (const char *const[]){ "nosuid", "noexec", "nodev", NULL });
  add_mount (mounts, "/dev", "tmpfs", "tmpfs",
             (const char *const[]){ "nosuid", "strictatime", "mode=755", "size=65536k", NULL });
  add_mount (mounts, "/dev/pts", "devpts", "devpts",
             (const char *const[]){ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL });
  add_mount (mounts, "/dev/shm", "tmpfs", "shm",
             (const char *const[]){ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL });
  add_mount (mounts, "/dev/mqueue", "mqueue", "mqueue", (const char *const[]){ "nosuid", "noexec", "nodev", NULL });
  add_mount (mounts, "/sys", "sysfs", "sysfs", (const char *const[]){ "nosuid", "noexec", "nodev", "ro", NULL });
  add_mount (mounts, "/sys/fs/cgroup", "cgroup", "cgroup",
             (const char *const[]){ "nosuid", "noexec", "nodev", "relatime", "ro", NULL });
  return mounts;
}

/* docker's rules: --entrypoint replaces Entrypoint and drops the image's Cmd; arguments replace Cmd. */
static char **
build_args (const struct vxn_image_config *cfg, const struct vxn_bundle_opts *o)
{
  char **args = xzalloc (sizeof *args);
  char *const *ep = o && o->entrypoint_set ? o->entrypoint : cfg->entrypoint;
  char *const *cmd;
  if (o && vxn_strv_len (o->cmd) > 0)
    cmd = o->cmd;
  else if (o && o->entrypoint_set)
    cmd = NULL;
  else
    cmd = cfg->cmd;
  for (size_t i = 0; ep && ep[i]; i++)
    args = vxn_strv_append (args, ep[i]);
  for (size_t i = 0; cmd && cmd[i]; i++)
    args = vxn_strv_append (args, cmd[i]);
  return args;
}

int
vxn_bundle_spec (const struct vxn_image_config *cfg, const char *name, const char *manifest_digest,
                 const char *image_id, const struct vxn_bundle_opts *o, int rootfs_fd, cJSON **out, vxn_error_t *err)
{
  cleanup_strv char **args = build_args (cfg, o);
  if (args[0] == NULL)
    return vxn_make_error (err, 0, "no command specified: the image has neither Entrypoint nor Cmd");
  struct vxn_exec_user user;
  const char *user_spec = o && o->user ? o->user : cfg->user;
  int ret = vxn_exec_user_resolve (rootfs_fd, user_spec, &user, err);
  if (ret < 0)
    return ret;

  cleanup_strv char **env = vxn_strv_dup (cfg->env);
  for (size_t i = 0; o && o->env && o->env[i]; i++)
    env = env_set (env, o->env[i]);
  if (!env_has (env, "PATH"))
    env = env_set (env, DEFAULT_PATH);
  if (!env_has (env, "HOME"))
    {
      cleanup_free char *home = xasprintf ("HOME=%s", user.home);
      env = env_set (env, home);
    }
  if (o && o->terminal && !env_has (env, "TERM"))
    env = env_set (env, "TERM=xterm");
  const char *wd = o && o->workdir ? o->workdir : cfg->workdir;
  cleanup_free char *cwd = wd && *wd ? (wd[0] == '/' ? xstrdup (wd) : xasprintf ("/%s", wd)) : xstrdup ("/");

  cJSON *spec = cJSON_CreateObject ();
  cJSON_AddStringToObject (spec, "ociVersion", "1.0.2");
  cJSON *proc = cJSON_AddObjectToObject (spec, "process");
  cJSON_AddBoolToObject (proc, "terminal", o && o->terminal);
  cJSON *u = cJSON_AddObjectToObject (proc, "user");
  cJSON_AddNumberToObject (u, "uid", user.uid);
  cJSON_AddNumberToObject (u, "gid", user.gid);
  if (user.n_additional)
    {
      cJSON *g = cJSON_AddArrayToObject (u, "additionalGids");
      for (size_t i = 0; i < user.n_additional; i++)
        cJSON_AddItemToArray (g, cJSON_CreateNumber (user.additional[i]));
    }
  cJSON_AddItemToObject (proc, "args", string_array ((const char *const *)args, vxn_strv_len (args)));
  cJSON_AddItemToObject (proc, "env", string_array ((const char *const *)env, vxn_strv_len (env)));
  cJSON_AddStringToObject (proc, "cwd", cwd);
  cJSON *caps = cJSON_AddObjectToObject (proc, "capabilities");
  static const char *const sets[] = { "bounding", "effective", "permitted" };
  for (size_t i = 0; i < ARRAY_SIZE (sets); i++)
    cJSON_AddItemToObject (caps, sets[i], string_array (default_caps, ARRAY_SIZE (default_caps)));
  cJSON *rl = cJSON_AddArrayToObject (proc, "rlimits");
  cJSON *nofile = cJSON_CreateObject ();
  cJSON_AddStringToObject (nofile, "type", "RLIMIT_NOFILE");
  cJSON_AddNumberToObject (nofile, "hard", 1048576);
  cJSON_AddNumberToObject (nofile, "soft", 1048576);
  cJSON_AddItemToArray (rl, nofile);

  cJSON *root = cJSON_AddObjectToObject (spec, "root");
  cJSON_AddStringToObject (root, "path", "rootfs");
  cJSON_AddBoolToObject (root, "readonly", 0);
  cJSON_AddStringToObject (spec, "hostname", o && o->hostname ? o->hostname : "vxn");
  cJSON_AddItemToObject (spec, "mounts", mounts_section ());
  cJSON_AddItemToObject (spec, "linux", linux_section ());

  cJSON *ann = cJSON_AddObjectToObject (spec, "annotations");
  if (name)
    cJSON_AddStringToObject (ann, VXN_ANNOTATION_IMAGE_NAME, name);
  if (manifest_digest)
    cJSON_AddStringToObject (ann, VXN_ANNOTATION_IMAGE_DIGEST, manifest_digest);
  if (image_id)
    cJSON_AddStringToObject (ann, VXN_ANNOTATION_IMAGE_ID, image_id);
  /* Sorted, comma-separated: stable text for the runtime to split. */
  cleanup_strv char **ports = vxn_strv_dup (cfg->ports);
  cleanup_strv char **vols = vxn_strv_dup (cfg->volumes);
  qsort (ports, vxn_strv_len (ports), sizeof *ports, cmp_str);
  qsort (vols, vxn_strv_len (vols), sizeof *vols, cmp_str);
  if (ports[0])
    {
      cleanup_free char *s = vxn_strv_join (ports, ",");
      cJSON_AddStringToObject (ann, VXN_ANNOTATION_PORTS, s);
    }
  if (vols[0])
    {
      cleanup_free char *s = vxn_strv_join (vols, ",");
      cJSON_AddStringToObject (ann, VXN_ANNOTATION_VOLUMES, s);
    }
  if (cfg->stop_signal && *cfg->stop_signal)
    cJSON_AddStringToObject (ann, VXN_ANNOTATION_STOP_SIGNAL, cfg->stop_signal);
  vxn_exec_user_clear (&user);
  *out = spec;
  return 0;
}

static int
dir_is_empty (int fd)
{
  int dup_fd = dup (fd);
  DIR *d = dup_fd >= 0 ? fdopendir (dup_fd) : NULL;
  if (d == NULL)
    {
      if (dup_fd >= 0)
        close (dup_fd);
      return 0;
    }
  struct dirent *de;
  int empty = 1;
  while (empty && (de = readdir (d)) != NULL)
    empty = strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0;
  closedir (d);
  return empty;
}

struct unpack_progress
{
  struct vxn_progress *p;
  int row;
};

static void
on_unpack_progress (void *data, uint64_t done)
{
  struct unpack_progress *up = data;
  vxn_progress_bytes (up->p, up->row, done);
}

int
vxn_bundle_create (struct vxn_store *s, const struct vxn_image *img, const char *name, const char *dir,
                   const struct vxn_bundle_opts *o, struct vxn_progress *p, vxn_error_t *err)
{
  int ret = vxn_mkdir_p (dir, 0755, err);
  if (ret < 0)
    return ret;
  cleanup_close int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return vxn_make_error (err, errno, "open `%s`", dir);
  if (!dir_is_empty (dfd))
    return vxn_make_error (err, 0, "bundle directory `%s` is not empty", dir);
  static const char tmp[] = ".rootfs.partial";
  if (mkdirat (dfd, tmp, 0755) < 0)
    return vxn_make_error (err, errno, "mkdir `%s/%s`", dir, tmp);
  cleanup_free char *tmp_path = xasprintf ("%s/%s", dir, tmp);
  struct vxn_unpacker *u = NULL;
  cJSON *spec = NULL;
  char *text = NULL;
  ret = vxn_store_lock (s, 0, err);
  if (ret == 0)
    ret = vxn_unpacker_new (tmp_path, o ? &o->unpack : NULL, &u, err);
  size_t n = img->manifest.n_layers;
  int *rows = xzalloc (sizeof *rows * (n ? n : 1));
  for (size_t i = 0; i < n; i++)
    {
      char id[16];
      snprintf (id, sizeof id, "%.12s", vxn_digest_hex (img->manifest.layers[i].digest));
      rows[i] = vxn_progress_add (p, id, img->manifest.layers[i].size);
    }
  for (size_t i = 0; i < n && ret == 0; i++)
    {
      const struct vxn_descriptor *l = &img->manifest.layers[i];
      struct unpack_progress up = { p, rows[i] };
      vxn_progress_state (p, rows[i], "Extracting");
      vxn_unpacker_set_progress (u, on_unpack_progress, &up);
      cleanup_close int fd = vxn_store_open_blob (s, l->digest, err);
      if (fd < 0)
        ret = fd;
      else
        ret = vxn_unpacker_layer (u, fd, l->digest, err);
      vxn_unpacker_set_progress (u, NULL, NULL);
      if (ret == 0)
        vxn_progress_state (p, rows[i], "Extracted");
    }
  vxn_progress_finish (p);
  free (rows);
  if (ret == 0)
    ret = vxn_unpacker_finish (u, err);
  if (ret == 0)
    {
      cleanup_close int rfd = open (tmp_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      ret = vxn_bundle_spec (&img->config, name, img->desc.digest, img->id, o, rfd, &spec, err);
    }
  if (ret == 0 && renameat (dfd, tmp, dfd, "rootfs") < 0)
    ret = vxn_make_error (err, errno, "rename rootfs");
  if (ret == 0)
    {
      text = cJSON_Print (spec);
      ret = vxn_write_file_atomic_at (dfd, "config.json", text, strlen (text), 0644, err);
    }
  if (ret < 0)
    {
      /* Nothing half-made stays behind. */
      vxn_error_t e = NULL;
      if (vxn_rm_rf_at (dfd, tmp, &e) < 0 || vxn_rm_rf_at (dfd, "rootfs", &e) < 0)
        vxn_error_release (&e);
      ret = vxn_error_wrap (err, "bundle `%s`", dir);
    }
  else
    vxn_progress_message (p, "Bundle ready: %s", dir);
  free (text);
  cJSON_Delete (spec);
  vxn_unpacker_free (u);
  return ret;
}
