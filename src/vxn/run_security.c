#include "config.h"

#include "run_security.h"

#include "guest_spec.h"
#include "strv.h"
#include "utils.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include <cjson/cJSON.h>

/* docker accepts "net_admin", "NET_ADMIN" and "CAP_NET_ADMIN"; the spec wants "CAP_NET_ADMIN". */
int
run_security_cap (struct run_security *s, int add, const char *arg, char *errbuf, size_t errlen)
{
  char name[64];
  cap_value_t v;
  if (strcasecmp (arg, "ALL") == 0)
    snprintf (name, sizeof name, "ALL");
  else
    {
      const char *base = strncasecmp (arg, "CAP_", 4) == 0 ? arg + 4 : arg;
      int n = snprintf (name, sizeof name, "CAP_%s", base);
      for (char *p = name; *p; p++)
        *p = (char)toupper ((unsigned char)*p);
      /* libcap also takes numbers; docker does not. */
      if (n >= (int)sizeof name || *base == '\0' || isdigit ((unsigned char)base[0]) || cap_from_name (name, &v) < 0
          || v < 0 || v > 63)
        {
          snprintf (errbuf, errlen, "invalid capability: %s", arg);
          return -1;
        }
    }
  char ***list = add ? &s->cap_add : &s->cap_drop;
  *list = vxn_strv_append (*list, name);
  return 0;
}

static int
parse_limit (const char *s, int64_t *out)
{
  char *end;
  errno = 0;
  long long v = strtoll (s, &end, 10);
  if (errno || end == s || *end || v < -1)
    return -1;
  *out = v;
  return 0;
}

static int
bad_ulimit (const char *arg, char *errbuf, size_t errlen)
{
  snprintf (errbuf, errlen, "invalid ulimit argument: %s (NAME=SOFT[:HARD])", arg);
  return -1;
}

/* NAME=SOFT[:HARD], docker's syntax; -1 is unlimited. */
int
run_security_ulimit (struct run_security *s, const char *arg, char *errbuf, size_t errlen)
{
  const char *eq = strchr (arg, '=');
  if (eq == NULL || eq == arg || (size_t)(eq - arg) > 20 || strlen (eq + 1) >= 64)
    return bad_ulimit (arg, errbuf, errlen);
  char type[48], soft_s[64], hard_s[64] = "";
  int64_t soft, hard;
  snprintf (type, sizeof type, "RLIMIT_%.*s", (int)(eq - arg), arg);
  for (char *p = type; *p; p++)
    *p = (char)toupper ((unsigned char)*p);
  const char *colon = strchr (eq + 1, ':');
  snprintf (soft_s, sizeof soft_s, "%.*s", colon ? (int)(colon - eq - 1) : (int)strlen (eq + 1), eq + 1);
  if (colon)
    snprintf (hard_s, sizeof hard_s, "%s", colon + 1);
  if (vxn_rlimit_number (type) < 0)
    {
      snprintf (errbuf, errlen, "invalid ulimit type: %.*s", (int)(eq - arg), arg);
      return -1;
    }
  if (parse_limit (soft_s, &soft) < 0 || (colon && parse_limit (hard_s, &hard) < 0))
    return bad_ulimit (arg, errbuf, errlen);
  if (!colon)
    hard = soft;
  /* -1 is unlimited: above any number. */
  if (hard != -1 && (soft == -1 || soft > hard))
    {
      snprintf (errbuf, errlen, "ulimit soft limit must be less than or equal to hard limit: %s", arg);
      return -1;
    }
  cleanup_free char *entry = xasprintf ("%s %" PRId64 " %" PRId64, type, soft, hard);
  for (size_t i = 0; s->ulimits && s->ulimits[i]; i++)
    if (strncmp (s->ulimits[i], type, strlen (type)) == 0 && s->ulimits[i][strlen (type)] == ' ')
      {
        /* The last one given wins, as docker's map does. */
        free (s->ulimits[i]);
        s->ulimits[i] = xstrdup (entry);
        return 0;
      }
  s->ulimits = vxn_strv_append (s->ulimits, entry);
  return 0;
}

int
run_security_opt (struct run_security *s, const char *arg, char *errbuf, size_t errlen)
{
  if (strcmp (arg, "no-new-privileges") == 0 || strcmp (arg, "no-new-privileges:true") == 0
      || strcmp (arg, "no-new-privileges=true") == 0)
    s->no_new_privs = 1;
  else if (strcmp (arg, "no-new-privileges:false") == 0 || strcmp (arg, "no-new-privileges=false") == 0)
    s->no_new_privs = 0;
  else if (strcmp (arg, "seccomp=unconfined") == 0 || strcmp (arg, "apparmor=unconfined") == 0
           || strcmp (arg, "label=disable") == 0 || strcmp (arg, "label:disable") == 0)
    ; /* asks for no policy: the guest loads none anyway */
  else
    {
      snprintf (errbuf, errlen,
                "--security-opt %s is not supported (no-new-privileges is; the guest loads no seccomp, AppArmor or "
                "SELinux policy: the domain is the isolation boundary)",
                arg);
      return -1;
    }
  return 0;
}

