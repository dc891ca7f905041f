/* features: what vxn honours, honestly. The guest is its own kernel: no seccomp, AppArmor or SELinux profiles are
   applied, and namespaces are those of a whole VM. */
#include "config.h"

#include "runtime.h"

#include <stdio.h>

int
vxn_cmd_features (struct vxn_global *g, int argc, char **argv, vxn_error_t *err)
{
  (void) g;
  (void) argv;
  if (vxn_expect_args ("features", argc - 1, 0, 0, err) < 0)
    return -1;
  printf ("{\n"
          "  \"ociVersionMin\": \"1.0.0\",\n"
          "  \"ociVersionMax\": \"%s\",\n"
          "  \"hooks\": [],\n"
          "  \"mountOptions\": [],\n"
          "  \"linux\": {\n"
          "    \"namespaces\": [],\n"
          "    \"capabilities\": [],\n"
          "    \"cgroup\": {\"v1\": false, \"v2\": false, \"systemd\": false, \"systemdUser\": false},\n"
          "    \"seccomp\": {\"enabled\": false},\n"
          "    \"apparmor\": {\"enabled\": false},\n"
          "    \"selinux\": {\"enabled\": false}\n"
          "  },\n"
          "  \"annotations\": {\n"
          "    \"org.vxn.version\": \"%s\",\n"
          "    \"org.vxn.isolation\": \"xen-pv-domain\"\n"
          "  }\n"
          "}\n",
          VXN_OCI_VERSION, PACKAGE_VERSION);
  return 0;
}
