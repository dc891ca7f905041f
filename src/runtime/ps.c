#include "config.h"

#include "runtime.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

/* The container's processes live in another kernel; on the host the monitor stands for all of them. */
int
vxn_cmd_ps (struct vxn_global *g, int argc, char **argv, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' },
    { NULL, 0, NULL, 0 },
  };
  const char *format = "table";
  int c;
  while ((c = getopt_long (argc, argv, "f:", opts, NULL)) != -1)
    {
      if (c != 'f' || (strcmp (optarg, "json") != 0 && strcmp (optarg, "table") != 0))
        return vxn_make_error (err, 0, "ps: --format must be json or table");
      format = optarg;
    }
  if (argc - optind < 1)
    return vxn_make_error (err, 0, "ps: missing container id");
  struct vxn_container ct;
  if (vxn_container_open (g, argv[optind], &ct, err) < 0)
    return -1;
  int alive = ct.have_state && ct.monitor_alive;
  if (strcmp (format, "json") == 0)
    {
      if (alive)
        printf ("[%d]\n", (int) ct.st.monitor_pid);
      else
        printf ("[]\n");
    }
  else
    {
      printf ("PID CMD\n");
      if (alive)
        printf ("%d vxn-monitor %s\n", (int) ct.st.monitor_pid, ct.id);
    }
  vxn_container_close (&ct);
  return 0;
}
