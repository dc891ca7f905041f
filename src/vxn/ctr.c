#include "config.h"

#include "ctr.h"
#include "vxn.h"
#include "strv.h"
#include "utils.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define RECORD_MAX (1024 * 1024)
#define LIST_MAX 4096 /* entries in a record's string arrays */
#define NAMES_DIR ".names"

char *
vxn_ctr_base (struct vxn_cli *cli)
{
  return xasprintf ("%s/containers", cli->root);
}

char *
vxn_ctr_dir (struct vxn_cli *cli, const char *id)
{
  return xasprintf ("%s/containers/%s", cli->root, id);
}

static int
id_valid (const char *id)
{
  if (strlen (id) != VXN_CTR_ID_LEN)
    return 0;
  for (const char *p = id; *p; p++)
    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
      return 0;
  return 1;
}

int
vxn_ctr_name_valid (const char *name)
{
  size_t n = strlen (name);
  if (n < 2 || n > VXN_CTR_NAME_MAX)
    return 0;
  for (size_t i = 0; i < n; i++)
    {
      char c = name[i];
      int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
        return 0;
    }
  return 1;
}

void
vxn_ctr_new_id (char out[VXN_CTR_ID_LEN + 1])
{
  unsigned char raw[VXN_CTR_ID_LEN / 2];
  size_t got = 0;
  while (got < sizeof raw)
    {
      ssize_t n = getrandom (raw + got, sizeof raw - got, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        abort (); /* no randomness: ids could collide, and nothing sensible is left to do */
      got += n;
    }
  /* docker avoids ids that are all digits (they would read as numbers); so do we. */
  for (size_t i = 0; i < sizeof raw; i++)
    snprintf (out + 2 * i, 3, "%02x", raw[i]);
  if (strspn (out, "0123456789") == VXN_CTR_ID_LEN)
    out[0] = 'a';
}

static const char *
json_string (const cJSON *o, const char *key)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (o, key);
  return cJSON_IsString (v) ? v->valuestring : NULL;
}

static int
get_string (const cJSON *o, const char *key, int required, char **out, vxn_error_t *err)
{
  const char *s = json_string (o, key);
  if (s == NULL && (required || cJSON_GetObjectItemCaseSensitive (o, key) != NULL))
    return vxn_make_error (err, 0, "`%s` missing or not a string", key);
  *out = xstrdup (s ? s : "");
  return 0;
}

static int
get_strv (const cJSON *o, const char *key, char ***out, vxn_error_t *err)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (o, key);
  if (v == NULL)
    {
      *out = xzalloc (sizeof (char *));
      return 0;
    }
  *out = vxn_strv_from_json (v, LIST_MAX);
  if (*out == NULL)
    return vxn_make_error (err, 0, "`%s` is not an array of strings", key);
  return 0;
}

static int
get_number (const cJSON *o, const char *key, double min, double max, double *out, vxn_error_t *err)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (o, key);
  if (v == NULL)
    {
      *out = 0;
      return 0;
    }
  if (!cJSON_IsNumber (v) || v->valuedouble < min || v->valuedouble > max)
    return vxn_make_error (err, 0, "`%s` is not a number in range", key);
  *out = v->valuedouble;
  return 0;
}

static int
parse_record (const char *text, const char *id, struct vxn_ctr *c, vxn_error_t *err)
{
  cJSON *o = cJSON_Parse (text);
  double d;
  int ret = -1;
  memset (c, 0, sizeof *c);
  if (!cJSON_IsObject (o))
    {
      vxn_make_error (err, 0, "not a JSON object");
      goto out;
    }
  if (get_string (o, "id", 1, &c->id, err) < 0 || get_string (o, "name", 1, &c->name, err) < 0
      || get_string (o, "image", 1, &c->image, err) < 0 || get_string (o, "image_id", 0, &c->image_id, err) < 0
      || get_strv (o, "command", &c->command, err) < 0 || get_string (o, "created", 1, &c->created, err) < 0
      || get_string (o, "started", 0, &c->started, err) < 0
      || get_string (o, "runtime_root", 1, &c->runtime_root, err) < 0
      || get_string (o, "stop_signal", 0, &c->stop_signal, err) < 0
      || get_string (o, "hostname", 0, &c->hostname, err) < 0 || get_strv (o, "env", &c->env, err) < 0
      || get_string (o, "workdir", 0, &c->workdir, err) < 0 || get_string (o, "user", 0, &c->user, err) < 0
      || get_strv (o, "labels", &c->labels, err) < 0)
    goto out;
  /* The id names the directory and the runtime state: it must be the one we looked for, and a safe name. */
  if (strcmp (c->id, id) != 0 || !id_valid (c->id))
    {
      vxn_make_error (err, 0, "`id` does not match the directory");
      goto out;
    }
  if (c->runtime_root[0] != '/')
    {
      vxn_make_error (err, 0, "`runtime_root` is not an absolute path");
      goto out;
    }
  if (get_number (o, "stop_timeout", -1, 86400, &d, err) < 0)
    goto out;
  c->stop_timeout = (long)d;
  if (get_number (o, "memory", 0, 9.0e15, &d, err) < 0)
    goto out;
  c->memory = (int64_t)d;
  if (get_number (o, "nano_cpus", 0, 64e9, &d, err) < 0)
    goto out;
  c->nano_cpus = (int64_t)d;
  c->auto_remove = cJSON_IsTrue (cJSON_GetObjectItemCaseSensitive (o, "auto_remove"));
  c->interactive = cJSON_IsTrue (cJSON_GetObjectItemCaseSensitive (o, "interactive"));
  c->tty = cJSON_IsTrue (cJSON_GetObjectItemCaseSensitive (o, "tty"));
  ret = 0;
out:
  cJSON_Delete (o);
  if (ret < 0)
    vxn_ctr_clear (c);
  return ret;
}

