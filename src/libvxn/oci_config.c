#include "config.h"

#include "oci_config.h"
#include "utils.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>

#include <cjson/cJSON.h>

static int
get_string (const cJSON *obj, const char *key, const char *where, int required, char **out, vxn_error_t *err)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (obj, key);
  if (v == NULL || cJSON_IsNull (v))
    {
      if (required)
        return vxn_make_error (err, 0, "config.json: `%s%s` is required", where, key);
      return 0;
    }
  if (!cJSON_IsString (v))
    return vxn_make_error (err, 0, "config.json: `%s%s` must be a string", where, key);
  *out = xstrdup (v->valuestring);
  return 0;
}

static int
get_bool (const cJSON *obj, const char *key, const char *where, int *out, vxn_error_t *err)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (obj, key);
  if (v == NULL || cJSON_IsNull (v))
    return 0;
  if (!cJSON_IsBool (v))
    return vxn_make_error (err, 0, "config.json: `%s%s` must be a boolean", where, key);
  *out = cJSON_IsTrue (v);
  return 0;
}

/* JSON numbers are doubles: accept only integral values in range. */
static int
get_uint (const cJSON *v, const char *what, double max, unsigned long long *out, vxn_error_t *err)
{
  if (!cJSON_IsNumber (v) || v->valuedouble < 0 || v->valuedouble > max
      || v->valuedouble != (double)(unsigned long long)v->valuedouble)
    return vxn_make_error (err, 0, "config.json: `%s` must be a whole number between 0 and %.0f", what, max);
  *out = (unsigned long long)v->valuedouble;
  return 0;
}

static int
get_string_array (const cJSON *obj, const char *key, const char *where, char ***out, size_t *n, vxn_error_t *err)
{
  const cJSON *arr = cJSON_GetObjectItemCaseSensitive (obj, key), *it;
  *out = xzalloc (sizeof (char *));
  *n = 0;
  if (arr == NULL || cJSON_IsNull (arr))
    return 0;
  if (!cJSON_IsArray (arr))
    return vxn_make_error (err, 0, "config.json: `%s%s` must be an array of strings", where, key);
  size_t count = cJSON_GetArraySize (arr);
  if (count > VXN_SPEC_MAX_ITEMS)
    return vxn_make_error (err, 0, "config.json: `%s%s` has more than %d entries", where, key, VXN_SPEC_MAX_ITEMS);
  free (*out);
  *out = xzalloc ((count + 1) * sizeof (char *));
  cJSON_ArrayForEach (it, arr)
  {
    if (!cJSON_IsString (it))
      return vxn_make_error (err, 0, "config.json: `%s%s[%zu]` must be a string", where, key, *n);
    (*out)[(*n)++] = xstrdup (it->valuestring);
  }
  return 0;
}

static int
parse_user (const cJSON *process, struct vxn_guest_spec *p, vxn_error_t *err)
{
  const cJSON *user = cJSON_GetObjectItemCaseSensitive (process, "user"), *v, *it;
  unsigned long long n = 0;
  if (user == NULL)
    return 0;
  if (!cJSON_IsObject (user))
    return vxn_make_error (err, 0, "config.json: `process.user` must be an object");
  if ((v = cJSON_GetObjectItemCaseSensitive (user, "uid")))
    {
      if (get_uint (v, "process.user.uid", 4294967294.0, &n, err) < 0)
        return -1;
      p->uid = n;
    }
  if ((v = cJSON_GetObjectItemCaseSensitive (user, "gid")))
    {
      if (get_uint (v, "process.user.gid", 4294967294.0, &n, err) < 0)
        return -1;
      p->gid = n;
    }
  if ((v = cJSON_GetObjectItemCaseSensitive (user, "umask")) && !cJSON_IsNull (v))
    {
      if (get_uint (v, "process.user.umask", 0777, &n, err) < 0)
        return -1;
      p->umask = n;
      p->have_umask = 1;
    }
  v = cJSON_GetObjectItemCaseSensitive (user, "additionalGids");
  if (v && !cJSON_IsNull (v))
    {
      if (!cJSON_IsArray (v))
        return vxn_make_error (err, 0, "config.json: `process.user.additionalGids` must be an array");
      size_t count = cJSON_GetArraySize (v);
      if (count > 1024)
        return vxn_make_error (err, 0, "config.json: too many `process.user.additionalGids`");
      p->additional_gids = xzalloc ((count + 1) * sizeof (gid_t));
      cJSON_ArrayForEach (it, v)
      {
        if (get_uint (it, "process.user.additionalGids[]", 4294967294.0, &n, err) < 0)
          return -1;
        p->additional_gids[p->n_additional_gids++] = n;
      }
    }
  return 0;
}

