/* `vxn run`'s process-security flags (--cap-add, --cap-drop, --ulimit, --security-opt), turned into config.json's
   process.capabilities, rlimits and noNewPrivileges as docker does; the runtime applies them in the guest. */
#ifndef VXN_RUN_SECURITY_H
#define VXN_RUN_SECURITY_H

#include <stddef.h>

struct cJSON;

struct run_security
{
  char **cap_add, **cap_drop; /* "CAP_X" or "ALL", in the order given */
  char **ulimits;             /* "RLIMIT_X soft hard" */
  int no_new_privs;
};

/* Each returns 0, or -1 with docker's wording in errbuf. */
int run_security_cap (struct run_security *s, int add, const char *arg, char *errbuf, size_t errlen);
int run_security_ulimit (struct run_security *s, const char *arg, char *errbuf, size_t errlen);
int run_security_opt (struct run_security *s, const char *arg, char *errbuf, size_t errlen);

/* Apply to the bundle's config.json (process object), after the image's defaults. */
void run_security_patch (struct cJSON *process, const struct run_security *s);
void run_security_clear (struct run_security *s);

#endif
