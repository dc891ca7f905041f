#include "config.h"

#include "ref.h"
#include "digest.h"
#include "utils.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Same limits as docker/distribution's reference package. */
#define MAX_NAME_LEN 255
#define MAX_TAG_LEN 128
#define MAX_INPUT_LEN 4096

static int
is_lower_alnum (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int
is_alnum (char c)
{
  return is_lower_alnum (c) || (c >= 'A' && c <= 'Z');
}

/* path-component := [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)* */
static int
path_component_valid (const char *s, size_t len)
{
  size_t i = 0;
  if (len == 0 || !is_lower_alnum (s[0]))
    return 0;
  while (i < len)
    {
      while (i < len && is_lower_alnum (s[i]))
        i++;
      if (i == len)
        return 1;
      size_t sep = i;
      if (s[i] == '.')
        i++;
      else if (s[i] == '_')
        i += (i + 1 < len && s[i + 1] == '_') ? 2 : 1;
      else if (s[i] == '-')
        while (i < len && s[i] == '-')
          i++;
      else
        return 0;
      if (i == sep || i == len || !is_lower_alnum (s[i]))
        return 0;
    }
  return 1;
}

static int
path_valid (const char *path)
{
  const char *p = path;
  for (;;)
    {
      const char *slash = strchr (p, '/');
      size_t len = slash ? (size_t)(slash - p) : strlen (p);
      if (!path_component_valid (p, len))
        return 0;
      if (slash == NULL)
        return 1;
      p = slash + 1;
    }
}

int
vxn_ref_domain_valid (const char *domain)
{
  const char *p = domain;
  const char *colon;
  if (*p == '[')
    {
      /* IPv6 literal: hex digits, colons and dots inside brackets; the OS resolver is the real judge. */
      const char *close = strchr (p, ']');
      if (close == NULL || close == p + 1)
        return 0;
      for (const char *q = p + 1; q < close; q++)
        if (!isxdigit ((unsigned char)*q) && *q != ':' && *q != '.')
          return 0;
      p = close + 1;
      colon = *p == ':' ? p : NULL;
      if (*p && !colon)
        return 0;
    }
  else
    {
      colon = strchr (p, ':');
      size_t hostlen = colon ? (size_t)(colon - p) : strlen (p);
      /* domain-component := [a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9], joined by dots */
      size_t i = 0;
      if (hostlen == 0)
        return 0;
      while (i < hostlen)
        {
          size_t start = i;
          while (i < hostlen && (is_alnum (p[i]) || p[i] == '-'))
            i++;
          if (i == start || p[start] == '-' || p[i - 1] == '-')
            return 0;
          if (i < hostlen)
            {
              if (p[i] != '.' || i + 1 == hostlen)
                return 0;
              i++;
            }
        }
    }
  if (colon)
    {
      long port;
      if (vxn_parse_long (colon + 1, 1, 65535, &port) < 0)
        return 0;
    }
  return 1;
}

int
vxn_ref_tag_valid (const char *tag)
{
  size_t len = strlen (tag);
  if (len == 0 || len > MAX_TAG_LEN)
    return 0;
  if (!(is_alnum (tag[0]) || tag[0] == '_'))
    return 0;
  for (size_t i = 1; i < len; i++)
    if (!(is_alnum (tag[i]) || tag[i] == '_' || tag[i] == '.' || tag[i] == '-'))
      return 0;
  return 1;
}

static int
is_64_hex (const char *s)
{
  if (strlen (s) != 64)
    return 0;
  for (; *s; s++)
    if (!isxdigit ((unsigned char)*s))
      return 0;
  return 1;
}

void
vxn_ref_clear (struct vxn_ref *ref)
{
  free (ref->domain);
  free (ref->path);
  free (ref->tag);
  free (ref->digest);
  memset (ref, 0, sizeof *ref);
}

int
vxn_ref_parse (const char *s, struct vxn_ref *ref, vxn_error_t *err)
{
  memset (ref, 0, sizeof *ref);
  if (s == NULL || *s == '\0')
    return vxn_make_error (err, 0, "invalid reference format: empty");
  if (strlen (s) > MAX_INPUT_LEN)
    return vxn_make_error (err, 0, "invalid reference format: too long");
  cleanup_free char *copy = xstrdup (s);
  char *at = strchr (copy, '@');
  if (at)
    {
      *at = '\0';
      if (strncmp (at + 1, VXN_DIGEST_PREFIX, 7) != 0)
        return vxn_make_error (err, 0, "invalid reference `%s`: unsupported digest algorithm (only sha256)", s);
      if (!vxn_digest_valid (at + 1))
        return vxn_make_error (err, 0, "invalid reference `%s`: malformed digest", s);
      ref->digest = xstrdup (at + 1);
    }
  char *last_slash = strrchr (copy, '/');
  char *colon = strrchr (last_slash ? last_slash : copy, ':');
  if (colon)
    {
      *colon = '\0';
      if (!vxn_ref_tag_valid (colon + 1))
        {
          vxn_ref_clear (ref);
          return vxn_make_error (err, 0, "invalid reference `%s`: invalid tag", s);
        }
      ref->tag = xstrdup (colon + 1);
    }
  const char *name = copy;
  char *slash = strchr (copy, '/');
  if (slash)
    {
      /* The first component is a registry host only if it looks like one: a dot or a port, "localhost", or
         capitals (docker's rule: repository paths are lowercase, so capitals can only be a hostname). */
      size_t n = slash - copy;
      int is_domain = memchr (copy, '.', n) || memchr (copy, ':', n) || (n == 9 && strncmp (copy, "localhost", 9) == 0);
      for (size_t i = 0; i < n && !is_domain; i++)
        if (copy[i] >= 'A' && copy[i] <= 'Z')
          is_domain = 1;
      if (!is_domain)
        slash = NULL;
    }
  if (slash)
    {
      *slash = '\0';
      ref->domain = xstrdup (copy);
      name = slash + 1;
    }
  else
    ref->domain = xstrdup (VXN_DOCKER_DOMAIN);
  if (strcmp (ref->domain, "index.docker.io") == 0)
    {
      free (ref->domain);
      ref->domain = xstrdup (VXN_DOCKER_DOMAIN);
    }
  if (!vxn_ref_domain_valid (ref->domain))
    {
      vxn_ref_clear (ref);
      return vxn_make_error (err, 0, "invalid reference `%s`: invalid registry host", s);
    }
  if (strcmp (ref->domain, VXN_DOCKER_DOMAIN) == 0 && strchr (name, '/') == NULL)
    ref->path = xasprintf ("library/%s", name);
  else
    ref->path = xstrdup (name);
  if (!path_valid (ref->path))
    {
      int upper = 0;
      for (const char *p = name; *p; p++)
        upper |= (*p >= 'A' && *p <= 'Z');
      vxn_ref_clear (ref);
      return vxn_make_error (err, 0, "invalid reference `%s`: %s", s,
                             upper ? "repository name must be lowercase" : "invalid repository name");
    }
  if (is_64_hex (name))
    {
      vxn_ref_clear (ref);
      return vxn_make_error (err, 0, "invalid reference `%s`: a repository name cannot be a 64-byte hex string", s);
    }
  if (strlen (ref->domain) + 1 + strlen (ref->path) > MAX_NAME_LEN)
    {
      vxn_ref_clear (ref);
      return vxn_make_error (err, 0, "invalid reference `%s`: name longer than %d bytes", s, MAX_NAME_LEN);
    }
  if (ref->tag == NULL && ref->digest == NULL)
    ref->tag = xstrdup ("latest");
  return 0;
}

char *
vxn_ref_name (const struct vxn_ref *ref)
{
  return xasprintf ("%s/%s", ref->domain, ref->path);
}

char *
vxn_ref_string (const struct vxn_ref *ref)
{
  return xasprintf ("%s/%s%s%s%s%s", ref->domain, ref->path, ref->tag ? ":" : "", ref->tag ? ref->tag : "",
                    ref->digest ? "@" : "", ref->digest ? ref->digest : "");
}

char *
vxn_ref_key (const struct vxn_ref *ref)
{
  if (ref->tag)
    return xasprintf ("%s/%s:%s", ref->domain, ref->path, ref->tag);
  return xasprintf ("%s/%s@%s", ref->domain, ref->path, ref->digest);
}

char *
vxn_ref_familiar_name (const struct vxn_ref *ref)
{
  if (strcmp (ref->domain, VXN_DOCKER_DOMAIN) != 0)
    return vxn_ref_name (ref);
  if (strncmp (ref->path, "library/", 8) == 0 && strchr (ref->path + 8, '/') == NULL)
    return xstrdup (ref->path + 8);
  return xstrdup (ref->path);
}

const char *
vxn_ref_reference (const struct vxn_ref *ref)
{
  return ref->digest ? ref->digest : ref->tag;
}