int
vxn_ctr_read (struct vxn_cli *cli, const char *id, struct vxn_ctr *c, vxn_error_t *err)
{
  memset (c, 0, sizeof *c);
  if (!id_valid (id))
    return vxn_make_error (err, 0, "invalid container id `%s`", id);
  cleanup_free char *path = xasprintf ("%s/containers/%s/" VXN_CTR_RECORD, cli->root, id);
  cleanup_free char *text = NULL;
  size_t len;
  if (vxn_read_file (path, RECORD_MAX, &text, &len, err) < 0)
    return -1;
  if (parse_record (text, id, c, err) < 0)
    return vxn_error_wrap (err, "container record `%s`", path);
  return 0;
}

static cJSON *
strv_json (char *const *v)
{
  cJSON *a = cJSON_CreateArray ();
  for (size_t i = 0; v && v[i]; i++)
    cJSON_AddItemToArray (a, cJSON_CreateString (v[i]));
  return a;
}

int
vxn_ctr_write (struct vxn_cli *cli, const struct vxn_ctr *c, vxn_error_t *err)
{
  cJSON *o = cJSON_CreateObject ();
  cJSON_AddNumberToObject (o, "version", 1);
  cJSON_AddStringToObject (o, "id", c->id);
  cJSON_AddStringToObject (o, "name", c->name);
  cJSON_AddStringToObject (o, "image", c->image);
  cJSON_AddStringToObject (o, "image_id", c->image_id ? c->image_id : "");
  cJSON_AddItemToObject (o, "command", strv_json (c->command));
  cJSON_AddStringToObject (o, "created", c->created);
  cJSON_AddStringToObject (o, "started", c->started ? c->started : "");
  cJSON_AddStringToObject (o, "runtime_root", c->runtime_root);
  cJSON_AddStringToObject (o, "stop_signal", c->stop_signal ? c->stop_signal : "");
  cJSON_AddNumberToObject (o, "stop_timeout", (double)c->stop_timeout);
  cJSON_AddBoolToObject (o, "auto_remove", c->auto_remove);
  cJSON_AddBoolToObject (o, "interactive", c->interactive);
  cJSON_AddBoolToObject (o, "tty", c->tty);
  cJSON_AddNumberToObject (o, "memory", (double)c->memory);
  cJSON_AddNumberToObject (o, "nano_cpus", (double)c->nano_cpus);
  cJSON_AddStringToObject (o, "hostname", c->hostname ? c->hostname : "");
  cJSON_AddItemToObject (o, "env", strv_json (c->env));
  cJSON_AddStringToObject (o, "workdir", c->workdir ? c->workdir : "");
  cJSON_AddStringToObject (o, "user", c->user ? c->user : "");
  cJSON_AddItemToObject (o, "labels", strv_json (c->labels));
  cleanup_free char *log = xasprintf ("%s/containers/%s/" VXN_CTR_LOG, cli->root, c->id);
  cJSON_AddStringToObject (o, "log_path", log); /* for people reading the record; we derive it */
  char *text = cJSON_Print (o);
  cJSON_Delete (o);
  cleanup_free char *dir = vxn_ctr_dir (cli, c->id);
  cleanup_close int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int ret;
  if (dfd < 0)
    ret = vxn_make_error (err, errno, "open `%s`", dir);
  else
    ret = vxn_write_file_atomic_at (dfd, VXN_CTR_RECORD, text, strlen (text), 0600, err);
  free (text);
  return ret;
}

void
vxn_ctr_clear (struct vxn_ctr *c)
{
  free (c->id);
  free (c->name);
  free (c->image);
  free (c->image_id);
  vxn_strv_free (c->command);
  free (c->created);
  free (c->started);
  free (c->runtime_root);
  free (c->stop_signal);
  free (c->hostname);
  vxn_strv_free (c->env);
  free (c->workdir);
  free (c->user);
  vxn_strv_free (c->labels);
  memset (c, 0, sizeof *c);
}

int
vxn_ctr_list (struct vxn_cli *cli, char ***ids, vxn_error_t *err)
{
  cleanup_free char *base = vxn_ctr_base (cli);
  *ids = xzalloc (sizeof (char *));
  DIR *d = opendir (base);
  if (d == NULL)
    {
      if (errno == ENOENT)
        return 0;
      return vxn_make_error (err, errno, "open `%s`", base);
    }
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    if (id_valid (de->d_name))
      *ids = vxn_strv_append (*ids, de->d_name);
  closedir (d);
  return 0;
}

