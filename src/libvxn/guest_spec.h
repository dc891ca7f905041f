/* The process spec the runtime hands to the guest init as /vxn/spec (format: docs/design.md).
   Self-contained (libc only) because the static guest init links it too. */
#ifndef VXN_GUEST_SPEC_H
#define VXN_GUEST_SPEC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/mount.h>
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
/* Mounts (config.json `mounts`, resolved by the runtime; docs/design.md "Mounts"). The standard kinds (proc to
   cgroup) adjust what the guest always mounts; the others are added in their config.json order. */
enum vxn_mount_kind
{
  VXN_MOUNT_PROC,   /* /proc; mounted by the entrypoint itself */
  VXN_MOUNT_SYSFS,  /* /sys */
  VXN_MOUNT_DEV,    /* tmpfs /dev with the default devices */
  VXN_MOUNT_DEVPTS, /* /dev/pts */
  VXN_MOUNT_SHM,    /* tmpfs /dev/shm (also for an engine's host shm bind) */
  VXN_MOUNT_MQUEUE, /* /dev/mqueue */
  VXN_MOUNT_CGROUP, /* the guest's cgroup2, anywhere */
  VXN_MOUNT_TMPFS,  /* anywhere */
  VXN_MOUNT_9P,     /* a host directory: source is the 9pfs tag */
  VXN_MOUNT_FILE,   /* a host file copied into the initramfs: source is its path there */
  VXN_MOUNT_BIND,   /* parsed from config.json, not yet resolved to 9p or file: never encoded */
  VXN_MOUNT__COUNT
};
/* The mount flags a spec may carry; the guest ignores propagation (nothing propagates out of a VM). */
#define VXN_MOUNT_FLAGS_MASK                                                                                           \
  (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS | MS_DIRSYNC | MS_NOATIME | MS_NODIRATIME             \
   | MS_RELATIME | MS_STRICTATIME)

struct vxn_guest_mount
{
  enum vxn_mount_kind kind;
  char *dest;          /* absolute, normalised (no `.`, `..` or empty components) */
  char *source;        /* 9p tag, initramfs path of a file, or the host path of an unresolved bind; else NULL */
  char *data;          /* filesystem options (e.g. "size=64m,mode=1777"), or NULL */
  unsigned long flags; /* MS_* bits within VXN_MOUNT_FLAGS_MASK */
};

const char *vxn_mount_kind_name (enum vxn_mount_kind kind);

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
  struct vxn_guest_mount *mounts; /* in config.json order */
  size_t n_mounts;
  /* linux.maskedPaths (hidden: /dev/null or an empty read-only tmpfs over them) and linux.readonlyPaths, clean
     absolute paths the entrypoint applies once /proc is mounted; NULL-terminated. */
  char **masked_paths;
  size_t n_masked_paths;
  char **readonly_paths;
  size_t n_readonly_paths;
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
