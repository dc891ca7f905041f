#include "config.h"

#include "runtime.h"
#include "signals.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

int
vxn_cmd_kill (struct vxn_global *g, int argc, char **argv, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },
    { NULL, 0, NULL, 0 },
  };
  int c, all = 0, signo = SIGTERM;
  while ((c = getopt_long (argc, argv, "a", opts, NULL)) != -1)
    {
      if (c != 'a')
        return vxn_make_error (err, 0, "kill: unknown option");
      all = 1;
    }
  if (vxn_expect_args ("kill", argc - optind, 1, 2, err) < 0)
    return -1;
  if (argc - optind == 2 && vxn_parse_signal (argv[optind + 1], &signo, err) < 0)
    return -1;
  struct vxn_container ct;
  if (vxn_container_open (g, argv[optind], &ct, err) < 0)
    return -1;
  int ret = 0;
  /* Killing a stopped container succeeds quietly: the shim and podman retry kills. */
  if (strcmp (vxn_container_status (&ct), "stopped") != 0)
    {
      char req[64];
      snprintf (req, sizeof req, "kill %d %d", signo, all);
      ret = vxn_container_request (&ct, req, err);
    }
  vxn_container_close (&ct);
  return ret;
}