static int
names_dir (struct vxn_cli *cli, vxn_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/containers/" NAMES_DIR, cli->root);
  if (vxn_mkdir_p (path, 0700, err) < 0)
    return -1;
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return vxn_make_error (err, errno, "open `%s`", path);
  return fd;
}

char *
vxn_ctr_name_lookup (struct vxn_cli *cli, const char *name)
{
  if (!vxn_ctr_name_valid (name))
    return NULL;
  cleanup_free char *path = xasprintf ("%s/containers/" NAMES_DIR "/%s", cli->root, name);
  char buf[VXN_CTR_ID_LEN + 2];
  ssize_t n = readlink (path, buf, sizeof buf - 1);
  if (n != VXN_CTR_ID_LEN)
    return NULL;
  buf[n] = '\0';
  return id_valid (buf) ? xstrdup (buf) : NULL;
}

int
vxn_ctr_name_claim (struct vxn_cli *cli, const char *name, const char *id, vxn_error_t *err)
{
  cleanup_close int dfd = names_dir (cli, err);
  if (dfd < 0)
    return -1;
  if (symlinkat (id, dfd, name) == 0)
    return 0;
  if (errno != EEXIST)
    return vxn_make_error (err, errno, "claim the name `%s`", name);
  cleanup_free char *owner = vxn_ctr_name_lookup (cli, name);
  /* A name whose container record is gone (removed by hand) is free again. */
  if (owner)
    {
      cleanup_free char *dir = vxn_ctr_dir (cli, owner);
      struct stat st;
      if (stat (dir, &st) < 0 && errno == ENOENT && unlinkat (dfd, name, 0) == 0 && symlinkat (id, dfd, name) == 0)
        return 0;
    }
  return vxn_make_error (err, 0,
                         "Conflict. The container name \"/%s\" is already in use by container \"%s\". You have to "
                         "remove (or rename) that container to be able to reuse that name.",
                         name, owner ? owner : "?");
}

static const char *const adjectives[] = {
  "admiring", "brave",   "clever", "dazzling", "eager",    "festive",    "gifted",   "happy",     "inspiring",
  "jolly",    "keen",    "loving", "modest",   "nifty",    "optimistic", "peaceful", "quirky",    "relaxed",
  "serene",   "tender",  "upbeat", "vibrant",  "wizardly", "youthful",   "zealous",  "bold",      "calm",
  "elated",   "focused", "gentle", "hopeful",  "jovial",   "lucid",      "musing",   "nostalgic", "pensive",
};
static const char *const names[] = {
  "hopper",   "lovelace", "turing", "ritchie", "thompson",  "kernighan", "torvalds", "stallman", "knuth",
  "dijkstra", "hamilton", "liskov", "wozniak", "babbage",   "noether",   "curie",    "lamarr",   "shannon",
  "pike",     "mccarthy", "backus", "allen",   "cerf",      "kahn",      "perlman",  "goldberg", "bartik",
  "sammet",   "wilkes",   "hoare",  "lamport", "engelbart", "kay",       "hellman",  "diffie",   "fraser",
};

char *
vxn_ctr_random_name (struct vxn_cli *cli)
{
  for (int attempt = 0; attempt < 64; attempt++)
    {
      unsigned r[2];
      if (getrandom (r, sizeof r, 0) != sizeof r)
        r[0] = (unsigned)getpid (), r[1] = (unsigned)attempt;
      char *n = attempt < 32
                    ? xasprintf ("%s_%s", adjectives[r[0] % ARRAY_SIZE (adjectives)], names[r[1] % ARRAY_SIZE (names)])
                    : xasprintf ("%s_%s%u", adjectives[r[0] % ARRAY_SIZE (adjectives)],
                                 names[r[1] % ARRAY_SIZE (names)], r[1] % 1000);
      cleanup_free char *owner = vxn_ctr_name_lookup (cli, n);
      if (owner == NULL)
        return n; /* still raced by a concurrent run: the claim decides */
      free (n);
    }
  char id[VXN_CTR_ID_LEN + 1];
  vxn_ctr_new_id (id);
  return xasprintf ("vxn_%.12s", id);
}

int
vxn_ctr_remove (struct vxn_cli *cli, const char *id, const char *name, vxn_error_t *err)
{
  if (name && *name)
    {
      cleanup_free char *owner = vxn_ctr_name_lookup (cli, name);
      if (owner && strcmp (owner, id) == 0)
        {
          cleanup_free char *link = xasprintf ("%s/containers/" NAMES_DIR "/%s", cli->root, name);
          unlink (link);
        }
    }
  cleanup_free char *base = vxn_ctr_base (cli);
  cleanup_close int bfd = open (base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (bfd < 0)
    return errno == ENOENT ? 0 : vxn_make_error (err, errno, "open `%s`", base);
  return vxn_rm_rf_at (bfd, id, err);
}
