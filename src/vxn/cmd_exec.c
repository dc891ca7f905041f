/* exec: run a command in a running container through `vxn-oci-runtime exec --detach`, the same path docker's shim
   takes. The exec proxy the runtime leaves behind is re-parented to us (we are a child subreaper meanwhile), so
   we reap it, and its exit status is the command's. With -t the runtime sends the pty master to our console
   socket and we copy our terminal to and from it. */
#include "config.h"

#include "vxn.h"
#include "console.h"
#include "launch.h"
#include "rt.h"
#include "utils.h"
#include "view.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] = "Usage: %1$s exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\n"
                            "Run a command in a running container.\n\n"
                            "Options:\n"
                            "  -d, --detach           run it in the background\n"
                            "  -e, --env NAME=VALUE   set an environment variable (repeatable)\n"
                            "  -i, --interactive      keep stdin open and pass it to the command\n"
                            "  -t, --tty              allocate a terminal\n"
                            "  -u, --user UID[:GID]   run as this numeric user and group\n"
                            "  -w, --workdir DIR      working directory inside the container\n";

/* The runtime's words for a program that cannot run, mapped to docker's statuses. */
static int
start_failure_status (const vxn_error_t err)
{
  if (err && (strstr (err->msg, "executable file not found") || strstr (err->msg, "no such file or directory")))
    return 127;
  return 126;
}

static int
reap_proxy (pid_t pid, int *status, vxn_error_t *err)
{
  int ws;
  while (waitpid (pid, &ws, 0) < 0)
    if (errno != EINTR)
      return vxn_make_error (err, errno, "wait for the exec process");
  *status = WIFEXITED (ws) ? WEXITSTATUS (ws) : 128 + WTERMSIG (ws);
  return 0;
}

int
vxn_cmd_exec (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "detach", no_argument, NULL, 'd' },
    { "env", required_argument, NULL, 'e' },
    { "interactive", no_argument, NULL, 'i' },
    { "tty", no_argument, NULL, 't' },
    { "user", required_argument, NULL, 'u' },
    { "workdir", required_argument, NULL, 'w' },
    { NULL, 0, NULL, 0 },
  };
  int c, detach = 0, interactive = 0, tty = 0, ret = -1, status = 0;
  const char *user = NULL, *workdir = NULL;
  cleanup_free char **args = NULL;
  size_t n = 0;
  struct vxn_views vs = { 0 };
  struct vxn_view *v = NULL;
  struct vxn_console con = { .listen_fd = -1, .master = -1 };
  char dir[] = "/tmp/vxn-exec-XXXXXX";
  cleanup_free char *pid_file = NULL;
  cleanup_free char *log = NULL;
  pid_t pid = -1;
  cleanup_free char *text = NULL;
  long p;
  vxn_error_t ignored = NULL;

  if (vxn_cli_wants_help (argc, argv, usage))
    return 0;
  args = xzalloc ((2 * argc + 12) * sizeof *args);
  args[n++] = "exec";
  args[n++] = "--detach";
  opterr = 0;
  while ((c = getopt_long (argc, argv, "+de:itu:w:", opts, NULL)) != -1)
    switch (c)
      {
      case 'd':
        detach = 1;
        break;
      case 'e':
        args[n++] = "--env";
        args[n++] = optarg;
        break;
      case 'i':
        interactive = 1;
        break;
      case 't':
        tty = 1;
        break;
      case 'u':
        user = optarg;
        break;
      case 'w':
        workdir = optarg;
        break;
      default:
        return vxn_usage_bad_flag (cli, c, argc, argv, err);
      }
  if (optind + 1 >= argc)
    return vxn_usage_error (cli, err, "\"%s exec\" requires at least 2 arguments", cli->prog);
  if (user && strspn (user, "0123456789:") != strlen (user))
    return vxn_usage_error (cli, err,
                            "--user: only a numeric UID[:GID] is supported (the image's passwd is in the guest)");
  if (tty && detach)
    return vxn_usage_error (cli, err, "-t with -d is not supported (nothing would hold the terminal)");
  if (vxn_view_lookup (cli, argv[optind], &vs, &v, err) < 0)
    goto out;
  if (!v->rt.have_state || !v->rt.alive || strcmp (v->rt.st.status, "running") != 0)
    {
      vxn_make_error (err, 0, "container %s is not running", argv[optind]);
      goto out;
    }
  if (mkdtemp (dir) == NULL)
    {
      vxn_make_error (err, errno, "mkdtemp");
      goto out;
    }
  pid_file = xasprintf ("%s/exec.pid", dir);
  log = xasprintf ("%s/runtime.log", dir);
  args[n++] = "--pid-file";
  args[n++] = pid_file;
  if (user)
    {
      args[n++] = "--user";
      args[n++] = (char *)user;
    }
  if (workdir)
    {
      args[n++] = "--cwd";
      args[n++] = (char *)workdir;
    }
  if (tty)
    {
      if (vxn_console_listen (&con, err) < 0)
        goto out;
      args[n++] = "--tty";
      args[n++] = "--console-socket";
      args[n++] = con.path;
    }
  args[n++] = v->id;
  for (int i = optind + 1; i < argc; i++)
    args[n++] = argv[i];

  /* The proxy outlives the runtime process; as its subreaper we get its exit status. */
  if (!detach && prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
    {
      vxn_make_error (err, errno, "prctl PR_SET_CHILD_SUBREAPER");
      goto out;
    }
  if (vxn_rt_run (v->root, log, args, interactive && !tty ? 0 : -1, detach ? -1 : 1, detach ? -1 : 2, err) < 0)
    {
      cli->error_status = start_failure_status (*err);
      goto out;
    }
  if (detach)
    {
      ret = 0;
      goto out;
    }
  if (vxn_read_file (pid_file, 64, &text, NULL, err) < 0 || vxn_parse_long (text, 1, 4194304, &p) < 0)
    {
      if (*err == NULL)
        vxn_make_error (err, 0, "the runtime wrote no pid for the exec");
      goto out;
    }
  pid = (pid_t)p;
  if (tty && (vxn_console_receive (&con, err) < 0 || vxn_console_copy (&con, interactive, pid, err) < 0))
    {
      kill (pid, SIGKILL); /* the monitor then kills the command */
      reap_proxy (pid, &status, &ignored);
      vxn_error_release (&ignored);
      goto out;
    }
  vxn_console_clear (&con);
  if (reap_proxy (pid, &status, err) < 0)
    goto out;
  cli->exit_status = status;
  ret = 0;
out:
  if (!detach)
    prctl (PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
  vxn_console_clear (&con);
  if (pid_file)
    unlink (pid_file);
  if (log)
    unlink (log);
  rmdir (dir);
  vxn_views_free (&vs);
  return ret;
}