static int parse_process_object (const cJSON *process, struct vxn_guest_spec *p, vxn_error_t *err);
static int parse_process_credentials (const cJSON *process, struct vxn_guest_spec *p, vxn_error_t *err);

static int
parse_process (const cJSON *root, struct vxn_guest_spec *p, vxn_error_t *err)
{
  const cJSON *process = cJSON_GetObjectItemCaseSensitive (root, "process");
  if (process == NULL || !cJSON_IsObject (process))
    return vxn_make_error (err, 0, "config.json: `process` is required and must be an object");
  return parse_process_object (process, p, err);
}

int
vxn_oci_process_parse (const char *json, struct vxn_guest_spec *p, vxn_error_t *err)
{
  memset (p, 0, sizeof *p);
  cJSON *process = cJSON_Parse (json);
  if (process == NULL || !cJSON_IsObject (process))
    {
      cJSON_Delete (process);
      return vxn_make_error (err, 0, "process: a JSON object is expected");
    }
  int ret = parse_process_object (process, p, err);
  cJSON_Delete (process);
  if (ret < 0)
    vxn_guest_spec_free (p);
  return ret;
}

static int
parse_process_object (const cJSON *process, struct vxn_guest_spec *p, vxn_error_t *err)
{
  if (get_string_array (process, "args", "process.", &p->args, &p->n_args, err) < 0)
    return -1;
  if (p->n_args == 0 || p->args[0][0] == '\0')
    return vxn_make_error (err, 0, "config.json: `process.args` must not be empty");
  if (get_string_array (process, "env", "process.", &p->env, &p->n_env, err) < 0)
    return -1;
  for (size_t i = 0; i < p->n_env; i++)
    if (p->env[i][0] == '=' || strchr (p->env[i], '=') == NULL)
      return vxn_make_error (err, 0, "config.json: `process.env[%zu]` is not NAME=VALUE", i);
  if (get_string (process, "cwd", "process.", 1, &p->cwd, err) < 0)
    return -1;
  if (p->cwd[0] != '/')
    return vxn_make_error (err, 0, "config.json: `process.cwd` must be an absolute path");
  if (get_bool (process, "terminal", "process.", &p->terminal, err) < 0 || parse_user (process, p, err) < 0)
    return -1;
  return parse_process_credentials (process, p, err);
}

/* ---- process.capabilities, rlimits, noNewPrivileges, oomScoreAdj (applied in the guest by
   guest/init/credentials.c), and the security fields vxn accepts and ignores. ---- */

