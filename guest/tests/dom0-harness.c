/* TEST DOUBLE of the Dom0 side, for guest/tests/lab-smoke only: not the monitor, never installed.

   dom0-harness [--notify-fd N] [--signal-on-output "SIGNO ALL"] [--signal-instead-of-start "SIGNO ALL"]
                [--winsize ROWSxCOLS] [--verbose] DOMID

   For a domain created paused (xl create -p), in Dom0: creates ~/vxn (guest read-only) and the stdio vchan server
   at ~/vxn/io, writes "listening" to fd N (so the caller knows it may `xl unpause`), writes ~/vxn/start = 1 once the
   guest publishes ~/data/vxn-ready, forwards our stdin as DATA/EOF frames on stream 0, prints the guest's stream 1
   and 2 on our stdout and stderr, and on ~/data/vxn-exit drains the ring and prints, as the last line on stderr,
   "dom0-harness: vxn-exit=<value>". With --signal-on-output it writes ~/vxn/signal = "1 SIGNO ALL" after the first
   stdout data (a test of the signal path that needs no sleep); with --signal-instead-of-start it writes that signal
   instead of vxn/start when the guest is ready (a container killed before it started); --winsize queues a WINSIZE
   frame before the guest even runs.
   Exit status: 0 when vxn-exit was seen, 1 on setup or protocol errors, 2 when the domain vanished without it. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libxenvchan.h>
#include <xenstore.h>
#include <xentoollog.h>

#include "proto.h"

static int verbose;
static unsigned domid;
static char base[64];
static struct xs_handle *xs;
static struct libxenvchan *vc;

static void die (const char *fmt, ...) __attribute__ ((noreturn, format (printf, 1, 2)));
static void note (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

static void
die (const char *fmt, ...)
{
  va_list ap;
  fprintf (stderr, "dom0-harness: ");
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  exit (1);
}

static void
note (const char *fmt, ...)
{
  va_list ap;
  struct timespec ts;
  if (!verbose)
    return;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  fprintf (stderr, "dom0-harness: [%ld.%03ld] ", (long)ts.tv_sec, ts.tv_nsec / 1000000);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
}

static char *
key (const char *rel)
{
  static char buf[256];
  snprintf (buf, sizeof buf, "%s/%s", base, rel);
  return buf;
}

static char *
read_key (const char *rel)
{
  unsigned len;
  char *v = xs_read (xs, XBT_NULL, key (rel), &len);
  if (v != NULL && (len > VXN_XS_VALUE_MAX || strlen (v) != len))
    {
      free (v);
      return NULL;
    }
  return v;
}

static void
write_key (const char *rel, const char *value)
{
  if (!xs_write (xs, XBT_NULL, key (rel), value, strlen (value)))
    die ("xs_write %s: %s", key (rel), strerror (errno));
}

static void
write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        die ("write: %s", strerror (errno));
      p += n;
      len -= n;
    }
}

/* Frame reassembly from the guest->Dom0 stream. */
static uint8_t hdr[VXN_FRAME_HEADER_SIZE], payload[VXN_FRAME_PAYLOAD_MAX];
static size_t have;
static int eof_seen[3], got_stdout;

static void
frame (void)
{
  uint8_t type = hdr[0], stream = hdr[1];
  uint16_t len = vxn_frame_len ((struct vxn_frame_header *)hdr);
  if (stream != VXN_STREAM_STDOUT && stream != VXN_STREAM_STDERR)
    die ("frame on stream %u from the guest", stream);
  if (eof_seen[stream])
    die ("frame type %u on stream %u after its EOF", type, stream);
  if (type == VXN_FRAME_DATA)
    {
      if (len == 0)
        die ("empty DATA frame");
      write_all (stream, payload, len);
      if (stream == VXN_STREAM_STDOUT && !got_stdout)
        note ("first stdout data");
      if (stream == VXN_STREAM_STDOUT)
        got_stdout = 1;
    }
  else if (type == VXN_FRAME_EOF && len == 0)
    {
      eof_seen[stream] = 1;
      note ("EOF on stream %u", stream);
    }
  else
    die ("bad frame type %u len %u", type, len);
}

