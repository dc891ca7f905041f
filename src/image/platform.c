#include "config.h"

#include "platform.h"
#include "utils.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

static const struct
{
  const char *alias, *arch, *variant;
} arch_aliases[] = {
  { "x86_64", "amd64", "" }, { "x86-64", "amd64", "" },    { "aarch64", "arm64", "" }, { "armhf", "arm", "v7" },
  { "armel", "arm", "v6" },  { "armv7l", "arm", "v7" },    { "armv6l", "arm", "v6" },  { "i386", "386", "" },
  { "i686", "386", "" },     { "ppc64el", "ppc64le", "" },
};

static int
field_valid (const char *s, size_t max)
{
  size_t n = strlen (s);
  if (n >= max)
    return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
      return 0;
  return 1;
}

int
vxn_platform_set (struct vxn_platform *p, const char *os, const char *arch, const char *variant)
{
  memset (p, 0, sizeof *p);
  os = os ? os : "";
  arch = arch ? arch : "";
  variant = variant ? variant : "";
  if (!field_valid (os, sizeof p->os) || !field_valid (arch, sizeof p->arch)
      || !field_valid (variant, sizeof p->variant))
    return -1;
  for (size_t i = 0; i < ARRAY_SIZE (arch_aliases); i++)
    if (strcmp (arch, arch_aliases[i].alias) == 0)
      {
        arch = arch_aliases[i].arch;
        if (*variant == '\0')
          variant = arch_aliases[i].variant;
        break;
      }
  strcpy (p->os, os);
  strcpy (p->arch, arch);
  strcpy (p->variant, variant);
  return 0;
}

void
vxn_platform_host (struct vxn_platform *p)
{
  struct utsname u;
  if (uname (&u) < 0 || vxn_platform_set (p, "linux", u.machine, NULL) < 0)
    vxn_platform_set (p, "linux", "amd64", NULL);
}

int
vxn_platform_parse (const char *s, struct vxn_platform *p, vxn_error_t *err)
{
  char os[64] = "", arch[64] = "", variant[64] = "", extra[8] = "";
  if (strlen (s) >= 128 || sscanf (s, "%63[^/]/%63[^/]/%63[^/]%7s", os, arch, variant, extra) < 2 || extra[0] != '\0'
      || vxn_platform_set (p, os, arch, variant) < 0 || p->os[0] == '\0' || p->arch[0] == '\0')
    return vxn_make_error (err, 0, "invalid platform `%s`: expected os/arch[/variant], e.g. linux/arm64", s);
  /* sscanf stops at the first '/' only, so "linux/amd64/" or "a//b" slip through: compare lengths. */
  size_t expect = strlen (os) + 1 + strlen (arch) + (variant[0] ? 1 + strlen (variant) : 0);
  if (strlen (s) != expect)
    return vxn_make_error (err, 0, "invalid platform `%s`: expected os/arch[/variant], e.g. linux/arm64", s);
  return 0;
}

static const char *
canonical_variant (const struct vxn_platform *p)
{
  if (strcmp (p->arch, "arm64") == 0 && strcmp (p->variant, "v8") == 0)
    return "";
  return p->variant;
}

int
vxn_platform_match (const struct vxn_platform *want, const struct vxn_platform *c)
{
  if (strcmp (want->os, c->os) != 0 || strcmp (want->arch, c->arch) != 0)
    return 0;
  if (want->variant[0] == '\0')
    return 1;
  return strcmp (canonical_variant (want), canonical_variant (c)) == 0;
}

const char *
vxn_platform_format (const struct vxn_platform *p, char *buf, size_t len)
{
  snprintf (buf, len, "%s/%s%s%s", p->os[0] ? p->os : "unknown", p->arch[0] ? p->arch : "unknown",
            p->variant[0] ? "/" : "", p->variant);
  return buf;
}
