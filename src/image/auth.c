#include "config.h"

#include "auth.h"
#include "ref.h"
#include "utils.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#define MAX_CONFIG_SIZE (4 * 1024 * 1024)
#define DOCKER_IO_KEY "https://index.docker.io/v1/"

char *
vxn_base64_encode (const void *data, size_t len)
{
  char *out = xmalloc (4 * ((len + 2) / 3) + 1);
  EVP_EncodeBlock ((unsigned char *)out, data, len);
  return out;
}

char *
vxn_base64_decode (const char *s, size_t *len)
{
  size_t n = strlen (s);
  if (n == 0 || n % 4 != 0 || n > MAX_CONFIG_SIZE)
    return NULL;
  unsigned char *out = xmalloc (n / 4 * 3 + 1);
  int r = EVP_DecodeBlock (out, (const unsigned char *)s, n);
  if (r < 0)
    {
      free (out);
      return NULL;
    }
  /* EVP_DecodeBlock counts the padding as zero bytes. */
  if (s[n - 1] == '=')
    r--;
  if (s[n - 2] == '=')
    r--;
  out[r] = '\0';
  if (len)
    *len = r;
  return (char *)out;
}

char *
vxn_auth_config_path (void)
{
  const char *dir = getenv ("DOCKER_CONFIG");
  if (dir && *dir)
    return xasprintf ("%s/config.json", dir);
  const char *home = getenv ("HOME");
  return xasprintf ("%s/.docker/config.json", home && *home ? home : "/root");
}

char *
vxn_auth_key (const char *domain)
{
  return xstrdup (strcmp (domain, VXN_DOCKER_DOMAIN) == 0 ? DOCKER_IO_KEY : domain);
}

/* docker's ConvertToHostname: keys may be URLs ("https://host/v1/"); compare hosts. */
static int
key_matches (const char *key, const char *domain)
{
  const char *k = key;
  if (strncmp (k, "https://", 8) == 0)
    k += 8;
  else if (strncmp (k, "http://", 7) == 0)
    k += 7;
  size_t n = strcspn (k, "/");
  if (strcmp (domain, VXN_DOCKER_DOMAIN) == 0)
    return (n == 9 && strncmp (k, "docker.io", 9) == 0) || (n == 15 && strncmp (k, "index.docker.io", 15) == 0)
           || (n == 20 && strncmp (k, "registry-1.docker.io", 20) == 0);
  return strlen (domain) == n && strncmp (k, domain, n) == 0;
}

static int
load_config (cJSON **out, vxn_error_t *err)
{
  cleanup_free char *path = vxn_auth_config_path ();
  cleanup_free char *buf = NULL;
  size_t len;
  *out = NULL;
  int ret = vxn_read_file (path, MAX_CONFIG_SIZE, &buf, &len, err);
  if (ret < 0 && (*err)->errno_value == ENOENT)
    {
      vxn_error_release (err);
      *out = cJSON_CreateObject ();
      return 0;
    }
  if (ret < 0)
    return ret;
  *out = cJSON_ParseWithLength (buf, len);
  if (*out == NULL || !cJSON_IsObject (*out))
    {
      cJSON_Delete (*out);
      *out = NULL;
      return vxn_make_error (err, 0, "`%s` is not a JSON object", path);
    }
  return 0;
}

int
vxn_auth_lookup (const char *domain, char **user, char **password, vxn_error_t *err)
{
  static int warned;
  cJSON *cfg;
  *user = *password = NULL;
  int ret = load_config (&cfg, err);
  if (ret < 0)
    return ret;
  if (!warned
      && (cJSON_GetObjectItemCaseSensitive (cfg, "credsStore")
          || cJSON_GetObjectItemCaseSensitive (cfg, "credHelpers")))
    {
      vxn_warning ("docker credential helpers are not supported: only credentials stored in the config file are used");
      warned = 1;
    }
  const cJSON *auths = cJSON_GetObjectItemCaseSensitive (cfg, "auths"), *it;
  ret = 0;
  cJSON_ArrayForEach (it, auths)
  {
    if (!key_matches (it->string, domain))
      continue;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive (it, "auth");
    const cJSON *u = cJSON_GetObjectItemCaseSensitive (it, "username");
    const cJSON *p = cJSON_GetObjectItemCaseSensitive (it, "password");
    if (cJSON_IsString (a) && a->valuestring[0])
      {
        cleanup_free char *plain = vxn_base64_decode (a->valuestring, NULL);
        char *colon = plain ? strchr (plain, ':') : NULL;
        if (colon == NULL)
          {
            ret = vxn_make_error (err, 0, "credentials for `%s` in the docker config are malformed", it->string);
            break;
          }
        *colon = '\0';
        *user = xstrdup (plain);
        *password = xstrdup (colon + 1);
        ret = 1;
        break;
      }
    if (cJSON_IsString (u) && cJSON_IsString (p))
      {
        *user = xstrdup (u->valuestring);
        *password = xstrdup (p->valuestring);
        ret = 1;
        break;
      }
  }
  cJSON_Delete (cfg);
  return ret;
}

static int
save_config (cJSON *cfg, vxn_error_t *err)
{
  cleanup_free char *path = vxn_auth_config_path ();
  cleanup_free char *dir = xstrdup (path);
  *strrchr (dir, '/') = '\0';
  int ret = vxn_mkdir_p (dir, 0700, err);
  if (ret < 0)
    return ret;
  char *text = cJSON_Print (cfg);
  /* 0600: the file holds passwords, merely base64-encoded. */
  ret = vxn_write_file_atomic (path, text, strlen (text), 0600, err);
  free (text);
  return ret;
}

int
vxn_auth_save (const char *domain, const char *user, const char *password, vxn_error_t *err)
{
  if (strchr (user, ':'))
    return vxn_make_error (err, 0, "a user name cannot contain `:`");
  cJSON *cfg;
  int ret = load_config (&cfg, err);
  if (ret < 0)
    return ret;
  cJSON *auths = cJSON_GetObjectItemCaseSensitive (cfg, "auths");
  if (!cJSON_IsObject (auths))
    {
      cJSON_DeleteItemFromObjectCaseSensitive (cfg, "auths");
      auths = cJSON_AddObjectToObject (cfg, "auths");
    }
  cleanup_free char *key = vxn_auth_key (domain);
  cleanup_free char *plain = xasprintf ("%s:%s", user, password);
  cleanup_free char *b64 = vxn_base64_encode (plain, strlen (plain));
  cJSON *entry = cJSON_CreateObject ();
  cJSON_AddStringToObject (entry, "auth", b64);
  if (cJSON_GetObjectItemCaseSensitive (auths, key))
    cJSON_ReplaceItemInObjectCaseSensitive (auths, key, entry);
  else
    cJSON_AddItemToObject (auths, key, entry);
  ret = save_config (cfg, err);
  cJSON_Delete (cfg);
  return ret;
}

int
vxn_auth_remove (const char *domain, vxn_error_t *err)
{
  cJSON *cfg;
  int ret = load_config (&cfg, err);
  if (ret < 0)
    return ret;
  cJSON *auths = cJSON_GetObjectItemCaseSensitive (cfg, "auths");
  int removed = 0;
  for (cJSON *it = auths ? auths->child : NULL, *next; it; it = next)
    {
      next = it->next;
      if (key_matches (it->string, domain))
        {
          cJSON_Delete (cJSON_DetachItemViaPointer (auths, it));
          removed = 1;
        }
    }
  if (removed)
    ret = save_config (cfg, err);
  cJSON_Delete (cfg);
  return ret < 0 ? ret : removed;
}
