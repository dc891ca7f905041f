/* Garbage collection: delete every blob no ref reaches, plus leftovers of interrupted pulls and loads. */
#ifndef VXN_IMAGE_GC_H
#define VXN_IMAGE_GC_H

#include <stdint.h>

#include "error.h"
#include "store.h"

/* Takes the exclusive gc lock itself (waiting for running pulls to finish). */
int vxn_store_gc (struct vxn_store *s, uint64_t *removed, uint64_t *freed, vxn_error_t *err);

/* Drop unreferenced blobs after a failed pull or load, but only if no other pull or load is running (otherwise the
   next rmi collects them). */
void vxn_store_discard_garbage (struct vxn_store *s);

#endif
