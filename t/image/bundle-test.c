/* config.json generation: docker's Entrypoint/Cmd override rules, env merging, user resolution. */
#include "config.h"

#include "bundle.h"
#include "strv.h"
#include "tap.h"
#include "userdb.h"
#include "utils.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

static char **
v (const char *a, const char *b, const char *c)
{
  char **r = xzalloc (sizeof *r);
  if (a)
    r = vxn_strv_append (r, a);
  if (b)
    r = vxn_strv_append (r, b);
  if (c)
    r = vxn_strv_append (r, c);
  return r;
}

/* args of the spec as "a|b|c", or the error message */
static char *
args_of (struct vxn_image_config *cfg, struct vxn_bundle_opts *o)
{
  cJSON *spec;
  vxn_error_t err = NULL;
  if (vxn_bundle_spec (cfg, "n", NULL, NULL, o, -1, &spec, &err) < 0)
    {
      char *m = xasprintf ("error: %s", err->msg);
      vxn_error_release (&err);
      return m;
    }
  const cJSON *a = cJSON_GetObjectItem (cJSON_GetObjectItem (spec, "process"), "args"), *it;
  char **parts = xzalloc (sizeof *parts);
  cJSON_ArrayForEach (it, a) parts = vxn_strv_append (parts, it->valuestring);
  char *r = vxn_strv_join (parts, "|");
  vxn_strv_free (parts);
  cJSON_Delete (spec);
  return r;
}

static void
check_args (char **ep, char **cmd, int ep_set, char **o_ep, char **o_cmd, const char *want, const char *what)
{
  struct vxn_image_config cfg = { 0 };
  cfg.env = v (NULL, NULL, NULL);
  cfg.ports = v (NULL, NULL, NULL);
  cfg.volumes = v (NULL, NULL, NULL);
  cfg.diff_ids = v (NULL, NULL, NULL);
  cfg.entrypoint = ep;
  cfg.cmd = cmd;
  struct vxn_bundle_opts o = { 0 };
  o.entrypoint_set = ep_set;
  o.entrypoint = o_ep;
  o.cmd = o_cmd;
  cleanup_free char *got = args_of (&cfg, &o);
  is_str (got, want, "%s", what);
  vxn_strv_free (o_ep);
  vxn_strv_free (o_cmd);
  cfg.root = NULL;
  vxn_image_config_clear (&cfg);
}

