#include "config.h"

#include "challenge.h"
#include "utils.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_HEADER 8192

static int
is_token_char (char c)
{
  /* strchr would also match the terminating NUL: test it first. */
  return c != '\0'
         && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
             || strchr ("!#$%&'*+-.^_`|~", c));
}

static const char *
skip_ws (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

/* token or quoted-string (backslash escapes) into a new string; *P is advanced. */
static char *
parse_value (const char **pp)
{
  const char *p = *pp;
  size_t cap = strlen (p) + 1, n = 0;
  char *out = xmalloc (cap);
  if (*p == '"')
    {
      p++;
      while (*p && *p != '"')
        {
          if (*p == '\\' && p[1])
            p++;
          out[n++] = *p++;
        }
      if (*p != '"')
        {
          free (out);
          return NULL;
        }
      p++;
    }
  else
    while (*p && (is_token_char (*p) || *p == '/' || *p == ':' || *p == '='))
      out[n++] = *p++;
  out[n] = '\0';
  *pp = p;
  return out;
}

void
vxn_challenge_clear (struct vxn_challenge *c)
{
  free (c->realm);
  free (c->service);
  free (c->scope);
  memset (c, 0, sizeof *c);
}

void
vxn_challenge_merge (struct vxn_challenge *dst, struct vxn_challenge *src)
{
  if (src->scheme > dst->scheme)
    {
      vxn_challenge_clear (dst);
      *dst = *src;
      memset (src, 0, sizeof *src);
    }
  vxn_challenge_clear (src);
}

int
vxn_challenge_parse (const char *header, struct vxn_challenge *out)
{
  memset (out, 0, sizeof *out);
  if (strlen (header) > MAX_HEADER)
    return -1;
  const char *p = skip_ws (header);
  while (*p)
    {
      /* auth-scheme */
      const char *start = p;
      while (is_token_char (*p))
        p++;
      size_t slen = p - start;
      if (slen == 0)
        goto bad;
      struct vxn_challenge c = { VXN_AUTH_NONE, NULL, NULL, NULL };
      if (slen == 6 && strncasecmp (start, "Bearer", 6) == 0)
        c.scheme = VXN_AUTH_BEARER;
      else if (slen == 5 && strncasecmp (start, "Basic", 5) == 0)
        c.scheme = VXN_AUTH_BASIC;
      p = skip_ws (p);
      /* auth-params: name=value, separated by commas, until the next scheme (a token not followed by '=') */
      for (;;)
        {
          const char *name = p;
          while (is_token_char (*p))
            p++;
          size_t nlen = p - name;
          const char *q = skip_ws (p);
          if (nlen == 0 || *q != '=')
            {
              p = name; /* next challenge, or end */
              break;
            }
          q = skip_ws (q + 1);
          char *value = parse_value (&q);
          if (value == NULL)
            {
              vxn_challenge_clear (&c);
              goto bad;
            }
          char **slot = NULL;
          if (nlen == 5 && strncasecmp (name, "realm", 5) == 0)
            slot = &c.realm;
          else if (nlen == 7 && strncasecmp (name, "service", 7) == 0)
            slot = &c.service;
          else if (nlen == 5 && strncasecmp (name, "scope", 5) == 0)
            slot = &c.scope;
          if (slot)
            {
              free (*slot);
              *slot = value;
            }
          else
            free (value);
          p = skip_ws (q);
          if (*p == ',')
            p = skip_ws (p + 1);
          else if (*p)
            {
              vxn_challenge_clear (&c);
              goto bad;
            }
          if (*p == '\0')
            break;
        }
      vxn_challenge_merge (out, &c);
      if (*p == ',')
        p = skip_ws (p + 1);
    }
  return 0;
bad:
  vxn_challenge_clear (out);
  return -1;
}
