#include "config.h"

#include "runtime.h"

static int
simple_request (struct vxn_global *g, const char *verb, int argc, char **argv, vxn_error_t *err)
{
  struct vxn_container c;
  if (vxn_expect_args (verb, argc - 1, 1, 1, err) < 0 || vxn_container_open (g, argv[1], &c, err) < 0)
    return -1;
  int ret = vxn_container_request (&c, verb, err);
  vxn_container_close (&c);
  return ret;
}

int
vxn_cmd_pause (struct vxn_global *g, int argc, char **argv, vxn_error_t *err)
{
  return simple_request (g, "pause", argc, argv, err);
}

int
vxn_cmd_resume (struct vxn_global *g, int argc, char **argv, vxn_error_t *err)
{
  return simple_request (g, "resume", argc, argv, err);
}
