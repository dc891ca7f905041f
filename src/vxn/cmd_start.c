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

int
vxn_cmd_start (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "attach", no_argument, NULL, 'a' },
    { "interactive", no_argument, NULL, 'i' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int c, attach = 0, interactive = 0;
  while ((c = getopt_long (argc, argv, "+aih", opts, NULL)) != -1)
    switch (c)
      {
      case 'a':
        attach = 1;
        break;
      case 'i':
        interactive = 1;
        break;
      case 'h':
        vxn_print_usage (cli, usage);
        return 0;
      default:
        return vxn_usage_error (cli, err, "unknown flag: %s\nSee '%s start --help'.", vxn_bad_option (argc, argv),
                                cli->prog);
      }
  if (optind >= argc)
    return vxn_usage_error (cli, err, "\"start\" requires at least 1 argument.\nSee '%s start --help'.", cli->prog);
  if (attach && argc - optind > 1)
    return vxn_usage_error (cli, err, "you cannot start and attach multiple containers at once");
  if (interactive && !attach)
    return vxn_usage_error (cli, err, "-i needs -a (detached containers get no stdin)");
  int failed = 0;
  for (int i = optind; i < argc; i++)
    {
      struct vxn_views vs;
      struct vxn_view *v;
      vxn_error_t e = NULL;
      int ret = vxn_view_lookup (cli, argv[i], &vs, &v, &e);
      if (ret == 0 && !v->have_record)
        ret = vxn_make_error (&e, 0, "container %s belongs to %s: start it there", argv[i], v->engine);
      if (ret == 0 && v->state == VXN_VIEW_PAUSED)
        ret = vxn_make_error (&e, 0, "cannot start a paused container, try unpause instead");
      if (ret == 0 && v->state == VXN_VIEW_RUNNING)
        {
          if (!attach)
            printf ("%s\n", argv[i]); /* docker: starting a running container is a no-op */
          else
            ret = vxn_make_error (&e, 0, "container %s is already running", argv[i]);
          vxn_views_free (&vs);
          if (ret < 0)
            {
              vxn_report_error (cli, &e);
              failed = 1;
            }
          continue;
        }
      if (ret == 0)
        {
          struct vxn_launch_opts lo
              = { .foreground = attach, .interactive = interactive, .sig_proxy = 1, .tty = v->rec.tty };
          int status = 0;
          fflush (stdout);
          ret = vxn_launch (cli, &v->rec, &lo, &status, &e);
          if (ret == 0 && attach)
            {
              cli->exit_status = status;
              if (v->rec.auto_remove)
                {
                  vxn_error_t re = NULL;
                  if (vxn_ctr_destroy (cli, &v->rec, &re) < 0)
                    vxn_report_error (cli, &re);
                }
            }
          else if (ret == 0)
            printf ("%s\n", argv[i]);
        }
      if (ret < 0)
        {
          vxn_report_error (cli, &e);
          failed = 1;
        }
      vxn_views_free (&vs);
    }
  return failed ? -1 : 0;
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
  if (argc < 2)
    return vxn_usage_error (cli, err, "\"%s\" requires at least 1 argument.\nSee '%s %s --help'.", argv[0], cli->prog,
                            argv[0]);
  int failed = 0;
  for (int i = 1; i < argc; i++)
    {
      struct vxn_views vs;
      struct vxn_view *v;
      vxn_error_t e = NULL;
      int ret = vxn_view_lookup (cli, argv[i], &vs, &v, &e);
      if (ret == 0 && v->state != (pause ? VXN_VIEW_RUNNING : VXN_VIEW_PAUSED))
        ret = vxn_make_error (&e, 0, "container %s is %s", argv[i], vxn_view_state_name (v));
      if (ret == 0)
        {
          char *args[] = { pause ? "pause" : "resume", v->id, NULL };
          ret = vxn_view_rt (cli, v, args, &e);
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
  return failed ? -1 : 0;
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