static int
has (const cJSON *arr, const char *name)
{
  const cJSON *it;
  cJSON_ArrayForEach (it, arr) if (cJSON_IsString (it) && strcmp (it->valuestring, name) == 0) return 1;
  return 0;
}

static int
listed (char **l, const char *name)
{
  for (size_t i = 0; l && l[i]; i++)
    if (strcmp (l[i], name) == 0)
      return 1;
  return 0;
}

/* docker's order: drop first (ALL empties the set), then add (ALL is every capability the guest kernel knows). */
static void
patch_caps (cJSON *process, const struct run_security *s)
{
  static const char *const sets[] = { "bounding", "effective", "permitted" };
  cJSON *caps = cJSON_GetObjectItemCaseSensitive (process, "capabilities");
  if (!cJSON_IsObject (caps))
    caps = cJSON_AddObjectToObject (process, "capabilities");
  for (size_t k = 0; k < ARRAY_SIZE (sets); k++)
    {
      cJSON *old = cJSON_GetObjectItemCaseSensitive (caps, sets[k]);
      cJSON *now = cJSON_CreateArray ();
      const cJSON *it;
      if (!listed (s->cap_drop, "ALL"))
        cJSON_ArrayForEach (it, old) if (cJSON_IsString (it) && !listed (s->cap_drop, it->valuestring))
            cJSON_AddItemToArray (now, cJSON_CreateString (it->valuestring));
      if (listed (s->cap_add, "ALL"))
        for (cap_value_t v = 0; v <= CAP_LAST_CAP; v++)
          {
            char *n = cap_to_name (v), name[64];
            snprintf (name, sizeof name, "%s", n);
            cap_free (n);
            for (char *p = name; *p; p++)
              *p = (char)toupper ((unsigned char)*p);
            if (!has (now, name))
              cJSON_AddItemToArray (now, cJSON_CreateString (name));
          }
      for (size_t i = 0; s->cap_add && s->cap_add[i]; i++)
        if (strcmp (s->cap_add[i], "ALL") != 0 && !has (now, s->cap_add[i]))
          cJSON_AddItemToArray (now, cJSON_CreateString (s->cap_add[i]));
      cJSON_DeleteItemFromObjectCaseSensitive (caps, sets[k]);
      cJSON_AddItemToObject (caps, sets[k], now);
    }
}

static void
patch_ulimits (cJSON *process, char **ulimits)
{
  cJSON *rl = cJSON_GetObjectItemCaseSensitive (process, "rlimits");
  if (!cJSON_IsArray (rl))
    rl = cJSON_AddArrayToObject (process, "rlimits");
  for (size_t i = 0; ulimits && ulimits[i]; i++)
    {
      char type[48];
      long long soft, hard;
      if (sscanf (ulimits[i], "%47s %lld %lld", type, &soft, &hard) != 3)
        continue;
      /* One entry per type: --ulimit replaces the image default. */
      for (int j = cJSON_GetArraySize (rl) - 1; j >= 0; j--)
        {
          const cJSON *t = cJSON_GetObjectItemCaseSensitive (cJSON_GetArrayItem (rl, j), "type");
          if (cJSON_IsString (t) && strcmp (t->valuestring, type) == 0)
            cJSON_DeleteItemFromArray (rl, j);
        }
      cJSON *e = cJSON_CreateObject ();
      cJSON_AddStringToObject (e, "type", type);
      /* -1 (unlimited) is RLIM_INFINITY: 2^64-1, exact in JSON's doubles as cJSON prints it. */
      cJSON_AddItemToObject (e, "hard",
                             hard < 0 ? cJSON_CreateRaw ("18446744073709551615") : cJSON_CreateNumber ((double)hard));
      cJSON_AddItemToObject (e, "soft",
                             soft < 0 ? cJSON_CreateRaw ("18446744073709551615") : cJSON_CreateNumber ((double)soft));
      cJSON_AddItemToArray (rl, e);
    }
}

void
run_security_patch (cJSON *process, const struct run_security *s)
{
  if (!cJSON_IsObject (process))
    return;
  if (s->cap_add || s->cap_drop)
    patch_caps (process, s);
  if (s->ulimits)
    patch_ulimits (process, s->ulimits);
  if (s->no_new_privs)
    {
      cJSON_DeleteItemFromObjectCaseSensitive (process, "noNewPrivileges");
      cJSON_AddTrueToObject (process, "noNewPrivileges");
    }
}

void
run_security_clear (struct run_security *s)
{
  vxn_strv_free (s->cap_add);
  vxn_strv_free (s->cap_drop);
  vxn_strv_free (s->ulimits);
  s->cap_add = s->cap_drop = s->ulimits = NULL;
}