static void
drain_ring (void)
{
  for (;;)
    {
      size_t want = have < sizeof hdr ? sizeof hdr - have : sizeof hdr + vxn_frame_len ((void *)hdr) - have;
      uint8_t *dst = have < sizeof hdr ? hdr + have : payload + (have - sizeof hdr);
      if (want == 0)
        {
          frame ();
          have = 0;
          continue;
        }
      int n = libxenvchan_read (vc, dst, want);
      if (n <= 0)
        return;
      have += n;
      if (have == sizeof hdr && vxn_frame_len ((void *)hdr) > VXN_FRAME_PAYLOAD_MAX)
        die ("frame length %u > %u", vxn_frame_len ((void *)hdr), VXN_FRAME_PAYLOAD_MAX);
      if (have >= sizeof hdr && have == sizeof hdr + vxn_frame_len ((void *)hdr))
        {
          frame ();
          have = 0;
        }
    }
}

static int
send_frame (uint8_t type, const void *data, uint16_t len)
{
  uint8_t buf[VXN_FRAME_HEADER_SIZE + VXN_FRAME_PAYLOAD_MAX];
  vxn_frame_header_set ((struct vxn_frame_header *)buf, type, VXN_STREAM_STDIN, VXN_PROC_ENTRYPOINT, len);
  if (len > 0)
    memcpy (buf + VXN_FRAME_HEADER_SIZE, data, len);
  return libxenvchan_send (vc, buf, VXN_FRAME_HEADER_SIZE + len);
}

