#include "guest_spec.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static int
fail (char *errbuf, size_t errlen, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (errbuf, errlen, fmt, ap);
  va_end (ap);
  return -1;
}

struct buf
{
  char *data;
  size_t len, cap;
};

static int
buf_put (struct buf *b, char tag, const char *value)
{
  size_t vl = strlen (value);
  if (b->len + vl + 2 > b->cap)
    {
      size_t cap = (b->cap + vl + 2) * 2;
      char *d = realloc (b->data, cap);
      if (d == NULL)
        return -1;
      b->data = d;
      b->cap = cap;
    }
  b->data[b->len++] = tag;
  memcpy (b->data + b->len, value, vl + 1);
  b->len += vl + 1;
  return 0;
}

static int
buf_put_num (struct buf *b, char tag, unsigned long v)
{
  char s[32];
  snprintf (s, sizeof s, "%lu", v);
  return buf_put (b, tag, s);
}

/* ---- Mount records (docs/design.md "Mounts"). A mount is a group: `M` kind starts it, then `D` destination, and
   when present `S` source, `O` filesystem options, `F` flags (decimal MS_* bits). ---- */

static const char *const mount_kind_names[VXN_MOUNT__COUNT]
    = { "proc", "sysfs", "dev", "devpts", "shm", "mqueue", "cgroup", "tmpfs", "9p", "file", "bind" };
