/* start: run a created or exited vxn container again from its bundle (a fresh domain: the guest's writes lived in
   its RAM and are gone, as after a reboot). -a runs it in the foreground like run; otherwise its output is appended
   to its log. pause / unpause go to the runtime (the domain is paused). */
#include "config.h"

#include "vxn.h"
#include "launch.h"
#include "utils.h"
#include "view.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] = "Usage: %1$s start [OPTIONS] CONTAINER [CONTAINER...]\n\n"
                            "Start created or stopped containers (each gets a fresh domain from its bundle).\n\n"
                            "Options:\n"
                            "  -a, --attach        run in the foreground: output here, exit with its status (one "
                            "container)\n"
                            "  -i, --interactive   with -a: pass stdin\n";

struct start_args
{
  int attach, interactive;
};

static int
start_one (struct vxn_cli *cli, struct vxn_view *v, const char *what, void *data, vxn_error_t *err)
{
  const struct start_args *a = data;
  if (!v->have_record)
    return vxn_make_error (err, 0, "container %s belongs to %s: start it there", what, v->engine);
  if (v->state == VXN_VIEW_PAUSED)
    return vxn_make_error (err, 0, "cannot start a paused container, try unpause instead");
  if (v->state == VXN_VIEW_RUNNING)
    {
      if (a->attach)
        return vxn_make_error (err, 0, "container %s is already running", what);
      return 0; /* docker: starting a running container is a no-op */
    }
  struct vxn_launch_opts lo
      = { .foreground = a->attach, .interactive = a->interactive, .sig_proxy = 1, .tty = v->rec.tty };
  int status = 0;
  fflush (stdout);
  if (vxn_launch (cli, &v->rec, &lo, &status, err) < 0)
    return -1;
  if (a->attach)
    {
      cli->exit_status = status;
      if (v->rec.auto_remove)
        {
          vxn_error_t re = NULL;
          if (vxn_ctr_destroy (cli, &v->rec, &re) < 0)
            vxn_report_error (cli, &re);
        }
    }
  return 0;
}

int
vxn_cmd_start (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "attach", no_argument, NULL, 'a' },
    { "interactive", no_argument, NULL, 'i' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct start_args a = { 0 };
  int c;
  while ((c = getopt_long (argc, argv, "+aih", opts, NULL)) != -1)
    switch (c)
      {
      case 'a':
        a.attach = 1;
        break;
      case 'i':
        a.interactive = 1;
        break;
      case 'h':
        vxn_print_usage (cli, usage);
        return 0;
      default:
        return vxn_usage_bad_flag (cli, c, argc, argv, err);
      }
  if (vxn_usage_need_args (cli, optind, argc, argv, err) < 0)
    return -1;
  if (a.attach && argc - optind > 1)
    return vxn_usage_error (cli, err, "you cannot start and attach multiple containers at once");
  if (a.interactive && !a.attach)
    return vxn_usage_error (cli, err, "-i needs -a (detached containers get no stdin)");
  /* Detached, each name is echoed as docker does; attached, the container's own output is the answer. */
  return vxn_for_each_container (cli, optind, argc, argv, a.attach ? 0 : VXN_EACH_PRINT_NAME, start_one, &a);
}

static int
pause_one (struct vxn_cli *cli, struct vxn_view *v, const char *what, void *data, vxn_error_t *err)
{
  const int *pause = data;
  if (v->state != (*pause ? VXN_VIEW_RUNNING : VXN_VIEW_PAUSED))
    return vxn_make_error (err, 0, "container %s is %s", what, vxn_view_state_name (v));
  char *args[] = { *pause ? "pause" : "resume", v->id, NULL };
  return vxn_view_rt (cli, v, args, err);
}

static int
pause_or_resume (struct vxn_cli *cli, int argc, char **argv, int pause, vxn_error_t *err)
{
  if (argc > 1 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      printf ("Usage: %s %s CONTAINER [CONTAINER...]\n\n%s the domains of containers.\n", cli->prog, argv[0],
              pause ? "Pause" : "Resume");
      return 0;
    }
  if (vxn_usage_need_args (cli, 1, argc, argv, err) < 0)
    return -1;
  return vxn_for_each_container (cli, 1, argc, argv, VXN_EACH_PRINT_NAME, pause_one, &pause);
}

int
vxn_cmd_pause (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  return pause_or_resume (cli, argc, argv, 1, err);
}

int
vxn_cmd_unpause (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  return pause_or_resume (cli, argc, argv, 0, err);
}