/* "CAP_NET_ADMIN" exactly as runc spells it: upper case, CAP_ prefix, a capability libcap knows. */
static int
capability_number (const char *name, cap_value_t *out)
{
  if (strncmp (name, "CAP_", 4) != 0 || strspn (name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != strlen (name)
      || cap_from_name (name, out) < 0 || *out < 0 || *out > 63)
    return -1;
  char *canon = cap_to_name (*out); /* lower case; a number for capabilities libcap has no name for */
  int same = canon && strcasecmp (canon, name) == 0;
  cap_free (canon);
  return same ? 0 : -1;
}

static int
parse_capabilities (const cJSON *process, struct vxn_guest_spec *p, vxn_error_t *err)
{
  static const char *const sets[VXN_CAPS_N_SETS] = { [VXN_CAPS_BOUNDING] = "bounding",
                                                     [VXN_CAPS_EFFECTIVE] = "effective",
                                                     [VXN_CAPS_INHERITABLE] = "inheritable",
                                                     [VXN_CAPS_PERMITTED] = "permitted",
                                                     [VXN_CAPS_AMBIENT] = "ambient" };
  const cJSON *caps = cJSON_GetObjectItemCaseSensitive (process, "capabilities"), *list, *it;
  if (caps == NULL || cJSON_IsNull (caps))
    return 0;
  if (!cJSON_IsObject (caps))
    return vxn_make_error (err, 0, "config.json: `process.capabilities` must be an object");
  p->have_caps = 1;
  for (int s = 0; s < VXN_CAPS_N_SETS; s++)
    {
      size_t i = 0;
      list = cJSON_GetObjectItemCaseSensitive (caps, sets[s]);
      if (list == NULL || cJSON_IsNull (list))
        continue;
      if (!cJSON_IsArray (list))
        return vxn_make_error (err, 0, "config.json: `process.capabilities.%s` must be an array of strings", sets[s]);
      cJSON_ArrayForEach (it, list)
      {
        cap_value_t c;
        if (!cJSON_IsString (it))
          return vxn_make_error (err, 0, "config.json: `process.capabilities.%s[%zu]` must be a string", sets[s], i);
        if (capability_number (it->valuestring, &c) < 0)
          return vxn_make_error (err, 0, "config.json: `process.capabilities.%s[%zu]`: unknown capability `%s`",
                                 sets[s], i, it->valuestring);
        p->caps[s] |= UINT64_C (1) << c;
        i++;
      }
    }
  return 0;
}

/* A uint64 limit. JSON numbers are doubles here: 18446744073709551615 (RLIM_INFINITY, what docker sends for
   "unlimited") reads as 2^64 and means infinity; other values above 2^53 may be rounded. */
static int
get_limit (const cJSON *rl, const char *key, size_t i, uint64_t *out, vxn_error_t *err)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (rl, key);
  double d = cJSON_IsNumber (v) ? v->valuedouble : -1;
  if (d == 18446744073709551616.0)
    *out = UINT64_MAX;
  else if (d >= 0 && d < 18446744073709551616.0 && d == (double)(uint64_t)d)
    *out = (uint64_t)d;
  else
    return vxn_make_error (err, 0, "config.json: `process.rlimits[%zu].%s` must be a whole number from 0 to 2^64-1", i,
                           key);
  return 0;
}

static int
parse_rlimits (const cJSON *process, struct vxn_guest_spec *p, vxn_error_t *err)
{
  const cJSON *rls = cJSON_GetObjectItemCaseSensitive (process, "rlimits"), *rl, *type;
  size_t i = 0;
  if (rls == NULL || cJSON_IsNull (rls))
    return 0;
  if (!cJSON_IsArray (rls))
    return vxn_make_error (err, 0, "config.json: `process.rlimits` must be an array");
  p->rlimits = xzalloc ((cJSON_GetArraySize (rls) + 1) * sizeof *p->rlimits);
  cJSON_ArrayForEach (rl, rls)
  {
    struct vxn_rlimit *l = &p->rlimits[i];
    if (!cJSON_IsObject (rl))
      return vxn_make_error (err, 0, "config.json: `process.rlimits[%zu]` must be an object", i);
    type = cJSON_GetObjectItemCaseSensitive (rl, "type");
    if (!cJSON_IsString (type))
      return vxn_make_error (err, 0, "config.json: `process.rlimits[%zu].type` must be a string", i);
    if ((l->resource = vxn_rlimit_number (type->valuestring)) < 0)
      return vxn_make_error (err, 0, "config.json: `process.rlimits[%zu].type`: unknown resource `%s`", i,
                             type->valuestring);
    for (size_t j = 0; j < i; j++)
      if (p->rlimits[j].resource == l->resource)
        return vxn_make_error (err, 0, "config.json: `process.rlimits[%zu].type`: `%s` is given twice", i,
                               type->valuestring);
    if (get_limit (rl, "soft", i, &l->soft, err) < 0 || get_limit (rl, "hard", i, &l->hard, err) < 0)
      return -1;
    if (l->soft > l->hard)
      return vxn_make_error (err, 0, "config.json: `process.rlimits[%zu]`: soft limit above the hard limit", i);
    p->n_rlimits = ++i;
  }
  return 0;
}

/* Fields runc honours that a VM guest does not: the guest kernel has no policy loaded for them. Their types are
   checked; their names are collected for create's warning (docker and podman send them by default). */
static int
note_ignored (const cJSON *obj, const char *key, const char *where, int want_object, char **ignored, vxn_error_t *err)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (obj, key);
  if (v == NULL || cJSON_IsNull (v))
    return 0;
  if (want_object ? !cJSON_IsObject (v) : !cJSON_IsString (v))
    return vxn_make_error (err, 0, "config.json: `%s%s` must be %s", where, key,
                           want_object ? "an object" : "a string");
  if (!want_object && v->valuestring[0] == '\0')
    return 0;
  char *s = *ignored ? xasprintf ("%s, `%s%s`", *ignored, where, key) : xasprintf ("`%s%s`", where, key);
  free (*ignored);
  *ignored = s;
  return 0;
}

