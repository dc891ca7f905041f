/* `vxn pull`: resolve a reference at its registry, pick the platform, fetch and verify every blob, then (last, so a
   ref never names an incomplete image) record the name in the store. */
#ifndef VXN_IMAGE_PULL_H
#define VXN_IMAGE_PULL_H

#include "error.h"
#include "platform.h"
#include "progress.h"
#include "store.h"

struct vxn_pull_opts
{
  const struct vxn_platform *platform; /* NULL: the host's */
  char *const *insecure;               /* registries marked insecure */
  int max_parallel;
};

/* On success *ID_OUT (may be NULL) gets the image manifest digest. */
int vxn_pull (struct vxn_store *s, const char *reference, const struct vxn_pull_opts *opts, struct vxn_progress *p,
              char **digest_out, vxn_error_t *err);

#endif
