#include "config.h"

#include "strset.h"
#include "utils.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct vxn_strset
{
  char **slots;
  size_t cap; /* power of two */
  size_t used;
};

static uint64_t
hash (const char *s)
{
  /* FNV-1a: these keys are not chosen to collide against us in any way that matters beyond speed. */
  uint64_t h = 1469598103934665603ULL;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

struct vxn_strset *
vxn_strset_new (void)
{
  struct vxn_strset *s = xzalloc (sizeof *s);
  s->cap = 64;
  s->slots = xzalloc (sizeof *s->slots * s->cap);
  return s;
}

void
vxn_strset_clear (struct vxn_strset *s)
{
  for (size_t i = 0; i < s->cap; i++)
    {
      free (s->slots[i]);
      s->slots[i] = NULL;
    }
  s->used = 0;
}

void
vxn_strset_free (struct vxn_strset *s)
{
  if (s == NULL)
    return;
  vxn_strset_clear (s);
  free (s->slots);
  free (s);
}

static size_t
find (const struct vxn_strset *s, const char *str)
{
  size_t i = hash (str) & (s->cap - 1);
  while (s->slots[i] && strcmp (s->slots[i], str) != 0)
    i = (i + 1) & (s->cap - 1);
  return i;
}

int
vxn_strset_add (struct vxn_strset *s, const char *str)
{
  if ((s->used + 1) * 2 > s->cap)
    {
      struct vxn_strset bigger = { xzalloc (sizeof (char *) * s->cap * 2), s->cap * 2, s->used };
      for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i])
          bigger.slots[find (&bigger, s->slots[i])] = s->slots[i];
      free (s->slots);
      *s = bigger;
    }
  size_t i = find (s, str);
  if (s->slots[i])
    return 0;
  s->slots[i] = xstrdup (str);
  s->used++;
  return 1;
}

int
vxn_strset_has (const struct vxn_strset *s, const char *str)
{
  return s->slots[find (s, str)] != NULL;
}

size_t
vxn_strset_size (const struct vxn_strset *s)
{
  return s->used;
}