/* Part of the process object, so `exec --process` gets them too. */
static int
parse_process_credentials (const cJSON *process, struct vxn_guest_spec *p, vxn_error_t *err)
{
  const cJSON *v;
  if (parse_capabilities (process, p, err) < 0 || parse_rlimits (process, p, err) < 0
      || get_bool (process, "noNewPrivileges", "process.", &p->no_new_privs, err) < 0)
    return -1;
  if ((v = cJSON_GetObjectItemCaseSensitive (process, "oomScoreAdj")) && !cJSON_IsNull (v))
    {
      if (!cJSON_IsNumber (v) || v->valuedouble < -1000 || v->valuedouble > 1000
          || v->valuedouble != (double)(int)v->valuedouble)
        return vxn_make_error (err, 0, "config.json: `process.oomScoreAdj` must be a whole number from -1000 to 1000");
      p->oom_score_adj = (int)v->valuedouble;
      p->have_oom_score_adj = 1;
    }
  return 0;
}

static int
parse_process_security (const cJSON *root, struct vxn_oci_config *cfg, vxn_error_t *err)
{
  const cJSON *process = cJSON_GetObjectItemCaseSensitive (root, "process");
  const cJSON *linux_ = cJSON_GetObjectItemCaseSensitive (root, "linux");
  if (note_ignored (process, "apparmorProfile", "process.", 0, &cfg->ignored, err) < 0
      || note_ignored (process, "selinuxLabel", "process.", 0, &cfg->ignored, err) < 0)
    return -1;
  /* Not yet applied in the guest: named in the warning rather than dropped silently. */
  if (cJSON_IsObject (process)
      && (note_ignored (process, "ioPriority", "process.", 1, &cfg->ignored, err) < 0
          || note_ignored (process, "scheduler", "process.", 1, &cfg->ignored, err) < 0))
    return -1;
  if (cJSON_IsObject (linux_) && note_ignored (linux_, "personality", "linux.", 1, &cfg->ignored, err) < 0)
    return -1;
  if (cJSON_IsObject (linux_) && note_ignored (linux_, "seccomp", "linux.", 1, &cfg->ignored, err) < 0)
    return -1;
  return 0;
}

static int
parse_memory (const cJSON *root, int64_t *limit, vxn_error_t *err)
{
  const cJSON *linux_ = cJSON_GetObjectItemCaseSensitive (root, "linux"), *res, *mem, *v;
  if (!cJSON_IsObject (linux_) || !cJSON_IsObject (res = cJSON_GetObjectItemCaseSensitive (linux_, "resources"))
      || !cJSON_IsObject (mem = cJSON_GetObjectItemCaseSensitive (res, "memory")))
    return 0;
  v = cJSON_GetObjectItemCaseSensitive (mem, "limit");
  if (v == NULL || cJSON_IsNull (v))
    return 0;
  /* -1 means unlimited in the spec. */
  if (cJSON_IsNumber (v) && v->valuedouble == -1)
    return 0;
  unsigned long long n = 0;
  if (get_uint (v, "linux.resources.memory.limit", 9.0e15, &n, err) < 0)
    return -1;
  *limit = (int64_t)n;
  return 0;
}

/* linux.resources.cpu quota and period (docker --cpus N: quota N*period). -1 or absent: no quota. */
static int
parse_cpu (const cJSON *root, int64_t *quota, int64_t *period, vxn_error_t *err)
{
  const cJSON *linux_ = cJSON_GetObjectItemCaseSensitive (root, "linux"), *res, *cpu, *v;
  if (!cJSON_IsObject (linux_) || !cJSON_IsObject (res = cJSON_GetObjectItemCaseSensitive (linux_, "resources"))
      || !cJSON_IsObject (cpu = cJSON_GetObjectItemCaseSensitive (res, "cpu")))
    return 0;
  unsigned long long n = 0;
  v = cJSON_GetObjectItemCaseSensitive (cpu, "quota");
  if (v && !cJSON_IsNull (v) && !(cJSON_IsNumber (v) && v->valuedouble == -1))
    {
      if (get_uint (v, "linux.resources.cpu.quota", 1.0e15, &n, err) < 0)
        return -1;
      *quota = (int64_t)n;
    }
  v = cJSON_GetObjectItemCaseSensitive (cpu, "period");
  if (v && !cJSON_IsNull (v))
    {
      if (get_uint (v, "linux.resources.cpu.period", 1.0e12, &n, err) < 0)
        return -1;
      *period = (int64_t)n;
    }
  return 0;
}

