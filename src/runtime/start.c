#include "config.h"

#include "runtime.h"

int
vxn_cmd_start (struct vxn_global *g, int argc, char **argv, vxn_error_t *err)
{
  struct vxn_container c;
  if (vxn_expect_args ("start", argc - 1, 1, 1, err) < 0 || vxn_container_open (g, argv[1], &c, err) < 0)
    return -1;
  int ret = vxn_container_request (&c, "start", err);
  vxn_container_close (&c);
  return ret;
}