static int
write_file (int dirfd, const char *name, const char *content)
{
  int fd = openat (dirfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    return -1;
  int r = vxn_write_all (fd, content, strlen (content));
  close (fd);
  return r;
}

static void
test_users (void)
{
  char dir[] = "/tmp/vxn-unit-bundle.XXXXXX";
  if (mkdtemp (dir) == NULL)
    abort ();
  cleanup_free char *etc = xasprintf ("%s/etc", dir);
  mkdir (etc, 0755);
  int efd = open (etc, O_RDONLY | O_DIRECTORY);
  write_file (efd, "passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:App:/home/app:/bin/sh\nbroken line\n");
  write_file (efd, "group", "root:x:0:\nappgrp:x:1001:\nwheel:x:10:app,other\naudio:x:29:other\n");
  int rfd = open (dir, O_RDONLY | O_DIRECTORY);
  struct vxn_exec_user u;
  vxn_error_t err = NULL;
  ok (vxn_exec_user_resolve (rfd, "app", &u, &err) == 0 && u.uid == 1000 && u.gid == 1001 && u.n_additional == 1
          && u.additional[0] == 10 && strcmp (u.home, "/home/app") == 0,
      "user by name: uid, primary gid, supplementary group, home");
  vxn_exec_user_clear (&u);
  ok (vxn_exec_user_resolve (rfd, "1000", &u, &err) == 0 && u.uid == 1000 && u.gid == 1001, "uid found in passwd");
  vxn_exec_user_clear (&u);
  ok (vxn_exec_user_resolve (rfd, "4242", &u, &err) == 0 && u.uid == 4242 && u.gid == 0 && strcmp (u.home, "/") == 0,
      "unknown uid: gid 0, home /");
  vxn_exec_user_clear (&u);
  ok (vxn_exec_user_resolve (rfd, "app:audio", &u, &err) == 0 && u.gid == 29, "name:group");
  vxn_exec_user_clear (&u);
  ok (vxn_exec_user_resolve (rfd, "1:2", &u, &err) == 0 && u.uid == 1 && u.gid == 2, "uid:gid");
  vxn_exec_user_clear (&u);
  ok (vxn_exec_user_resolve (rfd, "", &u, &err) == 0 && u.uid == 0 && u.gid == 0 && strcmp (u.home, "/root") == 0,
      "empty user is root");
  vxn_exec_user_clear (&u);
  ok (vxn_exec_user_resolve (rfd, "nobody", &u, &err) < 0 && strstr (err->msg, "unable to find user nobody"),
      "unknown user name refused");
  vxn_error_release (&err);
  ok (vxn_exec_user_resolve (rfd, "app:nogroup", &u, &err) < 0 && strstr (err->msg, "unable to find group"),
      "unknown group refused");
  vxn_error_release (&err);
  /* A symlinked /etc/passwd pointing at the host's must not be read. */
  unlinkat (efd, "passwd", 0);
  symlinkat ("/etc/passwd", efd, "passwd");
  ok (vxn_exec_user_resolve (rfd, "root", &u, &err) < 0, "symlinked passwd is not followed");
  vxn_error_release (&err);
  close (efd);
  close (rfd);
  vxn_rm_rf_at (AT_FDCWD, dir, &err);
}

static void
test_env (void)
{
  struct vxn_image_config cfg = { 0 };
  cfg.env = v ("A=1", "PATH=/x", NULL);
  cfg.ports = v ("80/tcp", "443/tcp", "22/tcp");
  cfg.volumes = v (NULL, NULL, NULL);
  cfg.diff_ids = v (NULL, NULL, NULL);
  cfg.cmd = v ("run", NULL, NULL);
  cfg.workdir = xstrdup ("rel");
  struct vxn_bundle_opts o = { 0 };
  cleanup_strv char **env = v ("A=2", "B=3", NULL);
  o.env = env;
  o.terminal = 1;
  cJSON *spec;
  vxn_error_t err = NULL;
  ok (vxn_bundle_spec (&cfg, "x", "sha256:m", "sha256:i", &o, -1, &spec, &err) == 0, "spec");
  char *text = cJSON_PrintUnformatted (cJSON_GetObjectItem (cJSON_GetObjectItem (spec, "process"), "env"));
  is_str (text, "[\"A=2\",\"PATH=/x\",\"B=3\",\"HOME=/\",\"TERM=xterm\"]", "env merged, HOME and TERM added");
  free (text);
  is_str (cJSON_GetObjectItem (cJSON_GetObjectItem (spec, "process"), "cwd")->valuestring, "/rel",
          "relative WorkingDir made absolute");
  is_str (cJSON_GetObjectItem (cJSON_GetObjectItem (spec, "annotations"), VXN_ANNOTATION_PORTS)->valuestring,
          "22/tcp,443/tcp,80/tcp", "ports sorted");
  ok (cJSON_GetObjectItem (cJSON_GetObjectItem (spec, "annotations"), VXN_ANNOTATION_VOLUMES) == NULL,
      "no volumes annotation without volumes");
  cJSON_Delete (spec);
  vxn_strv_free (cfg.env);
  cfg.env = v ("A=1", NULL, NULL);
  ok (vxn_bundle_spec (&cfg, "x", NULL, NULL, NULL, -1, &spec, &err) == 0, "spec without options");
  text = cJSON_PrintUnformatted (cJSON_GetObjectItem (cJSON_GetObjectItem (spec, "process"), "env"));
  is_str (text, "[\"A=1\",\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"HOME=/\"]",
          "default PATH");
  free (text);
  cJSON_Delete (spec);
  vxn_image_config_clear (&cfg);
}

int
main (void)
{
  check_args (v ("/ep", NULL, NULL), v ("a", "b", NULL), 0, NULL, NULL, "/ep|a|b", "Entrypoint + Cmd");
  check_args (v ("/ep", NULL, NULL), v ("a", NULL, NULL), 0, NULL, v ("x", "y", NULL), "/ep|x|y",
              "arguments replace Cmd, keep Entrypoint");
  check_args (NULL, v ("sh", NULL, NULL), 0, NULL, NULL, "sh", "Cmd alone");
  check_args (v ("/ep", NULL, NULL), v ("a", NULL, NULL), 1, v ("/new", NULL, NULL), NULL, "/new",
              "--entrypoint drops the image's Cmd");
  check_args (v ("/ep", NULL, NULL), v ("a", NULL, NULL), 1, v ("/new", NULL, NULL), v ("z", NULL, NULL), "/new|z",
              "--entrypoint with arguments");
  check_args (v ("/ep", NULL, NULL), v ("a", NULL, NULL), 1, v (NULL, NULL, NULL), v ("z", NULL, NULL), "z",
              "--entrypoint \"\" clears it");
  check_args (NULL, NULL, 0, NULL, NULL, "error: no command specified: the image has neither Entrypoint nor Cmd",
              "nothing to run is an error");
  check_args (v ("/ep", NULL, NULL), NULL, 1, v (NULL, NULL, NULL), NULL,
              "error: no command specified: the image has neither Entrypoint nor Cmd", "cleared with nothing left");
  test_users ();
  test_env ();
  return done_testing ();
}
