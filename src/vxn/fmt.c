#include "config.h"

#include "fmt.h"
#include "utils.h"

#include <stdlib.h>
#include <string.h>

time_t
vxn_time_parse (const char *s)
{
  struct tm tm = { 0 };
  const char *p = s && *s ? strptime (s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
  if (p == NULL)
    return -1;
  if (*p == '.')
    for (p++; *p >= '0' && *p <= '9'; p++)
      ;
  time_t t = timegm (&tm);
  int sh, sm;
  if ((*p == '+' || *p == '-') && sscanf (p + 1, "%2d:%2d", &sh, &sm) == 2)
    t -= (*p == '+' ? 1 : -1) * (sh * 3600 + sm * 60);
  return t;
}

void
vxn_human_duration (double seconds, char *buf, size_t len)
{
  long s = (long)seconds, m = s / 60;
  long h = (long)(seconds / 3600 + 0.5); /* go-units rounds the hours */
  if (s < 1)
    snprintf (buf, len, "Less than a second");
  else if (s == 1)
    snprintf (buf, len, "1 second");
  else if (s < 60)
    snprintf (buf, len, "%ld seconds", s);
  else if (m == 1)
    snprintf (buf, len, "About a minute");
  else if (m < 60)
    snprintf (buf, len, "%ld minutes", m);
  else if (h == 1)
    snprintf (buf, len, "About an hour");
  else if (h < 48)
    snprintf (buf, len, "%ld hours", h);
  else if (h < 24 * 7 * 2)
    snprintf (buf, len, "%ld days", h / 24);
  else if (h < 24 * 30 * 2)
    snprintf (buf, len, "%ld weeks", h / 24 / 7);
  else if (h < 24 * 365 * 2)
    snprintf (buf, len, "%ld months", h / 24 / 30);
  else
    snprintf (buf, len, "%ld years", s / 3600 / 24 / 365);
}

void
vxn_time_docker (time_t t, char *buf, size_t len)
{
  struct tm tm;
  if (t < 0 || gmtime_r (&t, &tm) == NULL)
    {
      snprintf (buf, len, "N/A");
      return;
    }
  strftime (buf, len, "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
}

struct vxn_table
{
  size_t cols, rows;
  char **cells; /* rows * cols */
};

struct vxn_table *
vxn_table_new (size_t columns)
{
  struct vxn_table *t = xzalloc (sizeof *t);
  t->cols = columns;
  return t;
}

void
vxn_table_add (struct vxn_table *t, const char *const *cells)
{
  t->cells = realloc (t->cells, sizeof *t->cells * t->cols * (t->rows + 1));
  if (t->cells == NULL)
    abort ();
  for (size_t i = 0; i < t->cols; i++)
    t->cells[t->rows * t->cols + i] = xstrdup (cells[i] ? cells[i] : "");
  t->rows++;
}

/* Display width: code points, not bytes ("…" is one column). */
static size_t
width (const char *s)
{
  size_t w = 0;
  for (; *s; s++)
    w += ((unsigned char)*s & 0xc0) != 0x80;
  return w;
}

void
vxn_table_print (struct vxn_table *t, FILE *out)
{
  size_t *w = xzalloc (sizeof *w * t->cols);
  for (size_t r = 0; r < t->rows; r++)
    for (size_t c = 0; c < t->cols; c++)
      {
        size_t cw = width (t->cells[r * t->cols + c]);
        if (cw > w[c])
          w[c] = cw;
      }
  for (size_t r = 0; r < t->rows; r++)
    {
      for (size_t c = 0; c < t->cols; c++)
        {
          const char *cell = t->cells[r * t->cols + c];
          fputs (cell, out);
          if (c + 1 < t->cols)
            fprintf (out, "%*s", (int)(w[c] - width (cell) + 3), "");
        }
      fputc ('\n', out);
    }
  free (w);
}

void
vxn_table_free (struct vxn_table *t)
{
  if (t == NULL)
    return;
  for (size_t i = 0; i < t->rows * t->cols; i++)
    free (t->cells[i]);
  free (t->cells);
  free (t);
}

char *
vxn_ellipsis (const char *s, size_t n)
{
  if (width (s) <= n || n == 0)
    return xstrdup (s);
  /* Keep n-1 code points, then "…". */
  size_t kept = 0, i = 0;
  for (; s[i]; i++)
    {
      if (((unsigned char)s[i] & 0xc0) != 0x80)
        {
          if (kept == n - 1)
            break;
          kept++;
        }
    }
  return xasprintf ("%.*s…", (int)i, s);
}

char *
vxn_join_args (char *const *args)
{
  /* As dockerd builds its COMMAND: arguments holding a space are put in single quotes. */
  char *out = xstrdup ("");
  for (size_t i = 0; args && args[i]; i++)
    {
      const char *q = i > 0 && strchr (args[i], ' ') ? "'" : "";
      char *next = xasprintf ("%s%s%s%s%s", out, i ? " " : "", q, args[i], q);
      free (out);
      out = next;
    }
  return out;
}
