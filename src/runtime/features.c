/* features: what vxn honours, honestly. The guest is its own kernel: no seccomp, AppArmor or SELinux profiles are
   applied (config.json's are accepted and ignored), and namespaces are those of a whole VM. Capabilities are
   applied by the guest init. */
#include "config.h"

#include "runtime.h"

#include <ctype.h>
#include <stdio.h>
#include <sys/capability.h>

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
          "    \"capabilities\": [",
          VXN_OCI_VERSION);
  /* The names config.json may use: libcap's, which the guest init applies. */
  for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++)
    {
      char *name = cap_to_name (c);
      for (char *p = name; p && *p; p++)
        *p = toupper ((unsigned char)*p);
      printf ("%s\"%s\"", c ? ", " : "", name ? name : "");
      cap_free (name);
    }
  printf ("],\n"
          "    \"cgroup\": {\"v1\": false, \"v2\": true, \"systemd\": true, \"systemdUser\": false},\n"
          "    \"seccomp\": {\"enabled\": false},\n"
          "    \"apparmor\": {\"enabled\": false},\n"
          "    \"selinux\": {\"enabled\": false}\n"
          "  },\n"
          "  \"annotations\": {\n"
          "    \"org.vxn.version\": \"%s\",\n"
          "    \"org.vxn.isolation\": \"xen-pv-domain\"\n"
          "  }\n"
          "}\n",
          PACKAGE_VERSION);
  return 0;
}
