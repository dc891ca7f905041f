/* If conmon or an admin SIGKILLs the monitor, nothing would destroy the domain: a tiny child process waits on a
   pipe from the monitor and, on EOF without "X", destroys the domain it was told about (checking the uuid, since
   domids are reused). It is forked before libxl exists in the monitor (libxl is not fork-safe). */
#include "config.h"

#include "monitor.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static void
watchdog_destroy (FILE *log, uint32_t domid, const char *uuid)
{
  xentoollog_logger_stdiostream *xtl = xtl_createlogger_stdiostream (log, XTL_ERROR, 0);
  libxl_ctx *ctx = NULL;
  if (libxl_ctx_alloc (&ctx, LIBXL_VERSION, 0, (xentoollog_logger *) xtl) != 0)
    return;
  libxl_dominfo info;
  libxl_dominfo_init (&info);
  if (libxl_domain_info (ctx, &info, domid) == 0)
    {
      char now[40];
      snprintf (now, sizeof now, LIBXL_UUID_FMT, LIBXL_UUID_BYTES (info.uuid));
      if (strcmp (now, uuid) == 0)
        {
          fprintf (log, "watchdog: monitor died; destroying domain %u\n", domid);
          libxl_domain_destroy (ctx, domid, NULL);
        }
    }
  libxl_dominfo_dispose (&info);
  libxl_ctx_free (ctx);
  xtl_logger_destroy ((xentoollog_logger *) xtl);
}

static void __attribute__ ((noreturn))
watchdog_loop (int fd, const char *log_path)
{
  char buf[256];
  size_t len = 0;
  uint32_t domid = 0;
  char uuid[40] = "";
  bool armed = false;
  for (;;)
    {
      ssize_t n = read (fd, buf + len, sizeof buf - 1 - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      len += n;
      buf[len] = '\0';
      char *nl;
      while ((nl = strchr (buf, '\n')))
        {
          *nl = '\0';
          unsigned d;
          if (buf[0] == 'X')
            _exit (0);
          if (sscanf (buf, "D %u %39s", &d, uuid) == 2)
            domid = d, armed = true;
          len -= nl + 1 - buf;
          memmove (buf, nl + 1, len + 1);
        }
      if (len == sizeof buf - 1)
        len = 0;
    }
  if (armed)
    {
      FILE *log = fopen (log_path, "ae");
      watchdog_destroy (log ? log : stderr, domid, uuid);
    }
  _exit (0);
}

int
watchdog_spawn (const char *log_path, vxn_error_t *err)
{
  int p[2];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return vxn_make_error (err, errno, "pipe");
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (p[0]);
      close (p[1]);
      return vxn_make_error (err, errno, "fork watchdog");
    }
  if (pid == 0)
    {
      /* Hold none of the container's stdio: a leaked write end makes `docker run` hang. */
      int null = open ("/dev/null", O_RDWR);
      struct rlimit rl;
      int max = getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 65536 ? (int) rl.rlim_cur : 65536;
      for (int i = 0; i < 3; i++)
        dup2 (null, i);
      for (int i = 3; i < max; i++)
        if (i != p[0])
          close (i);
      signal (SIGINT, SIG_IGN);
      signal (SIGTERM, SIG_IGN);
      signal (SIGHUP, SIG_IGN);
      watchdog_loop (p[0], log_path);
    }
  close (p[0]);
  return p[1];
}

void
watchdog_arm (int fd, uint32_t domid, const char *uuid)
{
  char line[96];
  int n = snprintf (line, sizeof line, "D %u %s\n", domid, uuid);
  if (fd >= 0)
    vxn_write_all (fd, line, n);
}

void
watchdog_disarm (int fd)
{
  if (fd >= 0)
    vxn_write_all (fd, "X\n", 2);
}
