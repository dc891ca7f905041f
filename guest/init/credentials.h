/* The container process's credentials and limits (credentials.c). */
#ifndef VXN_GUEST_CREDENTIALS_H
#define VXN_GUEST_CREDENTIALS_H

#include <stddef.h>

#include "guest_spec.h"

/* Called by the entrypoint's child as root, after the chroot, just before exec: oom_score_adj, rlimits, umask,
   the capability bounding set, groups/gid/uid, the other capability sets, ambient capabilities, no_new_privs.
   Returns 0, or -1 with the reason in err. */
int vxn_apply_process_credentials (const struct vxn_guest_spec *spec, char *err, size_t errlen);

#endif
