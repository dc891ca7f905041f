/* logs: what a detached container printed (stdout and stderr, in the order written), from its log file, which
   outlives the container. -f follows with inotify on the file and a pidfd on the monitor: no polling. */
#include "config.h"

#include "vxn.h"
#include "utils.h"
#include "view.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] = "Usage: %1$s logs [OPTIONS] CONTAINER\n\n"
                            "Show what a container started with -d (or by start) printed; it is kept after the exit.\n"
                            "Containers run in the foreground printed to the terminal instead.\n\n"
                            "Options:\n"
                            "  -f, --follow      keep printing until the container exits\n"
                            "  -n, --tail N      only the last N lines (\"all\": everything)\n";

/* Copy FD from its current offset to stdout until EOF. */
static int
copy_out (int fd, vxn_error_t *err)
{
  char buf[65536];
  for (;;)
    {
      ssize_t n = read (fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return vxn_make_error (err, errno, "read the log");
      if (n == 0)
        return 0;
      if (vxn_write_all (1, buf, n) < 0)
        return vxn_make_error (err, errno, "write");
    }
}

/* Position FD at the start of its last N lines (a final line without newline counts), reading backwards. */
static int
seek_tail (int fd, long n, vxn_error_t *err)
{
  struct stat st;
  if (fstat (fd, &st) < 0)
    return vxn_make_error (err, errno, "stat the log");
  off_t end = st.st_size, pos = end, start = 0;
  char buf[65536];
  long lines = 0;
  int first = 1;
  while (pos > 0 && n >= 0)
    {
      size_t chunk = pos > (off_t)sizeof buf ? sizeof buf : (size_t)pos;
      pos -= chunk;
      ssize_t got = pread (fd, buf, chunk, pos);
      if (got != (ssize_t)chunk)
        return vxn_make_error (err, errno, "read the log");
      for (ssize_t i = got - 1; i >= 0; i--)
        {
          if (buf[i] != '\n')
            continue;
          if (first && pos + i == end - 1)
            {
              first = 0; /* the newline ending the last line */
              continue;
            }
          if (++lines == n)
            {
              start = pos + i + 1;
              goto found;
            }
        }
      first = 0;
    }
  start = n == 0 ? end : 0;
found:
  if (n == 0)
    start = end;
  if (lseek (fd, start, SEEK_SET) < 0)
    return vxn_make_error (err, errno, "seek the log");
  return 0;
}

static int
follow (int fd, const char *path, const struct vxn_view *v, vxn_error_t *err)
{
  cleanup_close int pidfd = vxn_rt_monitor_pidfd (&v->rt);
  if (pidfd < 0)
    return copy_out (fd, err); /* not running: nothing more will come */
  cleanup_close int ino = inotify_init1 (IN_CLOEXEC | IN_NONBLOCK);
  if (ino < 0 || inotify_add_watch (ino, path, IN_MODIFY | IN_DELETE_SELF | IN_MOVE_SELF) < 0)
    return vxn_make_error (err, errno, "inotify on `%s`", path);
  /* Whatever was written before the watch existed. */
  if (copy_out (fd, err) < 0)
    return -1;
  for (;;)
    {
      /* stdout too: a pipe whose reader is gone (`logs -f | grep -m1 x`) reports POLLERR, and we stop at once
         instead of at the container's next line. */
      struct pollfd p[3]
          = { { .fd = ino, .events = POLLIN }, { .fd = pidfd, .events = POLLIN }, { .fd = 1, .events = 0 } };
      if (poll (p, 3, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return vxn_make_error (err, errno, "poll");
        }
      if (p[2].revents & (POLLERR | POLLHUP))
        return 0;
      char ev[4096];
      while (read (ino, ev, sizeof ev) > 0)
        ;
      if (copy_out (fd, err) < 0)
        return -1;
      if (p[1].revents)
        return copy_out (fd, err); /* the monitor has drained the guest's output before exiting */
    }
}

int
vxn_cmd_logs (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "follow", no_argument, NULL, 'f' },      { "tail", required_argument, NULL, 'n' },
    { "timestamps", no_argument, NULL, 't' },  { "since", required_argument, NULL, 'S' },
    { "until", required_argument, NULL, 'U' }, { "details", no_argument, NULL, 'D' },
    { "help", no_argument, NULL, 'h' },        { NULL, 0, NULL, 0 },
  };
  int c, fol = 0;
  long tail = -1;
  while ((c = getopt_long (argc, argv, "+:fn:th", opts, NULL)) != -1)
    switch (c)
      {
      case 'f':
        fol = 1;
        break;
      case 'n':
        if (strcmp (optarg, "all") != 0 && vxn_parse_long (optarg, 0, 1L << 40, &tail) < 0)
          return vxn_usage_error (cli, err, "invalid argument \"%s\" for \"-n, --tail\" flag", optarg);
        break;
      case 't':
      case 'S':
      case 'U':
      case 'D':
        return vxn_usage_error (cli, err, "%s is not supported yet: the container log has no timestamps",
                                vxn_bad_option (argc, argv));
      case 'h':
        vxn_print_usage (cli, usage);
        return 0;
      default:
        return vxn_usage_bad_flag (cli, c, argc, argv, err);
      }
  if (optind + 1 != argc)
    return vxn_usage_error (cli, err, "\"logs\" requires exactly 1 argument.\nSee '%s logs --help'.", cli->prog);
  struct vxn_views vs;
  struct vxn_view *v;
  int ret = vxn_view_lookup (cli, argv[optind], &vs, &v, err);
  if (ret == 0 && !v->have_record)
    ret = vxn_make_error (err, 0, "container %s belongs to %s, which keeps its output", argv[optind], v->engine);
  if (ret < 0)
    {
      vxn_views_free (&vs);
      return -1;
    }
  cleanup_free char *path = xasprintf ("%s/containers/%s/container.log", cli->root, v->id);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno != ENOENT)
    ret = vxn_make_error (err, errno, "open `%s`", path);
  else if (fd >= 0)
    {
      fflush (stdout);
      ret = tail >= 0 ? seek_tail (fd, tail, err) : 0;
      if (ret == 0)
        ret = fol ? follow (fd, path, v, err) : copy_out (fd, err);
    }
  vxn_views_free (&vs);
  return ret;
}
