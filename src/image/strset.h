/* A set of strings (open addressing, grows by doubling): digests reachable during gc, paths an unpack has
   written in the current layer. */
#ifndef VXN_IMAGE_STRSET_H
#define VXN_IMAGE_STRSET_H

#include <stddef.h>

struct vxn_strset;

struct vxn_strset *vxn_strset_new (void);
void vxn_strset_free (struct vxn_strset *s);
/* 1 when added, 0 when already there. */
int vxn_strset_add (struct vxn_strset *s, const char *str);
int vxn_strset_has (const struct vxn_strset *s, const char *str);
size_t vxn_strset_size (const struct vxn_strset *s);
void vxn_strset_clear (struct vxn_strset *s);

#endif
