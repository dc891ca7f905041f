/* Console logging and the one fatal-error path. */
#include "vxn-init.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int debug = -1; /* -1: not yet looked up in /proc/cmdline */

static void
vlog_line (char *line, size_t size, const char *fmt, va_list ap)
{
  int n = snprintf (line, size, "vxn-init: ");
  int m = vsnprintf (line + n, size - n - 1, fmt, ap);
  size_t len = n + (m < 0 ? 0 : (size_t)m < size - n - 1 ? (size_t)m : size - n - 2);
  line[len++] = '\n';
  line[len] = '\0';
}

void
vxn_log (const char *fmt, ...)
{
  char line[1024];
  va_list ap;
  va_start (ap, fmt);
  vlog_line (line, sizeof line, fmt, ap);
  va_end (ap);
  /* One write per line, so lines from the kernel and from us do not interleave mid-line. Fd 2 is /dev/console. */
  if (write (STDERR_FILENO, line, strlen (line)) < 0)
    {
      /* nowhere else to report it */
    }
}

/* vxn.debug on the kernel command line: trace the init's steps with a monotonic time stamp (the console log's own
   stamps have one-second resolution), to see where a slow start or stop spends its time. */
void
vxn_debug (const char *fmt, ...)
{
  if (debug < 0)
    {
      char cmdline[4096];
      int fd = open ("/proc/cmdline", O_RDONLY | O_CLOEXEC);
      ssize_t n = fd >= 0 ? read (fd, cmdline, sizeof cmdline - 1) : -1;
      if (fd >= 0)
        close (fd);
      cmdline[n > 0 ? n : 0] = '\0';
      debug = strstr (cmdline, "vxn.debug") != NULL;
    }
  if (!debug)
    return;
  char line[1024], msg[900];
  struct timespec ts;
  va_list ap;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  snprintf (line, sizeof line, "vxn-init: [%ld.%03ld] %s\n", (long)ts.tv_sec, ts.tv_nsec / 1000000, msg);
  if (write (STDERR_FILENO, line, strlen (line)) < 0)
    {
      /* nowhere else to report it */
    }
}

void
vxn_fatal (int code, const char *fmt, ...)
{
  static int in_fatal;
  char line[1024];
  char exit_value[32];
  va_list ap;
  va_start (ap, fmt);
  vlog_line (line, sizeof line, fmt, ap);
  va_end (ap);

  if (write (STDERR_FILENO, line, strlen (line)) < 0)
    {
      /* the console is gone: Dom0 still gets the stderr frame and the exit value */
    }
  if (in_fatal++)
    vxn_power_off (NULL); /* a failure while reporting a failure: just stop */

  /* A running entrypoint cannot be left behind: its status would be meaningless after we report ours. */
  if (vxn.entry.pid > 0 && !vxn.entry.done)
    kill (vxn.entry.pid, SIGKILL);

  /* Tell Dom0 why, on the container's stderr, when the stdio channel is up. Non-blocking on purpose: the ring is
     nearly empty this early, and a Dom0 that does not drain it must not make us hang instead of powering off. */
  if (vxn.vchan != NULL && !vxn.vchan_dead)
    {
      size_t len = strlen (line);
      if (len > VXN_FRAME_PAYLOAD_MAX)
        len = VXN_FRAME_PAYLOAD_MAX;
      vxn_vchan_send (VXN_FRAME_DATA, VXN_STREAM_STDERR, VXN_PROC_ENTRYPOINT, line, len);
    }
  snprintf (exit_value, sizeof exit_value, "exited %d", code);
  vxn_power_off (exit_value);
}