/* Where the standard kinds must be (NULL: anywhere). */
static const char *const mount_kind_dest[VXN_MOUNT__COUNT]
    = { "/proc", "/sys", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", NULL, NULL, NULL, NULL, NULL };

const char *
vxn_mount_kind_name (enum vxn_mount_kind kind)
{
  return (unsigned)kind < VXN_MOUNT__COUNT ? mount_kind_names[kind] : "?";
}

/* Absolute, and no empty, `.` or `..` component: the guest resolves it inside the container's root. */
static int
dest_ok (const char *d)
{
  if (d == NULL || d[0] != '/' || d[1] == '\0')
    return 0;
  for (const char *p = d; *p;)
    {
      const char *c = p + 1, *e = strchrnul (c, '/');
      size_t n = e - c;
      if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
        return 0;
      p = e;
    }
  return 1;
}

static int
tag_ok (const char *t)
{
  size_t n = strspn (t, "abcdefghijklmnopqrstuvwxyz0123456789");
  return n > 0 && n <= 31 && t[n] == '\0';
}

/* One mount's consistency; used by both directions. */
static int
check_mount (const struct vxn_guest_mount *m, char *errbuf, size_t errlen)
{
  if ((unsigned)m->kind >= VXN_MOUNT__COUNT || m->kind == VXN_MOUNT_BIND)
    return fail (errbuf, errlen, "mount of an unresolved kind");
  const char *kind = mount_kind_names[m->kind];
  if (!dest_ok (m->dest))
    return fail (errbuf, errlen, "%s mount: destination `%s` is not a clean absolute path", kind,
                 m->dest ? m->dest : "");
  if (mount_kind_dest[m->kind] && strcmp (m->dest, mount_kind_dest[m->kind]) != 0)
    return fail (errbuf, errlen, "%s mount must be at %s, not `%s`", kind, mount_kind_dest[m->kind], m->dest);
  if ((m->kind == VXN_MOUNT_9P || m->kind == VXN_MOUNT_FILE) != (m->source != NULL))
    return fail (errbuf, errlen, "%s mount at %s: %s", kind, m->dest, m->source ? "unexpected source" : "no source");
  if (m->kind == VXN_MOUNT_9P && !tag_ok (m->source))
    return fail (errbuf, errlen, "9p mount at %s: bad tag", m->dest);
  if (m->kind == VXN_MOUNT_FILE && m->source[0] != '/')
    return fail (errbuf, errlen, "file mount at %s: source not absolute", m->dest);
  if (m->data && (m->kind == VXN_MOUNT_9P || m->kind == VXN_MOUNT_FILE || m->data[0] == '\0'))
    return fail (errbuf, errlen, "%s mount at %s: unexpected options", kind, m->dest);
  if (m->flags & ~(unsigned long)VXN_MOUNT_FLAGS_MASK)
    return fail (errbuf, errlen, "%s mount at %s: unsupported flags %#lx", kind, m->dest, m->flags);
  return 0;
}

/* 0, -1 out of memory, -2 with a message in errbuf. */
static int
encode_mounts (struct buf *b, const struct vxn_guest_spec *spec, char *errbuf, size_t errlen)
{
  int r = 0;
  for (size_t i = 0; i < spec->n_mounts && r == 0; i++)
    {
      const struct vxn_guest_mount *m = &spec->mounts[i];
      if (check_mount (m, errbuf, errlen) < 0)
        return -2;
      r = buf_put (b, 'M', mount_kind_names[m->kind]);
      if (r == 0)
        r = buf_put (b, 'D', m->dest);
      if (r == 0 && m->source)
        r = buf_put (b, 'S', m->source);
      if (r == 0 && m->data)
        r = buf_put (b, 'O', m->data);
      if (r == 0 && m->flags)
        r = buf_put_num (b, 'F', m->flags);
    }
  return r;
}

/* linux.maskedPaths (X) and linux.readonlyPaths (Y). 0, -1 out of memory, -2 with a message in errbuf. */
static int
encode_paths (struct buf *b, const struct vxn_guest_spec *spec, char *errbuf, size_t errlen)
{
  int r = 0;
  for (int k = 0; k < 2; k++)
    {
      char **v = k ? spec->readonly_paths : spec->masked_paths;
      size_t n = k ? spec->n_readonly_paths : spec->n_masked_paths;
      for (size_t i = 0; i < n && r == 0; i++)
        {
          if (!dest_ok (v[i]))
            return fail (errbuf, errlen, "%s path `%s` is not a clean absolute path", k ? "read-only" : "masked", v[i])
                   - 1;
          r = buf_put (b, k ? 'Y' : 'X', v[i]);
        }
    }
  return r;
}

/* Returns 1 if TAG is a mount record (taking VALUE), 0 if it is not, -1 on error. */
static int
decode_mount_record (struct vxn_guest_spec *spec, char tag, char *value, char *errbuf, size_t errlen)
{
  struct vxn_guest_mount *m = spec->n_mounts ? &spec->mounts[spec->n_mounts - 1] : NULL;
  char **field = NULL, *end;
  if (!strchr ("MDSOF", tag) || tag == '\0')
    return 0;
  if (tag == 'M')
    {
      if (m && check_mount (m, errbuf, errlen) < 0)
        return -1;
      size_t k = 0;
      while (k < VXN_MOUNT__COUNT && strcmp (mount_kind_names[k], value) != 0)
        k++;
      if (k == VXN_MOUNT__COUNT || k == VXN_MOUNT_BIND)
        return fail (errbuf, errlen, "unknown mount kind `%.32s`", value);
      for (size_t i = 0; i < spec->n_mounts; i++)
        if (mount_kind_dest[k] && spec->mounts[i].kind == (enum vxn_mount_kind)k)
          return fail (errbuf, errlen, "%s mount appears twice", value);
      m = realloc (spec->mounts, (spec->n_mounts + 1) * sizeof *m);
      if (m == NULL)
        return fail (errbuf, errlen, "out of memory");
      spec->mounts = m;
      m = &m[spec->n_mounts++];
      memset (m, 0, sizeof *m);
      m->kind = (enum vxn_mount_kind)k;
      free (value);
      return 1;
    }
  if (m == NULL)
    return fail (errbuf, errlen, "mount record `%c` before any `M`", tag);
  if (tag == 'F')
    {
      errno = 0;
      unsigned long v = strtoul (value, &end, 10);
      if (value[0] < '0' || value[0] > '9' || errno || *end || m->flags)
        return fail (errbuf, errlen, "bad or repeated mount flags `%.32s`", value);
      m->flags = v;
      free (value);
      return 1;
    }
  field = tag == 'D' ? &m->dest : tag == 'S' ? &m->source : &m->data;
  if (*field)
    return fail (errbuf, errlen, "mount record `%c` appears twice", tag);
  *field = value;
  return 1;
}

static void
free_mounts (struct vxn_guest_spec *spec)
{
  for (size_t i = 0; i < spec->n_mounts; i++)
    {
      free (spec->mounts[i].dest);
      free (spec->mounts[i].source);
      free (spec->mounts[i].data);
    }
  free (spec->mounts);
}
/* ---- end of mount records ---- */

/* ---- Process credentials and limits: records K, L, N, U, J (docs/design.md), applied by
   guest/init/credentials.c. Kept apart from the records above. ---- */

static const struct
{
  const char *name;
  int resource;
} rlimit_names[] = {
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
};

int
vxn_rlimit_number (const char *name)
{
  for (size_t i = 0; i < sizeof rlimit_names / sizeof rlimit_names[0]; i++)
    if (strcmp (rlimit_names[i].name, name) == 0)
      return rlimit_names[i].resource;
  return -1;
}

const char *
vxn_rlimit_name (int resource)
{
  for (size_t i = 0; i < sizeof rlimit_names / sizeof rlimit_names[0]; i++)
    if (rlimit_names[i].resource == resource)
      return rlimit_names[i].name;
  return NULL;
}

static int
check_process (const struct vxn_guest_spec *spec, char *errbuf, size_t errlen)
{
  for (size_t i = 0; i < spec->n_rlimits; i++)
    {
      const struct vxn_rlimit *l = &spec->rlimits[i];
      if (vxn_rlimit_name (l->resource) == NULL)
        return fail (errbuf, errlen, "rlimit resource %d is out of range", l->resource);
      if (l->soft > l->hard)
        return fail (errbuf, errlen, "rlimit %d: the soft limit exceeds the hard limit", l->resource);
      for (size_t j = 0; j < i; j++)
        if (spec->rlimits[j].resource == l->resource)
          return fail (errbuf, errlen, "rlimit %d is given twice", l->resource);
    }
  if (spec->have_umask && spec->umask > 0777)
    return fail (errbuf, errlen, "umask %o is out of range", spec->umask);
  if (spec->have_oom_score_adj && (spec->oom_score_adj < -1000 || spec->oom_score_adj > 1000))
    return fail (errbuf, errlen, "oom_score_adj %d is out of range", spec->oom_score_adj);
  return 0;
}

static int
encode_process (struct buf *b, const struct vxn_guest_spec *spec)
{
  char s[128];
  int r = 0;
  if (spec->have_caps)
    {
      const uint64_t *c = spec->caps;
      snprintf (s, sizeof s, "%" PRIx64 " %" PRIx64 " %" PRIx64 " %" PRIx64 " %" PRIx64, c[0], c[1], c[2], c[3], c[4]);
      r = buf_put (b, 'K', s);
    }
  for (size_t i = 0; i < spec->n_rlimits && r == 0; i++)
    {
      const struct vxn_rlimit *l = &spec->rlimits[i];
      snprintf (s, sizeof s, "%d %" PRIu64 " %" PRIu64, l->resource, l->soft, l->hard);
      r = buf_put (b, 'L', s);
    }
  if (r == 0 && spec->no_new_privs)
    r = buf_put (b, 'N', "1");
  if (r == 0 && spec->have_umask)
    {
      snprintf (s, sizeof s, "%04o", spec->umask);
      r = buf_put (b, 'U', s);
    }
  if (r == 0 && spec->have_oom_score_adj)
    {
      snprintf (s, sizeof s, "%d", spec->oom_score_adj);
      r = buf_put (b, 'J', s);
    }
  return r;
}

/* Strict unsigned numbers: digits of the base only, no sign, no leading zero (decimal), within max. Returns the
   position after the number, or NULL. */
static const char *
parse_u64 (const char *s, int base, uint64_t max, uint64_t *out)
{
  uint64_t v = 0;
  const char *p = s;
  for (;; p++)
    {
      unsigned d = *p >= '0' && *p <= '9'   ? (unsigned)(*p - '0')
                   : *p >= 'a' && *p <= 'f' ? (unsigned)(*p - 'a' + 10)
                                            : 99;
      if (d >= (unsigned)base)
        break;
      if (d > max || v > (max - d) / base)
        return NULL;
      v = v * base + d;
    }
  if (p == s || (base == 10 && *s == '0' && p - s > 1))
    return NULL;
  *out = v;
  return p;
}

/* 1: a record of this block, decoded; 0: not one of ours; -1: malformed (message in errbuf). */
static int
decode_process (char tag, const char *v, struct vxn_guest_spec *spec, char *seen, char *errbuf, size_t errlen)
{
  uint64_t n[5];
  const char *p = v;
  if (strchr ("KNUJ", tag) && seen[(unsigned char)tag]++)
    return fail (errbuf, errlen, "record `%c` appears twice", tag);
  switch (tag)
    {
    case 'K':
      for (int i = 0; i < VXN_CAPS_N_SETS; i++)
        if ((i > 0 && *p++ != ' ') || (p = parse_u64 (p, 16, UINT64_MAX, &n[i])) == NULL)
          return fail (errbuf, errlen, "record `K` must be five hexadecimal capability masks");
      if (*p != '\0')
        return fail (errbuf, errlen, "record `K` must be five hexadecimal capability masks");
      memcpy (spec->caps, n, sizeof spec->caps);
      spec->have_caps = 1;
      return 1;
    case 'L':
      {
        struct vxn_rlimit l;
        if ((p = parse_u64 (p, 10, RLIMIT_NLIMITS - 1, &n[0])) == NULL || *p++ != ' '
            || (p = parse_u64 (p, 10, UINT64_MAX, &n[1])) == NULL || *p++ != ' '
            || (p = parse_u64 (p, 10, UINT64_MAX, &n[2])) == NULL || *p != '\0')
          return fail (errbuf, errlen, "record `L` must be `<resource> <soft> <hard>`");
        l.resource = (int)n[0];
        if (vxn_rlimit_name (l.resource) == NULL)
          return fail (errbuf, errlen, "record `L`: unknown resource %d", l.resource);
        l.soft = n[1];
        l.hard = n[2];
        if (l.soft > l.hard)
          return fail (errbuf, errlen, "record `L`: the soft limit exceeds the hard limit");
        for (size_t i = 0; i < spec->n_rlimits; i++)
          if (spec->rlimits[i].resource == l.resource)
            return fail (errbuf, errlen, "record `L`: resource %d appears twice", l.resource);
        struct vxn_rlimit *a = realloc (spec->rlimits, (spec->n_rlimits + 1) * sizeof *a);
        if (a == NULL)
          return fail (errbuf, errlen, "out of memory");
        a[spec->n_rlimits++] = l;
        spec->rlimits = a;
        return 1;
      }
    case 'N':
      if (strcmp (v, "1") != 0)
        return fail (errbuf, errlen, "record `N` must be 1");
      spec->no_new_privs = 1;
      return 1;
    case 'U':
      if (strlen (v) != 4 || (p = parse_u64 (v, 8, 0777, &n[0])) == NULL || *p != '\0')
        return fail (errbuf, errlen, "record `U` must be four octal digits, at most 0777");
      spec->umask = n[0];
      spec->have_umask = 1;
      return 1;
    case 'J':
      if ((p = parse_u64 (v + (*v == '-'), 10, 1000, &n[0])) == NULL || *p != '\0' || (*v == '-' && n[0] == 0))
        return fail (errbuf, errlen, "record `J` must be a number from -1000 to 1000");
      spec->oom_score_adj = *v == '-' ? -(int)n[0] : (int)n[0];
      spec->have_oom_score_adj = 1;
      return 1;
    default:
      return 0;
    }
}

int
vxn_guest_spec_encode (const struct vxn_guest_spec *spec, char **out, size_t *out_len, char *errbuf, size_t errlen)
{
  struct buf b = { 0 };
  int r = 0;
  if (spec->n_args == 0)
    return fail (errbuf, errlen, "process.args is empty");
  if (spec->cwd == NULL || spec->cwd[0] != '/')
    return fail (errbuf, errlen, "process.cwd must be an absolute path");
  if (check_process (spec, errbuf, errlen) < 0)
    return -1;
  for (size_t i = 0; i < spec->n_args && r == 0; i++)
    r = buf_put (&b, 'a', spec->args[i]);
  for (size_t i = 0; i < spec->n_env; i++)
    if (spec->env[i][0] == '=' || strchr (spec->env[i], '=') == NULL)
      {
        free (b.data);
        return fail (errbuf, errlen, "environment entry `%s` is not NAME=VALUE", spec->env[i]);
      }
  for (size_t i = 0; i < spec->n_env && r == 0; i++)
    r = buf_put (&b, 'e', spec->env[i]);
  if (r == 0)
    r = buf_put (&b, 'c', spec->cwd);
  if (r == 0)
    r = buf_put_num (&b, 'u', spec->uid);
  if (r == 0)
    r = buf_put_num (&b, 'g', spec->gid);
  for (size_t i = 0; i < spec->n_additional_gids && r == 0; i++)
    r = buf_put_num (&b, 'G', spec->additional_gids[i]);
  if (r == 0 && spec->hostname)
    r = buf_put (&b, 'h', spec->hostname);
  if (r == 0)
    r = buf_put (&b, 't', spec->terminal ? "1" : "0");
  if (r == 0)
    r = buf_put (&b, 'r', spec->readonly_root ? "1" : "0");
  if (r == 0)
    r = encode_process (&b, spec);
  if (r == 0 && (r = encode_mounts (&b, spec, errbuf, errlen)) == 0)
    r = encode_paths (&b, spec, errbuf, errlen);
  if (r == -2)
    {
      free (b.data);
      return -1;
    }
  if (r < 0)
    {
      free (b.data);
      return fail (errbuf, errlen, "out of memory");
    }
  if (b.len > VXN_SPEC_MAX_SIZE)
    {
      free (b.data);
      return fail (errbuf, errlen, "process spec is larger than %d bytes", VXN_SPEC_MAX_SIZE);
    }
  *out = b.data;
  *out_len = b.len;
  return 0;
}

static int
parse_id (const char *s, unsigned long *out)
{
  char *end;
  if (*s < '0' || *s > '9')
    return -1;
  errno = 0;
  unsigned long v = strtoul (s, &end, 10);
  if (errno || *end || v > 0xfffffffeUL)
    return -1;
  *out = v;
  return 0;
}

static int push (char ***vec, size_t *n, char *s);

/* 1: X or Y, kept; 0: another tag; -1: malformed. */
static int
decode_path_record (struct vxn_guest_spec *spec, char tag, char *value, char *errbuf, size_t errlen)
{
  if (tag != 'X' && tag != 'Y')
    return 0;
  if (!dest_ok (value))
    return fail (errbuf, errlen, "record `%c`: `%.64s` is not a clean absolute path", tag, value);
  int r = tag == 'X' ? push (&spec->masked_paths, &spec->n_masked_paths, value)
                     : push (&spec->readonly_paths, &spec->n_readonly_paths, value);
  return r < 0 ? fail (errbuf, errlen, "out of memory") : 1;
}

static int
push (char ***vec, size_t *n, char *s)
{
  char **v = realloc (*vec, (*n + 2) * sizeof **vec);
  if (v == NULL)
    return -1;
  v[(*n)++] = s;
  v[*n] = NULL;
  *vec = v;
  return 0;
}

int
vxn_guest_spec_decode (const char *buf, size_t len, struct vxn_guest_spec *spec, char *errbuf, size_t errlen)
{
  memset (spec, 0, sizeof *spec);
  size_t items = 0;
  int have_uid = 0, have_gid = 0;
  char seen[256] = { 0 }; /* single-valued records may appear once */
  if (len > VXN_SPEC_MAX_SIZE)
    return fail (errbuf, errlen, "spec larger than %d bytes", VXN_SPEC_MAX_SIZE);
  size_t off = 0;
  while (off < len)
    {
      char tag = buf[off];
      if (off + 1 >= len)
        goto bad_record;
      const char *value = buf + off + 1;
      const char *nul = memchr (value, '\0', len - off - 1);
      if (nul == NULL)
        goto bad_record;
      off = (nul - buf) + 1;
      if (++items > VXN_SPEC_MAX_ITEMS)
        {
          vxn_guest_spec_free (spec);
          return fail (errbuf, errlen, "spec has more than %d records", VXN_SPEC_MAX_ITEMS);
        }
      if (strchr ("chugtr", tag) && tag != '\0')
        {
          if (seen[(unsigned char)tag]++)
            {
              vxn_guest_spec_free (spec);
              return fail (errbuf, errlen, "record `%c` appears twice", tag);
            }
        }
      char *copy = strdup (value);
      unsigned long id;
      if (copy == NULL)
        goto oom;
      switch (tag)
        {
        case 'a':
          if (push (&spec->args, &spec->n_args, copy) < 0)
            {
              free (copy);
              goto oom;
            }
          break;
        case 'e':
          if (strchr (copy, '=') == NULL || copy[0] == '=')
            {
              free (copy);
              vxn_guest_spec_free (spec);
              return fail (errbuf, errlen, "environment entry without a name");
            }
          if (push (&spec->env, &spec->n_env, copy) < 0)
            {
              free (copy);
              goto oom;
            }
          break;
        case 'c':
          free (spec->cwd);
          spec->cwd = copy;
          break;
        case 'h':
          free (spec->hostname);
          spec->hostname = copy;
          break;
        case 'u':
        case 'g':
        case 'G':
          if (parse_id (copy, &id) < 0)
            {
              free (copy);
              vxn_guest_spec_free (spec);
              return fail (errbuf, errlen, "bad id in record `%c`", tag);
            }
          free (copy);
          if (tag == 'u')
            spec->uid = id, have_uid = 1;
          else if (tag == 'g')
            spec->gid = id, have_gid = 1;
          else
            {
              gid_t *g = realloc (spec->additional_gids, (spec->n_additional_gids + 1) * sizeof *g);
              if (g == NULL)
                goto oom;
              g[spec->n_additional_gids++] = id;
              spec->additional_gids = g;
            }
          break;
        case 't':
        case 'r':
          if (strcmp (copy, "0") != 0 && strcmp (copy, "1") != 0)
            {
              free (copy);
              vxn_guest_spec_free (spec);
              return fail (errbuf, errlen, "record `%c` must be 0 or 1", tag);
            }
          if (tag == 't')
            spec->terminal = copy[0] == '1';
          else
            spec->readonly_root = copy[0] == '1';
          free (copy);
          break;
        default:
          {
            int r = decode_mount_record (spec, tag, copy, errbuf, errlen);
            if (r == 0)
              r = decode_path_record (spec, tag, copy, errbuf, errlen);
            if (r > 0)
              continue; /* the record keeps COPY */
            if (r < 0)
              {
                free (copy);
                vxn_guest_spec_free (spec);
                return -1;
              }
          }
          {
            int mine = decode_process (tag, copy, spec, seen, errbuf, errlen);
            free (copy);
            if (mine > 0)
              break;
            vxn_guest_spec_free (spec);
            return mine < 0 ? -1 : fail (errbuf, errlen, "unknown record tag 0x%02x", (unsigned char)tag);
          }
        }
    }
  if (spec->n_args == 0 || spec->args[0][0] == '\0')
    {
      vxn_guest_spec_free (spec);
      return fail (errbuf, errlen, "spec has no arguments");
    }
  if (spec->cwd == NULL || spec->cwd[0] != '/')
    {
      vxn_guest_spec_free (spec);
      return fail (errbuf, errlen, "spec cwd missing or not absolute");
    }
  if (!have_uid || !have_gid)
    {
      vxn_guest_spec_free (spec);
      return fail (errbuf, errlen, "spec has no uid or gid");
    }
  if (spec->n_mounts && check_mount (&spec->mounts[spec->n_mounts - 1], errbuf, errlen) < 0)
    {
      vxn_guest_spec_free (spec);
      return -1;
    }
  if (spec->env == NULL && push (&spec->env, &spec->n_env, NULL) == 0)
    spec->n_env = 0; /* an empty, NULL-terminated environment */
  return 0;

bad_record:
  vxn_guest_spec_free (spec);
  return fail (errbuf, errlen, "truncated record at offset %zu", off);
oom:
  vxn_guest_spec_free (spec);
  return fail (errbuf, errlen, "out of memory");
}

static void
free_vec (char **v)
{
  if (v == NULL)
    return;
  for (char **p = v; *p; p++)
    free (*p);
  free (v);
}

void
vxn_guest_spec_free (struct vxn_guest_spec *spec)
{
  free (spec->rlimits);
  free_vec (spec->args);
  free_vec (spec->env);
  free (spec->cwd);
  free (spec->hostname);
  free (spec->additional_gids);
  free_mounts (spec);
  free_vec (spec->masked_paths);
  free_vec (spec->readonly_paths);
  memset (spec, 0, sizeof *spec);
}
