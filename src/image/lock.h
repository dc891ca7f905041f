/* Advisory file locks (flock) on files in the store: they vanish with the process, so a killed pull never leaves
   a lock behind. */
#ifndef VXN_IMAGE_LOCK_H
#define VXN_IMAGE_LOCK_H

#include "error.h"

/* Create NAME in DIRFD if needed and lock it, waiting for other holders. Returns the descriptor holding the lock
   (close it to unlock) or a negative error. */
int vxn_lock_at (int dirfd, const char *name, int exclusive, vxn_error_t *err);

#endif