/* ---- config.json `mounts` (docs/design.md "Mounts"; vxn-oci-runtime(8) MOUNTS) ---- */

#define MOUNT_BIND_OPT 1 /* bind, rbind */
#define MOUNT_IGNORED 2  /* propagation and labels: nothing propagates out of a VM */

static const struct
{
  const char *name;
  unsigned long set, clear;
  int what;
} mount_options[] = {
  { "ro", MS_RDONLY, 0, 0 },
  { "rw", 0, MS_RDONLY, 0 },
  { "nosuid", MS_NOSUID, 0, 0 },
  { "suid", 0, MS_NOSUID, 0 },
  { "nodev", MS_NODEV, 0, 0 },
  { "dev", 0, MS_NODEV, 0 },
  { "noexec", MS_NOEXEC, 0, 0 },
  { "exec", 0, MS_NOEXEC, 0 },
  { "sync", MS_SYNCHRONOUS, 0, 0 },
  { "async", 0, MS_SYNCHRONOUS, 0 },
  { "dirsync", MS_DIRSYNC, 0, 0 },
  { "noatime", MS_NOATIME, 0, 0 },
  { "atime", 0, MS_NOATIME, 0 },
  { "nodiratime", MS_NODIRATIME, 0, 0 },
  { "diratime", 0, MS_NODIRATIME, 0 },
  { "relatime", MS_RELATIME, 0, 0 },
  { "norelatime", 0, MS_RELATIME, 0 },
  { "strictatime", MS_STRICTATIME, 0, 0 },
  { "nostrictatime", 0, MS_STRICTATIME, 0 },
  { "rro", MS_RDONLY, 0, 0 },
  { "rrw", 0, MS_RDONLY, 0 },
  { "rnosuid", MS_NOSUID, 0, 0 },
  { "rnodev", MS_NODEV, 0, 0 },
  { "rnoexec", MS_NOEXEC, 0, 0 },
  { "bind", 0, 0, MOUNT_BIND_OPT },
  { "rbind", 0, 0, MOUNT_BIND_OPT },
  { "private", 0, 0, MOUNT_IGNORED },
  { "rprivate", 0, 0, MOUNT_IGNORED },
  { "shared", 0, 0, MOUNT_IGNORED },
  { "rshared", 0, 0, MOUNT_IGNORED },
  { "slave", 0, 0, MOUNT_IGNORED },
  { "rslave", 0, 0, MOUNT_IGNORED },
  { "unbindable", 0, 0, MOUNT_IGNORED },
  { "runbindable", 0, 0, MOUNT_IGNORED },
  { "z", 0, 0, MOUNT_IGNORED },
  { "Z", 0, 0, MOUNT_IGNORED },
  { "tmpcopyup", 0, 0, MOUNT_IGNORED },
  { "notmpcopyup", 0, 0, MOUNT_IGNORED },
};

/* Filesystem options a kind accepts (`key=` takes a value, a bare key none). */
static const char *const tmpfs_data[] = { "size=", "nr_blocks=", "nr_inodes=", "mode=", "uid=", "gid=", NULL };
static const char *const devpts_data[] = { "newinstance", "ptmxmode=", "mode=", "uid=", "gid=", "max=", NULL };

static int
data_value_ok (const char *key, const char *v)
{
  size_t n = strspn (v, "0123456789");
  if (strcmp (key, "mode=") == 0 || strcmp (key, "ptmxmode=") == 0)
    return n > 0 && n <= 4 && v[n] == '\0' && strspn (v, "01234567") == n;
  if (strcmp (key, "size=") == 0 || strcmp (key, "nr_blocks=") == 0 || strcmp (key, "nr_inodes=") == 0)
    return n > 0 && n <= 18 && (v[n] == '\0' || (strchr ("kKmMgG%", v[n]) && v[n + 1] == '\0'));
  return n > 0 && n <= 10 && v[n] == '\0';
}

