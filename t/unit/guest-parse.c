/* TAP test of the guest init's pure helpers (guest/init/parse.c): the vxn/signal and domid parsers, the exit
   value formatter, the container PATH lookup and the incremental frame decoder. Runs on the build host. */
#include "parse.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

static int n_tests, n_failed;

static void
ok (int cond, const char *what)
{
  n_tests++;
  if (!cond)
    n_failed++;
  printf ("%sok %d - %s\n", cond ? "" : "not ", n_tests, what);
}

/* A test name shows control characters escaped, so one test stays one TAP line. */
static const char *
shown (const char *s)
{
  static char buf[128];
  size_t o = 0;
  for (; *s && o < sizeof buf - 3; s++)
    if (*s == '\n' || *s == '\t')
      {
        buf[o++] = '\\';
        buf[o++] = *s == '\n' ? 'n' : 't';
      }
    else
      buf[o++] = *s;
  buf[o] = '\0';
  return buf;
}

static void
test_signal (void)
{
  uint64_t seq = 0;
  int signo = 0, all = -1;
  ok (vxn_parse_signal_value ("1 15 0", &seq, &signo, &all) == 0 && seq == 1 && signo == 15 && all == 0,
      "signal: \"1 15 0\"");
  ok (vxn_parse_signal_value ("9223372036854775807 64 1", &seq, &signo, &all) == 0 && seq == 9223372036854775807ULL
          && signo == 64 && all == 1,
      "signal: largest seq, signo 64, all=1");
  static const char *bad[] = {
    "",
    "1",
    "1 15",
    "0 15 0",
    "1 0 0",
    "1 65 0",
    "1 15 2",
    "01 15 0",
    "1 015 0",
    "1  15 0",
    " 1 15 0",
    "1 15 0 ",
    "1 15 0\n",
    "-1 15 0",
    "+1 15 0",
    "1 -15 0",
    "1 15 00",
    "1 15 1x",
    "a 15 0",
    "1 9 0 0",
    "1\t15 0",
    "9223372036854775808 15 0",
    "18446744073709551616 15 0",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      char what[160];
      snprintf (what, sizeof what, "signal: \"%s\" rejected", shown (bad[i]));
      ok (vxn_parse_signal_value (bad[i], &seq, &signo, &all) < 0, what);
    }
}

static void
test_domid (void)
{
  unsigned d = 0;
  ok (vxn_parse_domid ("5", &d) == 0 && d == 5, "domid: 5");
  ok (vxn_parse_domid ("32751", &d) == 0 && d == 32751, "domid: 32751 (0x7fef, the last guest id)");
  static const char *bad[] = { "", "0", "32752", "05", "5x", "-5", " 5", "4294967301" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      char what[64];
      snprintf (what, sizeof what, "domid: \"%s\" rejected", bad[i]);
      ok (vxn_parse_domid (bad[i], &d) < 0, what);
    }
}

static void
test_exit (void)
{
  char buf[32];
  ok (vxn_format_exit (0, buf, sizeof buf) == 0 && strcmp (buf, "exited 0") == 0, "exit: exited 0");
  ok (vxn_format_exit (3 << 8, buf, sizeof buf) == 0 && strcmp (buf, "exited 3") == 0, "exit: exited 3");
  ok (vxn_format_exit (255 << 8, buf, sizeof buf) == 0 && strcmp (buf, "exited 255") == 0, "exit: exited 255");
  ok (vxn_format_exit (9, buf, sizeof buf) == 0 && strcmp (buf, "signaled 9") == 0, "exit: signaled 9");
  ok (vxn_format_exit (15 | 0x80, buf, sizeof buf) == 0 && strcmp (buf, "signaled 15") == 0,
      "exit: signaled 15 with a core dump");
  ok (vxn_format_exit (0x137f, buf, sizeof buf) < 0, "exit: a stopped status is no exit");
  ok (vxn_format_exit (3 << 8, buf, 8) < 0, "exit: too small a buffer is an error, not a truncation");
}

static void
test_path (void)
{
  char *none[] = { NULL };
  char *some[] = { "A=1", "PATH=/x:/y", "B=2", NULL };
  char *twice[] = { "PATH=/first", "PATH=/second", NULL };
  char *prefix[] = { "PATHX=/no", "PATH", NULL };
  ok (strcmp (vxn_env_path (none), VXN_DEFAULT_PATH) == 0, "PATH: default when absent");
  ok (strcmp (vxn_env_path (NULL), VXN_DEFAULT_PATH) == 0, "PATH: default without an environment");
  ok (strcmp (vxn_env_path (some), "/x:/y") == 0, "PATH: the container's own");
  ok (strcmp (vxn_env_path (twice), "/second") == 0, "PATH: the last entry wins");
  ok (strcmp (vxn_env_path (prefix), VXN_DEFAULT_PATH) == 0, "PATH: PATHX= and a bare PATH do not count");
}

