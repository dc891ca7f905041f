/* The local image store: an OCI image layout (content-addressed blobs + index.json of named refs) under
   <root>/images. Blobs become visible only once complete and verified (written under ingest/, fsynced, renamed);
   refs are replaced atomically. A shared "gc" lock is held by everything that adds or reads blobs, the exclusive
   one by garbage collection, so rmi never deletes a blob a concurrent pull has written but not yet referenced. */
#ifndef VXN_IMAGE_STORE_H
#define VXN_IMAGE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "error.h"
#include "manifest.h"

#define VXN_DEFAULT_ROOT "/var/lib/vxn"

struct vxn_store
{
  char *path; /* <root>/images */
  int dirfd;
  int blobs_fd; /* blobs/sha256 */
  int ingest_fd;
  int locks_fd;
  int gc_lock_fd; /* -1 when not held */
};

/* Open (creating when needed) the store under ROOT. */
int vxn_store_open (const char *root, struct vxn_store **out, vxn_error_t *err);
void vxn_store_close (struct vxn_store *s);

/* Take the gc lock shared (adding/reading) or exclusive (collecting). Released by vxn_store_close. */
int vxn_store_lock (struct vxn_store *s, int exclusive, vxn_error_t *err);

/* 1 when the blob is present with SIZE bytes (SIZE < 0: any size). */
int vxn_store_has_blob (struct vxn_store *s, const char *digest, int64_t size);
int vxn_store_open_blob (struct vxn_store *s, const char *digest, vxn_error_t *err);
/* Read a small blob whole, re-checking its digest (cheap, and catches a damaged store before we act on it). */
int vxn_store_read_blob (struct vxn_store *s, const char *digest, size_t max, char **out, size_t *len,
                         vxn_error_t *err);
/* Store DATA; its digest goes to OUT. */
int vxn_store_put_blob (struct vxn_store *s, const void *data, size_t len, char out[VXN_DIGEST_SIZE], vxn_error_t *err);

/* Streaming ingestion: bytes are hashed and counted as they arrive, and anything beyond the expected size is
   refused at once. */
struct vxn_ingest;
/* EXPECT_DIGEST may be NULL (digest known only at the end) and EXPECT_SIZE -1. With a digest, a per-digest lock
   makes concurrent pulls of the same blob wait for each other; *PRESENT is then set when the blob is already
   stored, and no ingest is returned. */
int vxn_ingest_begin (struct vxn_store *s, const char *expect_digest, int64_t expect_size, struct vxn_ingest **out,
                      int *present, vxn_error_t *err);
int vxn_ingest_write (struct vxn_ingest *in, const void *data, size_t len, vxn_error_t *err);
uint64_t vxn_ingest_written (const struct vxn_ingest *in);
/* Verify, fsync, rename into blobs/. OUT (may be NULL) gets the digest. Frees IN whatever happens. */
int vxn_ingest_commit (struct vxn_ingest *in, char out[VXN_DIGEST_SIZE], vxn_error_t *err);
/* Drop the partial file and the lock. NULL is fine. */
void vxn_ingest_abort (struct vxn_ingest *in);

#endif
