#include "config.h"

#include "progress.h"
#include "utils.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BAR_WIDTH 50
#define TTY_INTERVAL_MS 100
#define PLAIN_INTERVAL_MS 5000

struct row
{
  char id[16];
  char state[32];
  int64_t total;
  uint64_t done;
  uint64_t last_plain_ms;
};

struct vxn_progress
{
  FILE *out;
  int tty;
  struct row *rows;
  size_t n;
  size_t drawn; /* rows currently on screen below the cursor's line start (tty) */
  uint64_t last_draw_ms;
};

void
vxn_human_size (double bytes, char *buf, size_t len)
{
  static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB" };
  size_t u = 0;
  while (bytes >= 1000 && u + 1 < ARRAY_SIZE (units))
    {
      bytes /= 1000;
      u++;
    }
  if (u == 0)
    snprintf (buf, len, "%.0f%s", bytes, units[u]);
  else
    snprintf (buf, len, "%.3g%s", bytes, units[u]);
}

struct vxn_progress *
vxn_progress_new (FILE *out, int quiet)
{
  struct vxn_progress *p = xzalloc (sizeof *p);
  p->out = quiet ? NULL : out;
  if (p->out)
    {
      const char *term = getenv ("TERM");
      p->tty = isatty (fileno (p->out)) && !(term && strcmp (term, "dumb") == 0);
    }
  return p;
}

static void
format_row (const struct row *r, char *buf, size_t len, int tty)
{
  char done[32], total[32];
  vxn_human_size (r->done, done, sizeof done);
  vxn_human_size (r->total > 0 ? r->total : 0, total, sizeof total);
  if (strcmp (r->state, "Downloading") != 0 && strcmp (r->state, "Extracting") != 0)
    {
      snprintf (buf, len, "%s: %s", r->id, r->state);
      return;
    }
  if (!tty)
    {
      int pct = r->total > 0 ? (int)(100.0 * r->done / r->total) : 0;
      snprintf (buf, len, "%s: %s %s/%s (%d%%)", r->id, r->state, done, total, pct);
      return;
    }
  char bar[BAR_WIDTH + 3];
  int fill = r->total > 0 ? (int)((double)BAR_WIDTH * r->done / r->total) : 0;
  if (fill > BAR_WIDTH)
    fill = BAR_WIDTH;
  bar[0] = '[';
  for (int i = 0; i < BAR_WIDTH; i++)
    bar[1 + i] = i < fill ? '=' : (i == fill ? '>' : ' ');
  bar[BAR_WIDTH + 1] = ']';
  bar[BAR_WIDTH + 2] = '\0';
  snprintf (buf, len, "%s: %s %s %8s/%s", r->id, r->state, bar, done, total);
}

/* Redraw every row in place: cursor up over the rows drawn last time, rewrite each line. */
static void
draw (struct vxn_progress *p)
{
  char line[256];
  if (p->drawn)
    fprintf (p->out, "\033[%zuA", p->drawn);
  for (size_t i = 0; i < p->n; i++)
    {
      format_row (&p->rows[i], line, sizeof line, 1);
      fprintf (p->out, "\r\033[2K%s\n", line);
    }
  p->drawn = p->n;
  fflush (p->out);
  p->last_draw_ms = vxn_monotonic_ms ();
}

int
vxn_progress_add (struct vxn_progress *p, const char *id, int64_t total)
{
  p->rows = realloc (p->rows, sizeof *p->rows * (p->n + 1));
  if (p->rows == NULL)
    abort ();
  struct row *r = &p->rows[p->n];
  memset (r, 0, sizeof *r);
  snprintf (r->id, sizeof r->id, "%s", id);
  snprintf (r->state, sizeof r->state, "Waiting");
  r->total = total;
  return p->n++;
}

void
vxn_progress_state (struct vxn_progress *p, int row, const char *state)
{
  struct row *r = &p->rows[row];
  if (strcmp (r->state, state) == 0)
    return;
  snprintf (r->state, sizeof r->state, "%s", state);
  if (p->out == NULL)
    return;
  if (p->tty)
    draw (p);
  else
    {
      char line[256];
      format_row (r, line, sizeof line, 0);
      fprintf (p->out, "%s\n", line);
      fflush (p->out);
      r->last_plain_ms = vxn_monotonic_ms ();
    }
}

void
vxn_progress_bytes (struct vxn_progress *p, int row, uint64_t done)
{
  struct row *r = &p->rows[row];
  r->done = done;
  if (p->out == NULL)
    return;
  uint64_t now = vxn_monotonic_ms ();
  if (p->tty)
    {
      if (now - p->last_draw_ms >= TTY_INTERVAL_MS)
        draw (p);
    }
  else if (now - r->last_plain_ms >= PLAIN_INTERVAL_MS)
    {
      char line[256];
      format_row (r, line, sizeof line, 0);
      fprintf (p->out, "%s\n", line);
      fflush (p->out);
      r->last_plain_ms = now;
    }
}

void
vxn_progress_message (struct vxn_progress *p, const char *fmt, ...)
{
  if (p->out == NULL)
    return;
  va_list ap;
  va_start (ap, fmt);
  if (p->tty && p->drawn)
    {
      /* Print above the rows, then redraw them underneath. */
      fprintf (p->out, "\033[%zuA\r\033[2K", p->drawn);
      vfprintf (p->out, fmt, ap);
      fputc ('\n', p->out);
      p->drawn = 0;
      draw (p);
    }
  else
    {
      vfprintf (p->out, fmt, ap);
      fputc ('\n', p->out);
      fflush (p->out);
    }
  va_end (ap);
}

void
vxn_progress_finish (struct vxn_progress *p)
{
  if (p->out && p->tty && p->n)
    draw (p);
  /* Later messages go below the rows for good. */
  p->drawn = 0;
  p->n = 0;
}

void
vxn_progress_free (struct vxn_progress *p)
{
  if (p == NULL)
    return;
  free (p->rows);
  free (p);
}
