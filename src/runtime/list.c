#include "config.h"

#include "runtime.h"
#include "utils.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

int
vxn_cmd_list (struct vxn_global *g, int argc, char **argv, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' },
    { "quiet", no_argument, NULL, 'q' },
    { NULL, 0, NULL, 0 },
  };
  int c, json = 0, quiet = 0;
  while ((c = getopt_long (argc, argv, "f:q", opts, NULL)) != -1)
    {
      if (c == 'q')
        quiet = 1;
      else if (c == 'f' && (strcmp (optarg, "json") == 0 || strcmp (optarg, "table") == 0))
        json = strcmp (optarg, "json") == 0;
      else
        return vxn_make_error (err, 0, "list: --format must be json or table");
    }
  cJSON *arr = cJSON_CreateArray ();
  DIR *d = opendir (g->root);
  if (d == NULL && errno != ENOENT)
    {
      cJSON_Delete (arr);
      return vxn_make_error (err, errno, "open `%s`", g->root);
    }
  if (!json && !quiet)
    printf ("%-20s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    {
      struct vxn_container ct;
      vxn_error_t cerr = NULL;
      if (de->d_name[0] == '.')
        continue;
      /* Entries that are not ours (runc's, under dockerd's shared root) are skipped quietly. */
      if (vxn_container_open (g, de->d_name, &ct, &cerr) < 0 || !ct.have_state)
        {
          vxn_error_release (&cerr);
          if (ct.dirfd >= 0)
            vxn_container_close (&ct);
          continue;
        }
      const char *status = vxn_container_status (&ct);
      int pid = ct.monitor_alive ? ct.st.monitor_pid : 0;
      if (json)
        {
          cJSON *o = cJSON_CreateObject ();
          cJSON_AddStringToObject (o, "ociVersion", VXN_OCI_VERSION);
          cJSON_AddStringToObject (o, "id", ct.id);
          cJSON_AddNumberToObject (o, "pid", pid);
          cJSON_AddStringToObject (o, "status", status);
          cJSON_AddStringToObject (o, "bundle", ct.st.bundle);
          cJSON_AddStringToObject (o, "created", ct.st.created);
          cJSON_AddStringToObject (o, "owner", "");
          cJSON_AddItemToArray (arr, o);
        }
      else if (quiet)
        printf ("%s\n", ct.id);
      else
        printf ("%-20s %-8d %-10s %-40s %s\n", ct.id, pid, status, ct.st.bundle, ct.st.created);
      vxn_container_close (&ct);
    }
  if (d)
    closedir (d);
  if (json)
    {
      char *s = cJSON_PrintUnformatted (arr);
      printf ("%s\n", s);
      free (s);
    }
  cJSON_Delete (arr);
  return 0;
}
