/* The process spec the runtime hands to the guest init as /vxn/spec (format: docs/design.md).
   Self-contained (libc only) because the static guest init links it too. */
#ifndef VXN_GUEST_SPEC_H
#define VXN_GUEST_SPEC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define VXN_SPEC_MAX_SIZE (1024 * 1024)
#define VXN_SPEC_MAX_ITEMS 4096

/* process.capabilities sets, as bit masks (bit n = capability n), indexed by these. */
enum
{
  VXN_CAPS_BOUNDING,
  VXN_CAPS_EFFECTIVE,
  VXN_CAPS_INHERITABLE,
  VXN_CAPS_PERMITTED,
  VXN_CAPS_AMBIENT,
  VXN_CAPS_N_SETS
};

/* One process.rlimits entry; resource is a RLIMIT_* number, RLIM_INFINITY is UINT64_MAX. */
struct vxn_rlimit
{
  int resource;
  uint64_t soft, hard;
};

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

  /* Process credentials and limits (guest/init/credentials.c). */
  int have_caps; /* 0: no capabilities object, the process keeps what its uid gives it */
  uint64_t caps[VXN_CAPS_N_SETS];
  struct vxn_rlimit *rlimits;
  size_t n_rlimits;
  int no_new_privs;
  int have_umask;
  unsigned umask;
  int have_oom_score_adj;
  int oom_score_adj;
};

/* RLIMIT_NOFILE <-> its number; -1 or NULL when unknown. */
int vxn_rlimit_number (const char *name);
const char *vxn_rlimit_name (int resource);

/* Encode into a malloc'd buffer; returns 0, or -1 with a message in errbuf (e.g. a NUL inside a value). */
int vxn_guest_spec_encode (const struct vxn_guest_spec *spec, char **out, size_t *out_len, char *errbuf,
                           size_t errlen);

/* Strict decode: unknown tags, missing terminators, missing args, relative cwd, bad numbers are errors. */
int vxn_guest_spec_decode (const char *buf, size_t len, struct vxn_guest_spec *spec, char *errbuf, size_t errlen);

void vxn_guest_spec_free (struct vxn_guest_spec *spec);

#endif
