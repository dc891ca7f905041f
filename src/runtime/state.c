#include "config.h"

#include "runtime.h"
#include "utils.h"

#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

int
vxn_cmd_state (struct vxn_global *g, int argc, char **argv, vxn_error_t *err)
{
  struct vxn_container c;
  if (vxn_expect_args ("state", argc - 1, 1, 1, err) < 0 || vxn_container_open (g, argv[1], &c, err) < 0)
    return -1;
  const char *status = vxn_container_status (&c);
  cJSON *o = cJSON_CreateObject ();
  cJSON_AddStringToObject (o, "ociVersion", VXN_OCI_VERSION);
  cJSON_AddStringToObject (o, "id", c.id);
  cJSON_AddStringToObject (o, "status", status);
  /* The pid is the monitor, which stands for the container; 0 once it is stopped, as runc reports. */
  cJSON_AddNumberToObject (o, "pid", c.have_state && c.monitor_alive ? c.st.monitor_pid : 0);
  if (c.have_state)
    {
      cleanup_free char *rootfs = xasprintf ("%s/rootfs", c.st.bundle);
      cJSON_AddStringToObject (o, "bundle", c.st.bundle);
      cJSON_AddStringToObject (o, "rootfs", rootfs);
      cJSON_AddStringToObject (o, "created", c.st.created);
      cJSON_AddStringToObject (o, "owner", "");
      cJSON *ann = cJSON_Parse (c.st.annotations_json);
      cJSON_AddItemToObject (o, "annotations", ann ? ann : cJSON_CreateObject ());
      if (c.st.domid >= 0)
        cJSON_AddNumberToObject (o, "org.vxn.domid", (double) c.st.domid);
    }
  char *s = cJSON_Print (o);
  cJSON_Delete (o);
  printf ("%s\n", s);
  free (s);
  vxn_container_close (&c);
  return 0;
}
