/* Strict parsers for what Dom0 hands the guest init. Dom0 is trusted, but a malformed value must be rejected,
   not half-understood: a signal applied twice or to the wrong process is worse than one ignored and logged. */
#include "parse.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

/* Parse a run of decimal digits without sign, spaces or leading zeros (except "0" itself); stop at the first
   non-digit, which is returned in *end. Returns -1 on an empty run, a leading zero or overflow past max. */
static int
parse_dec (const char *s, uint64_t max, uint64_t *out, const char **end)
{
  uint64_t v = 0;
  const char *p = s;
  if (*p < '0' || *p > '9')
    return -1;
  if (*p == '0' && p[1] >= '0' && p[1] <= '9')
    return -1;
  for (; *p >= '0' && *p <= '9'; p++)
    {
      unsigned d = *p - '0';
      if (v > max / 10 || (v == max / 10 && d > max % 10))
        return -1;
      v = v * 10 + d;
    }
  *out = v;
  *end = p;
  return 0;
}

int
vxn_parse_signal_value (const char *s, uint64_t *seq, int *signo, int *all)
{
  uint64_t q, n, a;
  const char *p;
  if (parse_dec (s, INT64_MAX, &q, &p) < 0 || q == 0 || *p != ' ')
    return -1;
  if (parse_dec (p + 1, 64, &n, &p) < 0 || n == 0 || *p != ' ')
    return -1;
  if (parse_dec (p + 1, 1, &a, &p) < 0 || *p != '\0')
    return -1;
  *seq = q;
  *signo = (int)n;
  *all = (int)a;
  return 0;
}

int
vxn_parse_domid (const char *s, unsigned *domid)
{
  uint64_t v;
  const char *end;
  if (parse_dec (s, 0x7fef, &v, &end) < 0 || *end != '\0' || v == 0)
    return -1;
  *domid = (unsigned)v;
  return 0;
}

int
vxn_format_exit (int wstatus, char *buf, size_t len)
{
  int n;
  if (WIFEXITED (wstatus))
    n = snprintf (buf, len, "exited %d", WEXITSTATUS (wstatus));
  else if (WIFSIGNALED (wstatus))
    n = snprintf (buf, len, "signaled %d", WTERMSIG (wstatus));
  else
    return -1;
  return n > 0 && (size_t)n < len ? 0 : -1;
}

const char *
vxn_env_path (char *const *env)
{
  const char *path = NULL;
  for (char *const *e = env; e && *e; e++)
    if (strncmp (*e, "PATH=", 5) == 0)
      path = *e + 5; /* the last one wins, as getenv() after execve would see it in most libcs */
  return path ? path : VXN_DEFAULT_PATH;
}

int
vxn_passwd_home (const char *line, unsigned long uid, char *home, size_t len)
{
  const char *f[7];
  size_t flen[7];
  int n = 0;
  const char *p = line;
  /* Split into at most 7 colon-separated fields; the last one runs to the newline. */
  while (n < 7)
    {
      const char *end = strpbrk (p, n < 6 ? ":\n" : "\n");
      f[n] = p;
      flen[n] = end ? (size_t)(end - p) : strlen (p);
      n++;
      if (end == NULL || *end == '\n')
        break;
      p = end + 1;
    }
  if (n < 6 || flen[2] == 0 || flen[2] > 10 || flen[5] == 0 || flen[5] >= len)
    return 0;
  char ubuf[12];
  uint64_t v;
  const char *end;
  memcpy (ubuf, f[2], flen[2]);
  ubuf[flen[2]] = '\0';
  if (parse_dec (ubuf, UINT32_MAX, &v, &end) < 0 || *end != '\0' || v != uid)
    return 0;
  memcpy (home, f[5], flen[5]);
  home[flen[5]] = '\0';
  return 1;
}

void
vxn_rx_reset (struct vxn_rx *rx)
{
  rx->have = 0;
}

size_t
vxn_rx_want (const struct vxn_rx *rx)
{
  if (rx->have < VXN_FRAME_HEADER_SIZE)
    return VXN_FRAME_HEADER_SIZE - rx->have;
  return VXN_FRAME_HEADER_SIZE + vxn_rx_len (rx) - rx->have;
}

uint8_t *
vxn_rx_space (struct vxn_rx *rx)
{
  if (rx->have < VXN_FRAME_HEADER_SIZE)
    return rx->hdr + rx->have;
  return rx->payload + (rx->have - VXN_FRAME_HEADER_SIZE);
}

int
vxn_rx_commit (struct vxn_rx *rx, size_t n)
{
  rx->have += n;
  if (rx->have < VXN_FRAME_HEADER_SIZE)
    return 0;
  if (vxn_rx_len (rx) > VXN_FRAME_PAYLOAD_MAX)
    return -1;
  return rx->have == VXN_FRAME_HEADER_SIZE + (size_t)vxn_rx_len (rx) ? 1 : 0;
}