static void
test_passwd (void)
{
  char home[64];
  ok (vxn_passwd_home ("root:x:0:0:root:/root:/bin/sh\n", 0, home, sizeof home) == 1 && strcmp (home, "/root") == 0,
      "passwd: root's home");
  ok (vxn_passwd_home ("u:x:1000:1000::/home/u:/bin/sh", 1000, home, sizeof home) == 1 && strcmp (home, "/home/u") == 0,
      "passwd: a line without newline");
  ok (vxn_passwd_home ("u:x:1000:1000::/home/u\n", 1000, home, sizeof home) == 1 && strcmp (home, "/home/u") == 0,
      "passwd: six fields (no shell)");
  ok (vxn_passwd_home ("u:x:1000:1000::/home/u:/bin/sh\n", 100, home, sizeof home) == 0, "passwd: other uid");
  ok (vxn_passwd_home ("u:x:01000:1000::/home/u:/bin/sh\n", 1000, home, sizeof home) == 0,
      "passwd: a uid with a leading zero is not 1000");
  ok (vxn_passwd_home ("u:x:1000:1000:::/bin/sh\n", 1000, home, sizeof home) == 0, "passwd: empty home");
  ok (vxn_passwd_home ("u:x:1000\n", 1000, home, sizeof home) == 0, "passwd: truncated line");
  ok (vxn_passwd_home ("# comment\n", 0, home, sizeof home) == 0, "passwd: comment");
  ok (vxn_passwd_home ("u:x:1000:1000::/a/very/long/home/directory/that/does/not/fit/in/the/buffer/given:/bin/sh", 1000,
                       home, 32)
          == 0,
      "passwd: a home longer than the buffer is not cut");
}

/* Feed bytes to the decoder in chunks of at most `chunk`, as reads from the ring would deliver them. */
static int
feed (struct vxn_rx *rx, const uint8_t *data, size_t len, size_t chunk, int *frames)
{
  size_t off = 0;
  while (off < len)
    {
      size_t want = vxn_rx_want (rx), n = want < chunk ? want : chunk;
      if (n > len - off)
        n = len - off;
      memcpy (vxn_rx_space (rx), data + off, n);
      off += n;
      int r = vxn_rx_commit (rx, n);
      if (r < 0)
        return -1;
      if (r == 1)
        {
          (*frames)++;
          if (*frames == 1
              && (vxn_rx_type (rx) != VXN_FRAME_DATA || vxn_rx_stream (rx) != 0 || vxn_rx_len (rx) != 5
                  || memcmp (rx->payload, "hello", 5) != 0))
            return -2;
          if (*frames == 1 && vxn_rx_proc (rx) != 0)
            return -2;
          if (*frames == 2 && (vxn_rx_type (rx) != VXN_FRAME_EOF || vxn_rx_len (rx) != 0 || vxn_rx_proc (rx) != 263))
            return -2;
          if (*frames == 3
              && (vxn_rx_type (rx) != VXN_FRAME_WINSIZE || vxn_rx_len (rx) != 4 || rx->payload[0] != 24
                  || rx->payload[2] != 80 || vxn_rx_proc (rx) != 0x1000000))
            return -2;
          vxn_rx_reset (rx);
        }
    }
  return 0;
}

static void
test_rx (void)
{
  static const uint8_t stream[] = {
    1, 0, 5, 0, 0, 0, 0, 0, 'h', 'e', 'l', 'l', 'o', /* DATA stdin "hello", entrypoint */
    2, 0, 0, 0, 7, 1, 0, 0,                          /* EOF stdin, process 263 */
    3, 0, 4, 0, 0, 0, 0, 1, 24, 0, 80, 0,            /* WINSIZE 24x80, process 0x1000000 */
  };
  for (size_t chunk = 1; chunk <= sizeof stream; chunk++)
    {
      struct vxn_rx rx;
      int frames = 0;
      char what[64];
      vxn_rx_reset (&rx);
      int r = feed (&rx, stream, sizeof stream, chunk, &frames);
      snprintf (what, sizeof what, "rx: three frames in chunks of %zu", chunk);
      ok (r == 0 && frames == 3 && rx.have == 0, what);
    }
  struct vxn_rx rx;
  vxn_rx_reset (&rx);
  ok (vxn_rx_want (&rx) == VXN_FRAME_HEADER_SIZE, "rx: a new frame wants its header first");
  static const uint8_t big[] = { 1, 0, 0x01, 0x10, 0, 0, 0, 0 }; /* len 4097 */
  memcpy (vxn_rx_space (&rx), big, 8);
  ok (vxn_rx_commit (&rx, 8) < 0, "rx: a payload over 4096 bytes is refused");
  static const uint8_t max[] = { 1, 0, 0x00, 0x10, 0, 0, 0, 0 }; /* len 4096 */
  vxn_rx_reset (&rx);
  memcpy (vxn_rx_space (&rx), max, 8);
  ok (vxn_rx_commit (&rx, 8) == 0 && vxn_rx_want (&rx) == 4096, "rx: a 4096-byte payload is accepted");
  struct vxn_frame_header h;
  vxn_frame_header_set (&h, VXN_FRAME_EXIT, 0, 0xdeadbeef, 9);
  ok (vxn_frame_proc (&h) == 0xdeadbeef && vxn_frame_len (&h) == 9 && sizeof h == VXN_FRAME_HEADER_SIZE,
      "frame header: process id and length round-trip in 8 bytes");
}

int
main (void)
{
  test_signal ();
  test_domid ();
  test_exit ();
  test_path ();
  test_passwd ();
  test_rx ();
  printf ("1..%d\n", n_tests);
  return n_failed != 0;
}
