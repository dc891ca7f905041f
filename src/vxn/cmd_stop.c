/* stop, kill, restart: signals go through `vxn-oci-runtime kill`, which asks the container's monitor, so they work
   the same on containers containerd, docker or podman started. stop waits on a pidfd of the monitor (it exits with
   the container), with the timeout as poll's: no sleep loops. */
#include "config.h"

#include "vxn.h"
#include "launch.h"
#include "signals.h"
#include "utils.h"
#include "view.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define KILL_WAIT_MS 120000 /* after KILL the monitor only destroys the domain */

static const char usage_stop[]
    = "Usage: %1$s stop [OPTIONS] CONTAINER [CONTAINER...]\n\n"
      "Stop containers: the stop signal, then KILL after the timeout.\n\n"
      "Options:\n"
      "  -t, --time N      seconds to wait before KILL (default: the container's, 10; -1: "
      "forever)\n"
      "  -s, --signal SIG  the signal to send first (default: the container's stop signal)\n";

static const char usage_restart[] = "Usage: %1$s restart [OPTIONS] CONTAINER [CONTAINER...]\n\n"
                                    "Stop (as stop does) and start containers again, in the background.\n\n"
                                    "Options:\n"
                                    "  -t, --time N      seconds to wait before KILL (default: the container's, 10)\n";

static const char usage_kill[] = "Usage: %1$s kill [OPTIONS] CONTAINER [CONTAINER...]\n\n"
                                 "Send a signal to running containers.\n\n"
                                 "Options:\n"
                                 "  -s, --signal SIG  the signal (default KILL; KILL destroys the domain)\n";

static int
is_live (const struct vxn_view *v)
{
  return v->rt.have_state && v->rt.alive && strcmp (v->rt.st.status, "exited") != 0;
}

/* Stop V: SIGNO, wait TIMEOUT seconds (-1: forever) for the monitor to exit, then KILL. */
static int
stop_one (struct vxn_cli *cli, struct vxn_view *v, int signo, long timeout, vxn_error_t *err)
{
  if (!is_live (v))
    return 0; /* docker: stopping a stopped container succeeds */
  /* The pidfd first, so the exit cannot slip between the signal and the wait. */
  cleanup_close int pidfd = vxn_rt_monitor_pidfd (&v->rt);
  if (pidfd < 0)
    return 0;
  if (vxn_view_signal (cli, v, signo, err) < 0)
    {
      if (vxn_pidfd_wait (pidfd, 0))
        {
          vxn_error_release (err); /* it exited meanwhile */
          return 0;
        }
      return -1;
    }
  if (vxn_pidfd_wait (pidfd, timeout < 0 ? -1 : (int)(timeout * 1000)))
    return 0;
  if (vxn_view_signal (cli, v, SIGKILL, err) < 0 && !vxn_pidfd_wait (pidfd, 0))
    return -1;
  vxn_error_release (err);
  if (!vxn_pidfd_wait (pidfd, KILL_WAIT_MS))
    return vxn_make_error (err, 0, "container %s did not stop after KILL", v->name);
  return 0;
}

static int
stop_signal_of (const struct vxn_view *v, const char *given, int *signo, vxn_error_t *err)
{
  const char *s = given ? given : v->have_record && v->rec.stop_signal[0] ? v->rec.stop_signal : "TERM";
  return vxn_parse_signal (s, signo, err);
}

struct stop_args
{
  int restart;
  const char *sig; /* -s, else each container's stop signal */
  long timeout;    /* -t, else -2: each container's */
};

static int
stop_or_restart_one (struct vxn_cli *cli, struct vxn_view *v, const char *what, void *data, vxn_error_t *err)
{
  const struct stop_args *a = data;
  int signo;
  if (a->restart && !v->have_record)
    return vxn_make_error (err, 0, "container %s belongs to %s: restart it there", what, v->engine);
  if (a->restart && v->rec.tty)
    return vxn_make_error (err, 0, "container %s has a terminal (-t): stop it and `start -a` it instead", what);
  if (stop_signal_of (v, a->sig, &signo, err) < 0)
    return -1;
  long t = a->timeout != -2 ? a->timeout : v->have_record ? v->rec.stop_timeout : 10;
  if (stop_one (cli, v, signo, t, err) < 0)
    return -1;
  if (a->restart)
    {
      struct vxn_launch_opts lo = { 0 };
      int status;
      return vxn_launch (cli, &v->rec, &lo, &status, err);
    }
  return 0;
}

static int
stop_or_restart (struct vxn_cli *cli, int argc, char **argv, int restart, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "signal", required_argument, NULL, 's' }, /* stop only: restart's table starts after it */
    { "time", required_argument, NULL, 't' },   { "timeout", required_argument, NULL, 't' },
    { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
  };
  struct stop_args a = { .restart = restart, .timeout = -2 };
  int c, signo;
  /* Without --signal in its table, restart's getopt names `--signal` as the unknown flag, not its value. */
  while ((c = getopt_long (argc, argv, restart ? "+:t:h" : "+:t:s:h", restart ? opts + 1 : opts, NULL)) != -1)
    switch (c)
      {
      case 't':
        if (strcmp (optarg, "-1") == 0)
          a.timeout = -1;
        else if (vxn_parse_long (optarg, 0, 86400, &a.timeout) < 0)
          return vxn_usage_error (cli, err, "invalid argument \"%s\" for \"-t, --time\" flag", optarg);
        break;
      case 's':
        if (vxn_parse_signal (optarg, &signo, err) < 0)
          {
            cli->error_status = VXN_EXIT_CLI;
            return -1;
          }
        a.sig = optarg;
        break;
      case 'h':
        vxn_print_usage (cli, restart ? usage_restart : usage_stop);
        return 0;
      default:
        return vxn_usage_bad_flag (cli, c, argc, argv, err);
      }
  if (vxn_usage_need_args (cli, optind, argc, argv, err) < 0)
    return -1;
  return vxn_for_each_container (cli, optind, argc, argv, VXN_EACH_PRINT_NAME, stop_or_restart_one, &a);
}

int
vxn_cmd_stop (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  return stop_or_restart (cli, argc, argv, 0, err);
}

int
vxn_cmd_restart (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  return stop_or_restart (cli, argc, argv, 1, err);
}

static int
kill_one (struct vxn_cli *cli, struct vxn_view *v, const char *what, void *data, vxn_error_t *err)
{
  if (!is_live (v))
    return vxn_make_error (err, 0, "cannot kill container: %s: container %s is not running", what, v->name);
  return vxn_view_signal (cli, v, *(const int *)data, err);
}

int
vxn_cmd_kill (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "signal", required_argument, NULL, 's' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int c, signo = SIGKILL;
  while ((c = getopt_long (argc, argv, "+:s:h", opts, NULL)) != -1)
    switch (c)
      {
      case 's':
        if (vxn_parse_signal (optarg, &signo, err) < 0)
          {
            cli->error_status = VXN_EXIT_CLI;
            return -1;
          }
        break;
      case 'h':
        vxn_print_usage (cli, usage_kill);
        return 0;
      default:
        return vxn_usage_bad_flag (cli, c, argc, argv, err);
      }
  if (vxn_usage_need_args (cli, optind, argc, argv, err) < 0)
    return -1;
  return vxn_for_each_container (cli, optind, argc, argv, VXN_EACH_PRINT_NAME, kill_one, &signo);
}