int
main (int argc, char **argv)
{
  int notify_fd = -1, stdin_open = 1, started = 0, signalled = 0;
  const char *signal_spec = NULL, *kill_spec = NULL, *winsize = NULL;
  char *end;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--notify-fd") == 0 && i + 1 < argc)
        notify_fd = atoi (argv[++i]);
      else if (strcmp (argv[i], "--signal-on-output") == 0 && i + 1 < argc)
        signal_spec = argv[++i];
      else if (strcmp (argv[i], "--signal-instead-of-start") == 0 && i + 1 < argc)
        kill_spec = argv[++i];
      else if (strcmp (argv[i], "--winsize") == 0 && i + 1 < argc)
        winsize = argv[++i];
      else if (strcmp (argv[i], "--verbose") == 0)
        verbose = 1;
      else if (i == argc - 1 && (domid = strtoul (argv[i], &end, 10)) > 0 && *end == '\0')
        ;
      else
        die ("usage: dom0-harness [--notify-fd N] [--signal-on-output \"SIGNO ALL\"] "
             "[--signal-instead-of-start \"SIGNO ALL\"] [--winsize ROWSxCOLS] [--verbose] DOMID");
    }
  if (domid == 0)
    die ("no DOMID");
  snprintf (base, sizeof base, "/local/domain/%u", domid);

  xs = xs_open (0);
  if (xs == NULL)
    die ("xs_open: %s", strerror (errno));
  /* ~/vxn: Dom0 owns it, the guest may only read; everything written below inherits that. */
  struct xs_permissions perms[2] = { { .id = 0, .perms = XS_PERM_NONE }, { .id = domid, .perms = XS_PERM_READ } };
  xs_rm (xs, XBT_NULL, key (VXN_XS_DIR));
  if (!xs_mkdir (xs, XBT_NULL, key (VXN_XS_DIR)) || !xs_set_permissions (xs, XBT_NULL, key (VXN_XS_DIR), perms, 2))
    die ("create %s: %s", key (VXN_XS_DIR), strerror (errno));

  xentoollog_logger *log = (xentoollog_logger *)xtl_createlogger_stdiostream (stderr, XTL_ERROR, 0);
  vc = libxenvchan_server_init (log, domid, key (VXN_XS_IO), VXN_VCHAN_RING_SIZE, VXN_VCHAN_RING_SIZE);
  if (vc == NULL)
    die ("libxenvchan_server_init %s: %s", key (VXN_XS_IO), strerror (errno));
  vc->blocking = 0;

  if (winsize != NULL)
    {
      unsigned rows, cols;
      if (sscanf (winsize, "%ux%u", &rows, &cols) != 2 || rows > 0xffff || cols > 0xffff)
        die ("--winsize wants ROWSxCOLS");
      uint8_t ws[4] = { rows & 0xff, rows >> 8, cols & 0xff, cols >> 8 };
      if (send_frame (VXN_FRAME_WINSIZE, ws, 4) != VXN_FRAME_HEADER_SIZE + 4)
        die ("cannot queue the WINSIZE frame");
    }
  if (!xs_watch (xs, key (VXN_XS_READY), "ready") || !xs_watch (xs, key (VXN_XS_EXIT), "exit")
      || !xs_watch (xs, "@releaseDomain", "release"))
    die ("xs_watch: %s", strerror (errno));

  if (notify_fd >= 0)
    {
      write_all (notify_fd, "listening\n", 10);
      close (notify_fd);
    }
  note ("vchan server at %s", key (VXN_XS_IO));

  for (;;)
    {
      struct pollfd p[3] = {
        { .fd = xs_fileno (xs), .events = POLLIN },
        { .fd = libxenvchan_fd_for_select (vc), .events = POLLIN },
        { .fd = stdin_open && libxenvchan_buffer_space (vc) > VXN_FRAME_HEADER_SIZE ? 0 : -1, .events = POLLIN },
      };
      libxenvchan_data_ready (vc); /* arm the event for new data */
      drain_ring ();
      if (signal_spec && got_stdout && !signalled)
        {
          char v[64];
          snprintf (v, sizeof v, "1 %s", signal_spec);
          write_key (VXN_XS_SIGNAL, v);
          signalled = 1;
          note ("wrote %s = %s", VXN_XS_SIGNAL, v);
        }
      if (poll (p, 3, -1) < 0 && errno != EINTR)
        die ("poll: %s", strerror (errno));
      if (p[1].revents)
        libxenvchan_wait (vc);
      if (p[2].revents)
        {
          char buf[VXN_FRAME_PAYLOAD_MAX];
          int space = libxenvchan_buffer_space (vc) - VXN_FRAME_HEADER_SIZE;
          ssize_t n = read (0, buf, space < (int)sizeof buf ? (size_t)space : sizeof buf);
          if (n > 0)
            send_frame (VXN_FRAME_DATA, buf, n);
          else if (n == 0 || errno != EINTR)
            {
              /* the guest is not listening before it starts: frames wait in the ring */
              send_frame (VXN_FRAME_EOF, NULL, 0);
              stdin_open = 0;
            }
        }
      if (!p[0].revents)
        continue;
      char **ev;
      int check = 0;
      while ((ev = xs_check_watch (xs)) != NULL)
        {
          check = 1;
          free (ev);
        }
      if (!check)
        continue;
      char *v = read_key (VXN_XS_READY);
      if (!started && v != NULL && strcmp (v, "1") == 0 && kill_spec != NULL)
        {
          char s[64];
          snprintf (s, sizeof s, "1 %s", kill_spec);
          write_key (VXN_XS_SIGNAL, s);
          started = 1;
          note ("guest ready, wrote %s = %s instead of starting it", VXN_XS_SIGNAL, s);
        }
      else if (!started && v != NULL && strcmp (v, "1") == 0)
        {
          write_key (VXN_XS_START, "1");
          started = 1;
          note ("guest ready, wrote %s = 1", VXN_XS_START);
        }
      free (v);
      v = read_key (VXN_XS_EXIT);
      if (v != NULL)
        {
          note ("%s = %s", VXN_XS_EXIT, v);
          /* Everything the guest wrote before vxn-exit is in the ring; the ring is ours, so it is still there. */
          drain_ring ();
          if (!eof_seen[1] || !eof_seen[2])
            fprintf (stderr, "dom0-harness: warning: no EOF frame on stream %s\n",
                     !eof_seen[1] ? (!eof_seen[2] ? "1 and 2" : "1") : "2");
          fflush (stdout);
          fprintf (stderr, "dom0-harness: vxn-exit=%s\n", v);
          return 0;
        }
      v = read_key ("domid");
      if (v == NULL)
        {
          drain_ring ();
          fprintf (stderr, "dom0-harness: domain %u is gone without writing %s\n", domid, VXN_XS_EXIT);
          return 2;
        }
      free (v);
    }
}
