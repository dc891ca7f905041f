/* Progress for long work (downloads, unpacking). On a terminal: one line per layer with a docker-like bar, redrawn
   in place. Otherwise: plain lines on state changes and every few seconds during long transfers, so a log shows the
   pull is alive. Everything happens on the caller's thread (curl multi callbacks included): no locking. */
#ifndef VXN_IMAGE_PROGRESS_H
#define VXN_IMAGE_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

struct vxn_progress;

/* OUT NULL or QUIET: progress is computed but nothing is shown. */
struct vxn_progress *vxn_progress_new (FILE *out, int quiet);
void vxn_progress_free (struct vxn_progress *p);

/* A row for ID (short digest) of TOTAL bytes (-1: unknown); returns its index. */
int vxn_progress_add (struct vxn_progress *p, const char *id, int64_t total);
void vxn_progress_state (struct vxn_progress *p, int row, const char *state);
void vxn_progress_bytes (struct vxn_progress *p, int row, uint64_t done);
/* A line of its own, e.g. "Digest: sha256:…". */
void vxn_progress_message (struct vxn_progress *p, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
/* Draw the final state of every row and stop redrawing in place. */
void vxn_progress_finish (struct vxn_progress *p);

/* "12.3MB" (SI units, as docker prints sizes). */
void vxn_human_size (double bytes, char *buf, size_t len);

#endif
