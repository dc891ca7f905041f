/* Paths from untrusted archives, resolved without ever leaving a root directory: names are cleaned lexically
   (no "..", nothing absolute) and every parent is opened with O_NOFOLLOW, so a symlink planted by an earlier
   entry or layer is never followed. */
#ifndef VXN_IMAGE_SAFEPATH_H
#define VXN_IMAGE_SAFEPATH_H

#include <stddef.h>

#include "error.h"

/* Normalise an archive member name into OUT: leading "./" and "/" runs, "." components and duplicate slashes go;
   ".." anywhere and absolute names are refused. "" is the root itself. */
int vxn_safepath_clean (const char *name, char *out, size_t cap, vxn_error_t *err);

struct vxn_walker
{
  int root_fd;
  /* One-entry cache of the last parent directory: tar streams are depth-first, so most entries share it. */
  char *cached_path;
  int cached_fd;
};

void vxn_walker_init (struct vxn_walker *w, int root_fd);
void vxn_walker_release (struct vxn_walker *w);
/* Drop the cache. */
void vxn_walker_forget (struct vxn_walker *w);
/* Drop the cache if it lies at or under PATH, which is about to be removed. */
void vxn_walker_invalidate (struct vxn_walker *w, const char *path);

/* Open the parent of the clean relative PATH (an O_PATH descriptor owned by the walker: don't close it) and point
   *LEAF at the last component. Missing parents are created (0755) when CREATE; a parent that is a symlink or not a
   directory is an error. CREATED (may be NULL) is called with each directory made. */
int vxn_walker_parent (struct vxn_walker *w, const char *path, int create, const char **leaf,
                       void (*created) (void *, const char *), void *data, vxn_error_t *err);

#endif
