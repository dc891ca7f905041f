/* Small helpers shared by every module: cleanup attributes, strict parsing, files. */
#ifndef VXN_UTILS_H
#define VXN_UTILS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "error.h"

#define LIKELY(x) __builtin_expect (!!(x), 1)
#define UNLIKELY(x) __builtin_expect (!!(x), 0)
#define ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))

void vxn_cleanup_freep (void *p);
void vxn_cleanup_closep (int *fd);
void vxn_cleanup_filep (FILE **f);
#define cleanup_free __attribute__ ((cleanup (vxn_cleanup_freep)))
#define cleanup_close __attribute__ ((cleanup (vxn_cleanup_closep)))
#define cleanup_file __attribute__ ((cleanup (vxn_cleanup_filep)))

/* Allocation failure is not an error we can report usefully: abort. */
void *xmalloc (size_t n);
void *xzalloc (size_t n);
void *xrealloc (void *p, size_t n);
char *xstrdup (const char *s);
char *xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

/* Whole decimal numbers only: no sign unless allowed, no spaces, no trailing bytes, within [min, max]. */
int vxn_parse_long (const char *s, long min, long max, long *out);

/* Read a whole file (at most max_size bytes, else an error) into a NUL-terminated buffer. */
int vxn_read_file (const char *path, size_t max_size, char **out, size_t *len, vxn_error_t *err);
int vxn_read_file_at (int dirfd, const char *name, size_t max_size, char **out, size_t *len, vxn_error_t *err);

/* Atomic replace: write NAME.tmp in DIRFD, fsync, rename over NAME, fsync the directory. */
int vxn_write_file_atomic_at (int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                              vxn_error_t *err);
int vxn_write_file_atomic (const char *path, const void *data, size_t len, mode_t mode, vxn_error_t *err);

int vxn_write_all (int fd, const void *buf, size_t len);
/* Read FD until EOF (or LEN - 1 bytes) into BUF, NUL-terminated: a child's verdict on a sync pipe. Returns its length. */
size_t vxn_read_to_eof (int fd, char *buf, size_t len);
int vxn_mkdir_p (const char *path, mode_t mode, vxn_error_t *err);
/* Remove a directory tree without following symlinks. Missing is not an error. */
int vxn_rm_rf_at (int dirfd, const char *name, vxn_error_t *err);

/* Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat), to survive pid reuse; 0 if gone. */
unsigned long long vxn_process_start_time (pid_t pid);
/* True when PID is alive and still the process that started at START_TIME. */
int vxn_process_is (pid_t pid, unsigned long long start_time);

/* RFC 3339 UTC with nanoseconds. */
void vxn_now_rfc3339 (char *buf, size_t len);
/* CLOCK_MONOTONIC in milliseconds: deadlines for bounded waits. */
uint64_t vxn_monotonic_ms (void);

#endif