static int
add_data (char **data, const char *opt, const char *const *allowed, const char *what, vxn_error_t *err)
{
  for (size_t i = 0; allowed && allowed[i]; i++)
    {
      size_t kl = strlen (allowed[i]);
      int keyval = allowed[i][kl - 1] == '=';
      if (keyval ? strncmp (opt, allowed[i], kl) == 0 : strcmp (opt, allowed[i]) == 0)
        {
          if (keyval && !data_value_ok (allowed[i], opt + kl))
            return vxn_make_error (err, 0, "config.json: %s: bad value in mount option `%s`", what, opt);
          char *d = *data ? xasprintf ("%s,%s", *data, opt) : xstrdup (opt);
          free (*data);
          *data = d;
          return 0;
        }
    }
  return vxn_make_error (err, 0, "config.json: %s: unsupported mount option `%s`", what, opt);
}

/* Absolute; `//` and a trailing `/` are tidied, `.` and `..` components refused. */
static char *
clean_dest (const char *d)
{
  if (d[0] != '/')
    return NULL;
  char *out = xzalloc (strlen (d) + 1), *o = out;
  for (const char *p = d; *p;)
    {
      while (*p == '/')
        p++;
      const char *e = strchrnul (p, '/');
      size_t n = e - p;
      if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
        {
          free (out);
          return NULL;
        }
      if (n)
        {
          *o++ = '/';
          memcpy (o, p, n);
          o += n;
        }
      p = e;
    }
  if (o == out)
    {
      free (out);
      return NULL;
    }
  return out;
}

/* linux.maskedPaths and linux.readonlyPaths: the guest applies them as runc does (guest/init/mounts.c). */
static int
parse_linux_paths (const cJSON *root, struct vxn_guest_spec *p, vxn_error_t *err)
{
  const cJSON *linux_ = cJSON_GetObjectItemCaseSensitive (root, "linux");
  static const char *const keys[] = { "maskedPaths", "readonlyPaths" };
  for (int k = 0; k < 2; k++)
    {
      char ***v = k ? &p->readonly_paths : &p->masked_paths;
      size_t *n = k ? &p->n_readonly_paths : &p->n_masked_paths;
      if (!cJSON_IsObject (linux_))
        continue;
      if (get_string_array (linux_, keys[k], "linux.", v, n, err) < 0)
        return -1;
      for (size_t i = 0; i < *n; i++)
        {
          char *c = clean_dest ((*v)[i]);
          if (c == NULL)
            return vxn_make_error (err, 0,
                                   "config.json: `linux.%s[%zu]` (`%s`) must be an absolute path without "
                                   "`.` or `..`",
                                   keys[k], i, (*v)[i]);
          free ((*v)[i]);
          (*v)[i] = c;
        }
    }
  return 0;
}

