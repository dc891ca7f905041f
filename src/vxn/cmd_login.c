#include "config.h"

#include "vxn.h"
#include "auth.h"
#include "ref.h"
#include "registry.h"
#include "utils.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const char login_usage[] = "Usage: vxn login [OPTIONS] [SERVER]\n\n"
                                  "Log in to a registry (default docker.io); credentials are kept in docker's\n"
                                  "config.json ($DOCKER_CONFIG or ~/.docker).\n\n"
                                  "Options:\n"
                                  "  -u, --username USER\n"
                                  "  -p, --password PASS    (visible to other users: prefer --password-stdin)\n"
                                  "  --password-stdin       read the password from standard input\n";

static const char logout_usage[] = "Usage: vxn logout [SERVER]\n\nForget the credentials for a registry.\n";

/* "https://host:5000/v1/" and friends to the domain used in references. */
static char *
server_domain (const char *arg, vxn_error_t *err)
{
  const char *p = arg;
  if (strncmp (p, "https://", 8) == 0)
    p += 8;
  else if (strncmp (p, "http://", 7) == 0)
    p += 7;
  char *d = strndup (p, strcspn (p, "/"));
  if (strcmp (d, "index.docker.io") == 0 || strcmp (d, "registry-1.docker.io") == 0)
    {
      free (d);
      d = xstrdup (VXN_DOCKER_DOMAIN);
    }
  if (!vxn_ref_domain_valid (d))
    {
      vxn_make_error (err, 0, "invalid registry `%s`", arg);
      free (d);
      return NULL;
    }
  return d;
}

/* One line from FD without its newline; NULL at EOF. */
static char *
read_line (FILE *f)
{
  char *line = NULL;
  size_t cap = 0;
  ssize_t n = getline (&line, &cap, f);
  if (n < 0)
    {
      free (line);
      return NULL;
    }
  line[strcspn (line, "\r\n")] = '\0';
  return line;
}

static char *
prompt (const char *what, int echo)
{
  struct termios old, quiet;
  int tty = isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &old) == 0;
  fprintf (stderr, "%s: ", what);
  fflush (stderr);
  if (tty && !echo)
    {
      quiet = old;
      quiet.c_lflag &= ~ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  char *line = read_line (stdin);
  if (tty && !echo)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &old);
      fputc ('\n', stderr);
    }
  return line;
}

int
vxn_cmd_login (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "username", required_argument, NULL, 'u' },
    { "password", required_argument, NULL, 'p' },
    { "password-stdin", no_argument, NULL, 's' },
    { NULL, 0, NULL, 0 },
  };
  if (vxn_cli_wants_help (argc, argv, login_usage))
    return 0;
  cleanup_free char *user = NULL, *password = NULL;
  int from_stdin = 0, c;
  while ((c = getopt_long (argc, argv, "u:p:", opts, NULL)) != -1)
    switch (c)
      {
      case 'u':
        free (user);
        user = xstrdup (optarg);
        break;
      case 'p':
        free (password);
        password = xstrdup (optarg);
        break;
      case 's':
        from_stdin = 1;
        break;
      default:
        return vxn_make_error (err, 0, "login: invalid option (see vxn login --help)");
      }
  if (optind + 1 < argc)
    return vxn_make_error (err, 0, "login: at most one SERVER");
  cleanup_free char *domain = server_domain (optind < argc ? argv[optind] : VXN_DOCKER_DOMAIN, err);
  if (domain == NULL)
    return -1;
  if (from_stdin)
    {
      if (password || user == NULL)
        return vxn_make_error (err, 0, "login: --password-stdin needs --username and no --password");
      password = read_line (stdin);
      if (password == NULL)
        return vxn_make_error (err, 0, "login: no password on standard input");
    }
  if (user == NULL)
    user = prompt ("Username", 1);
  if (password == NULL && user)
    password = prompt ("Password", 0);
  if (user == NULL || *user == '\0' || password == NULL || *password == '\0')
    return vxn_make_error (err, 0, "login: a user name and a password are required");

  struct vxn_registry_opts o = { cli->insecure, user, password, 0 };
  struct vxn_registry *r;
  int ret = vxn_registry_new (domain, &o, &r, err);
  if (ret < 0)
    return ret;
  ret = vxn_registry_login (r, err);
  vxn_registry_free (r);
  if (ret == 0)
    ret = vxn_auth_save (domain, user, password, err);
  explicit_bzero (password, strlen (password));
  if (ret < 0)
    return vxn_error_wrap (err, "login %s", domain);
  printf ("Login Succeeded\n");
  return 0;
}

int
vxn_cmd_logout (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  (void)cli;
  if (vxn_cli_wants_help (argc, argv, logout_usage))
    return 0;
  if (argc > 2)
    return vxn_make_error (err, 0, "logout: at most one SERVER");
  cleanup_free char *domain = server_domain (argc == 2 ? argv[1] : VXN_DOCKER_DOMAIN, err);
  if (domain == NULL)
    return -1;
  int ret = vxn_auth_remove (domain, err);
  if (ret < 0)
    return ret;
  if (ret == 0)
    printf ("Not logged in to %s\n", domain);
  else
    printf ("Removing login credentials for %s\n", domain);
  return 0;
}
