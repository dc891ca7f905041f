#include "guest_spec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int
vxn_guest_spec_encode (const struct vxn_guest_spec *spec, char **out, size_t *out_len, char *errbuf, size_t errlen)
{
  struct buf b = { 0 };
  int r = 0;
  if (spec->n_args == 0)
    return fail (errbuf, errlen, "process.args is empty");
  if (spec->cwd == NULL || spec->cwd[0] != '/')
    return fail (errbuf, errlen, "process.cwd must be an absolute path");
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
  if (r == 0 && (r = encode_mounts (&b, spec, errbuf, errlen)) == -2)
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
          if (seen[(unsigned char) tag]++)
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
          switch (decode_mount_record (spec, tag, copy, errbuf, errlen))
            {
            case 1:
              continue;
            case -1:
              free (copy);
              vxn_guest_spec_free (spec);
              return -1;
            }
          free (copy);
          vxn_guest_spec_free (spec);
          return fail (errbuf, errlen, "unknown record tag 0x%02x", (unsigned char) tag);
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
  free_vec (spec->args);
  free_vec (spec->env);
  free (spec->cwd);
  free (spec->hostname);
  free (spec->additional_gids);
  free_mounts (spec);
  memset (spec, 0, sizeof *spec);
}
