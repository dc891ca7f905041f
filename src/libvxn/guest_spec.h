/* The process spec the runtime hands to the guest init as /vxn/spec (format: docs/design.md).
   Self-contained (libc only) because the static guest init links it too. */
#ifndef VXN_GUEST_SPEC_H
#define VXN_GUEST_SPEC_H

#include <stddef.h>
#include <sys/types.h>

#define VXN_SPEC_MAX_SIZE (1024 * 1024)
#define VXN_SPEC_MAX_ITEMS 4096

struct vxn_guest_spec
{
  char **args; /* NULL-terminated */
  size_t n_args;
  char **env; /* NULL-terminated */
  size_t n_env;
  char *cwd;
  uid_t uid;
  gid_t gid;
  gid_t *additional_gids;
  size_t n_additional_gids;
  char *hostname; /* may be NULL */
  int terminal;
  int readonly_root;
};

/* Encode into a malloc'd buffer; returns 0, or -1 with a message in errbuf (e.g. a NUL inside a value). */
int vxn_guest_spec_encode (const struct vxn_guest_spec *spec, char **out, size_t *out_len, char *errbuf,
                           size_t errlen);

/* Strict decode: unknown tags, missing terminators, missing args, relative cwd, bad numbers are errors. */
int vxn_guest_spec_decode (const char *buf, size_t len, struct vxn_guest_spec *spec, char *errbuf, size_t errlen);

void vxn_guest_spec_free (struct vxn_guest_spec *spec);

#endif