static int
under (const char *path, const char *dir)
{
  size_t n = strlen (dir);
  return strncmp (path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static int
parse_mount (const cJSON *jm, size_t idx, struct vxn_guest_mount *m, vxn_error_t *err)
{
  char what[64 + 4096];
  cleanup_free char *type = NULL, *dest = NULL;
  const cJSON *opts, *it;
  int bind = 0;
  snprintf (what, sizeof what, "mounts[%zu]", idx);
  if (!cJSON_IsObject (jm))
    return vxn_make_error (err, 0, "config.json: `%s` must be an object", what);
  if (get_string (jm, "destination", what, 1, &dest, err) < 0 || get_string (jm, "type", what, 0, &type, err) < 0
      || get_string (jm, "source", what, 0, &m->source, err) < 0)
    return -1;
  m->dest = clean_dest (dest);
  if (m->dest == NULL)
    return vxn_make_error (err, 0, "config.json: `%s.destination` `%s` must be an absolute path without `.` or `..`",
                           what, dest);
  snprintf (what, sizeof what, "mount at %s", m->dest);
  opts = cJSON_GetObjectItemCaseSensitive (jm, "options");
  if (opts && !cJSON_IsNull (opts) && !cJSON_IsArray (opts))
    return vxn_make_error (err, 0, "config.json: %s: `options` must be an array of strings", what);
  cJSON_ArrayForEach (it, opts)
  {
    if (!cJSON_IsString (it))
      return vxn_make_error (err, 0, "config.json: %s: `options` must be an array of strings", what);
    bind |= strcmp (it->valuestring, "bind") == 0 || strcmp (it->valuestring, "rbind") == 0;
  }
  if (type && strcmp (type, "bind") == 0)
    bind = 1;
  if (type == NULL && !bind)
    return vxn_make_error (err, 0, "config.json: %s: `type` is required (or a bind/rbind option)", what);
  const char *t = bind ? "bind" : type;
  /* The standard destinations: the guest always mounts these; config.json sets their options. */
  static const struct
  {
    const char *dest, *type, *type2;
    enum vxn_mount_kind kind;
  } std[] = {
    { "/proc", "proc", NULL, VXN_MOUNT_PROC },      { "/sys", "sysfs", NULL, VXN_MOUNT_SYSFS },
    { "/dev", "tmpfs", NULL, VXN_MOUNT_DEV },       { "/dev/pts", "devpts", NULL, VXN_MOUNT_DEVPTS },
    { "/dev/shm", "tmpfs", "bind", VXN_MOUNT_SHM }, { "/dev/mqueue", "mqueue", NULL, VXN_MOUNT_MQUEUE },
  };
  m->kind = VXN_MOUNT__COUNT;
  for (size_t i = 0; i < ARRAY_SIZE (std); i++)
    if (strcmp (m->dest, std[i].dest) == 0)
      {
        if (strcmp (t, std[i].type) != 0 && !(std[i].type2 && strcmp (t, std[i].type2) == 0))
          return vxn_make_error (err, 0, "config.json: %s: only a %s mount is supported there, not `%s`", what,
                                 std[i].type, t);
        m->kind = std[i].kind;
      }
  if (m->kind == VXN_MOUNT__COUNT)
    {
      if (under (m->dest, "/proc"))
        return vxn_make_error (err, 0,
                               "config.json: %s: mounts under /proc are not supported (the container's "
                               "/proc is mounted when it starts)",
                               what);
      if (bind)
        m->kind = VXN_MOUNT_BIND;
      else if (strcmp (t, "tmpfs") == 0)
        m->kind = VXN_MOUNT_TMPFS;
      else if (strcmp (t, "cgroup") == 0 || strcmp (t, "cgroup2") == 0)
        m->kind = VXN_MOUNT_CGROUP;
      else if (strcmp (t, "proc") == 0 || strcmp (t, "sysfs") == 0 || strcmp (t, "devpts") == 0
               || strcmp (t, "mqueue") == 0)
        return vxn_make_error (err, 0, "config.json: %s: a %s mount is only supported at its standard place", what, t);
      else
        return vxn_make_error (err, 0,
                               "config.json: %s: mount type `%s` is not supported (bind, tmpfs, and the "
                               "standard proc, sysfs, devpts, mqueue and cgroup mounts are)",
                               what, t);
    }
  if (m->kind == VXN_MOUNT_BIND && (m->source == NULL || m->source[0] == '\0'))
    return vxn_make_error (err, 0, "config.json: %s: a bind mount needs a `source`", what);
  /* A device name ("tmpfs", "proc") is not used; an engine's host shm directory (a bind on /dev/shm) is kept for its
     size, which vxn_mounts_resolve gives the guest's own /dev/shm (docker/podman --shm-size). */
  if (m->kind != VXN_MOUNT_BIND && !(m->kind == VXN_MOUNT_SHM && bind))
    {
      free (m->source);
      m->source = NULL;
    }
  const char *const *allowed
      = m->kind == VXN_MOUNT_TMPFS || m->kind == VXN_MOUNT_DEV || (m->kind == VXN_MOUNT_SHM && !bind) ? tmpfs_data
        : m->kind == VXN_MOUNT_DEVPTS                                                                 ? devpts_data
                                                                                                      : NULL;
  cJSON_ArrayForEach (it, opts)
  {
    size_t i = 0;
    while (i < ARRAY_SIZE (mount_options) && strcmp (it->valuestring, mount_options[i].name) != 0)
      i++;
    if (i < ARRAY_SIZE (mount_options))
      m->flags = (m->flags | mount_options[i].set) & ~mount_options[i].clear;
    else if (add_data (&m->data, it->valuestring, allowed, what, err) < 0)
      return -1;
  }
  return 0;
}

static int
parse_mounts (const cJSON *root, struct vxn_guest_spec *p, vxn_error_t *err)
{
  const cJSON *arr = cJSON_GetObjectItemCaseSensitive (root, "mounts"), *it;
  if (arr == NULL || cJSON_IsNull (arr))
    return 0;
  if (!cJSON_IsArray (arr))
    return vxn_make_error (err, 0, "config.json: `mounts` must be an array");
  size_t count = cJSON_GetArraySize (arr);
  if (count > VXN_MAX_MOUNTS)
    return vxn_make_error (err, 0, "config.json: more than %d `mounts`", VXN_MAX_MOUNTS);
  p->mounts = xzalloc ((count + 1) * sizeof *p->mounts);
  cJSON_ArrayForEach (it, arr)
  {
    struct vxn_guest_mount *m = &p->mounts[p->n_mounts++];
    if (parse_mount (it, p->n_mounts - 1, m, err) < 0)
      return -1;
    for (size_t i = 0; i + 1 < p->n_mounts; i++)
      if (m->kind <= VXN_MOUNT_MQUEUE && p->mounts[i].kind == m->kind)
        return vxn_make_error (err, 0, "config.json: two mounts at %s", m->dest);
  }
  return 0;
}
/* ---- end of mounts ---- */

int
vxn_oci_config_parse (const char *json, struct vxn_oci_config *cfg, vxn_error_t *err)
{
  memset (cfg, 0, sizeof *cfg);
  cJSON *root = cJSON_Parse (json);
  const cJSON *r, *ann, *it;
  int ret = -1;
  if (root == NULL)
    return vxn_make_error (err, 0, "config.json: invalid JSON near `%.20s`",
                           cJSON_GetErrorPtr () ? cJSON_GetErrorPtr () : "");
  if (!cJSON_IsObject (root))
    {
      vxn_make_error (err, 0, "config.json: top level must be an object");
      goto out;
    }
  if (get_string (root, "ociVersion", "", 1, &cfg->oci_version, err) < 0)
    goto out;
  if (strncmp (cfg->oci_version, "1.", 2) != 0)
    {
      vxn_make_error (err, 0, "config.json: unsupported ociVersion `%s` (1.x expected)", cfg->oci_version);
      goto out;
    }
  if (parse_process (root, &cfg->process, err) < 0 || parse_process_security (root, cfg, err) < 0)
    goto out;
  r = cJSON_GetObjectItemCaseSensitive (root, "root");
  if (r == NULL || !cJSON_IsObject (r))
    {
      vxn_make_error (err, 0, "config.json: `root` is required and must be an object");
      goto out;
    }
  if (get_string (r, "path", "root.", 1, &cfg->root_path, err) < 0
      || get_bool (r, "readonly", "root.", &cfg->process.readonly_root, err) < 0)
    goto out;
  if (get_string (root, "hostname", "", 0, &cfg->process.hostname, err) < 0)
    goto out;
  ann = cJSON_GetObjectItemCaseSensitive (root, "annotations");
  if (ann && !cJSON_IsNull (ann))
    {
      if (!cJSON_IsObject (ann))
        {
          vxn_make_error (err, 0, "config.json: `annotations` must be an object");
          goto out;
        }
      cJSON_ArrayForEach (it, ann) if (!cJSON_IsString (it))
      {
        vxn_make_error (err, 0, "config.json: annotation `%s` must be a string", it->string);
        goto out;
      }
      cfg->annotations_json = cJSON_PrintUnformatted (ann);
    }
  else
    cfg->annotations_json = xstrdup ("{}");
  if (parse_memory (root, &cfg->memory_limit, err) < 0 || parse_cpu (root, &cfg->cpu_quota, &cfg->cpu_period, err) < 0
      || parse_mounts (root, &cfg->process, err) < 0 || parse_linux_paths (root, &cfg->process, err) < 0)
    goto out;
  if (cJSON_IsObject (r = cJSON_GetObjectItemCaseSensitive (root, "linux"))
      && get_string (r, "cgroupsPath", "linux.", 0, &cfg->cgroups_path, err) < 0)
    goto out;
  ret = 0;
out:
  cJSON_Delete (root);
  if (ret < 0)
    vxn_oci_config_free (cfg);
  return ret;
}

int
vxn_oci_config_load (const char *bundle, struct vxn_oci_config *cfg, vxn_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/config.json", bundle);
  cleanup_free char *json = NULL;
  if (vxn_read_file (path, VXN_CONFIG_MAX_SIZE, &json, NULL, err) < 0)
    return -1;
  return vxn_oci_config_parse (json, cfg, err);
}

void
vxn_oci_config_free (struct vxn_oci_config *cfg)
{
  free (cfg->oci_version);
  free (cfg->root_path);
  free (cfg->annotations_json);
  free (cfg->ignored);
  free (cfg->cgroups_path);
  vxn_guest_spec_free (&cfg->process);
  memset (cfg, 0, sizeof *cfg);
}
