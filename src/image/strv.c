#include "config.h"

#include "strv.h"
#include "utils.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

size_t
vxn_strv_len (char *const *v)
{
  size_t n = 0;
  while (v && v[n])
    n++;
  return n;
}

void
vxn_strv_free (char **v)
{
  for (size_t i = 0; v && v[i]; i++)
    free (v[i]);
  free (v);
}

void
vxn_cleanup_strvp (char ***v)
{
  vxn_strv_free (*v);
}

char **
vxn_strv_append (char **v, const char *s)
{
  size_t n = vxn_strv_len (v);
  v = realloc (v, sizeof *v * (n + 2));
  if (v == NULL)
    abort ();
  v[n] = xstrdup (s);
  v[n + 1] = NULL;
  return v;
}

char **
vxn_strv_dup (char *const *v)
{
  char **r = xzalloc (sizeof *r);
  for (size_t i = 0; v && v[i]; i++)
    r = vxn_strv_append (r, v[i]);
  return r;
}

char **
vxn_strv_from_json (const cJSON *j, size_t max)
{
  if (!cJSON_IsArray (j) || (size_t)cJSON_GetArraySize (j) > max)
    return NULL;
  char **r = xzalloc (sizeof *r);
  const cJSON *it;
  cJSON_ArrayForEach (it, j)
  {
    if (!cJSON_IsString (it))
      {
        vxn_strv_free (r);
        return NULL;
      }
    r = vxn_strv_append (r, it->valuestring);
  }
  return r;
}

char **
vxn_strv_keys_from_json (const cJSON *j, size_t max)
{
  if (!cJSON_IsObject (j) || (size_t)cJSON_GetArraySize (j) > max)
    return NULL;
  char **r = xzalloc (sizeof *r);
  const cJSON *it;
  cJSON_ArrayForEach (it, j) r = vxn_strv_append (r, it->string);
  return r;
}

char *
vxn_strv_join (char *const *v, const char *sep)
{
  size_t len = 1, seplen = strlen (sep);
  for (size_t i = 0; v && v[i]; i++)
    len += strlen (v[i]) + seplen;
  char *r = xzalloc (len), *p = r;
  for (size_t i = 0; v && v[i]; i++)
    {
      if (i)
        p = stpcpy (p, sep);
      p = stpcpy (p, v[i]);
    }
  return r;
}
