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

static int
stop_or_restart (struct vxn_cli *cli, int argc, char **argv, int restart, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "time", required_argument, NULL, 't' },
    { "timeout", required_argument, NULL, 't' },
    { "signal", required_argument, NULL, 's' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  long timeout = -2;
  const char *sig = NULL;
  int c, signo;
  while ((c = getopt_long (argc, argv, restart ? "+:t:h" : "+:t:s:h", opts, NULL)) != -1)
    switch (c)
      {
      case 't':
        if (strcmp (optarg, "-1") == 0)
          timeout = -1;
        else if (vxn_parse_long (optarg, 0, 86400, &timeout) < 0)
          return vxn_usage_error (cli, err, "invalid argument \"%s\" for \"-t, --time\" flag", optarg);
        break;
      case 's':
        if (restart)
          goto bad;
        if (vxn_parse_signal (optarg, &signo, err) < 0)
          {
            cli->error_status = VXN_EXIT_CLI;
            return -1;
          }
        sig = optarg;
        break;
      case 'h':
        vxn_print_usage (cli, restart ? usage_restart : usage_stop);
        return 0;
      default:
      bad:
        return vxn_usage_error (cli, err, "%s: %s\nSee '%s %s --help'.",
                                c == ':' ? "flag needs an argument" : "unknown flag", vxn_bad_option (argc, argv),
                                cli->prog, argv[0]);
      }
  if (optind >= argc)
    return vxn_usage_error (cli, err, "\"%s\" requires at least 1 argument.\nSee '%s %s --help'.", argv[0], cli->prog,
                            argv[0]);
  int failed = 0;
  for (int i = optind; i < argc; i++)
    {
      struct vxn_views vs;
      struct vxn_view *v;
      vxn_error_t e = NULL;
      int ret = vxn_view_lookup (cli, argv[i], &vs, &v, &e);
      if (ret == 0 && restart && !v->have_record)
        ret = vxn_make_error (&e, 0, "container %s belongs to %s: restart it there", argv[i], v->engine);
      if (ret == 0)
        ret = stop_signal_of (v, sig, &signo, &e);
      if (ret == 0)
        {
          long t = timeout != -2 ? timeout : v->have_record ? v->rec.stop_timeout : 10;
          ret = stop_one (cli, v, signo, t, &e);
        }
      if (ret == 0 && restart)
        {
          struct vxn_launch_opts lo = { 0 };
          int status;
          ret = vxn_launch (cli, &v->rec, &lo, &status, &e);
        }
      if (ret == 0)
        printf ("%s\n", argv[i]);
      else
        {
          vxn_report_error (cli, &e);
          failed = 1;
        }
      vxn_views_free (&vs);
    }
  if (failed)
    return -1; /* each failure was reported */
  return 0;
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
        return vxn_usage_error (cli, err, "%s: %s\nSee '%s kill --help'.",
                                c == ':' ? "flag needs an argument" : "unknown flag", vxn_bad_option (argc, argv),
                                cli->prog);
      }
  if (optind >= argc)
    return vxn_usage_error (cli, err, "\"kill\" requires at least 1 argument.\nSee '%s kill --help'.", cli->prog);
  int failed = 0;
  for (int i = optind; i < argc; i++)
    {
      struct vxn_views vs;
      struct vxn_view *v;
      vxn_error_t e = NULL;
      int ret = vxn_view_lookup (cli, argv[i], &vs, &v, &e);
      if (ret == 0 && !is_live (v))
        ret = vxn_make_error (&e, 0, "cannot kill container: %s: container %s is not running", argv[i], v->name);
      if (ret == 0)
        ret = vxn_view_signal (cli, v, signo, &e);
      if (ret == 0)
        printf ("%s\n", argv[i]);
      else
        {
          vxn_report_error (cli, &e);
          failed = 1;
        }
      vxn_views_free (&vs);
    }
  if (failed)
    return -1; /* each failure was reported */
  return 0;
}
