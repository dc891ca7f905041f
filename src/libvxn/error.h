/* One error type carried up the stack, with context prefixed on the way (crun style). */
#ifndef VXN_ERROR_H
#define VXN_ERROR_H

#include <stdarg.h>

typedef struct vxn_error_s
{
  int errno_value; /* 0 when the failure is not a system call's */
  char *msg;
} *vxn_error_t;

/* Fill *err and return a negative value (-1 - errno_value), so callers can `return vxn_make_error (...)`. */
int vxn_make_error (vxn_error_t *err, int errno_value, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Prefix context ("create `t1`: ") to an existing error; returns the same negative value. */
int vxn_error_wrap (vxn_error_t *err, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

void vxn_error_release (vxn_error_t *err);

/* The whole message, with ": strerror" when errno_value is set; caller frees. */
char *vxn_error_string (const vxn_error_t err);

/* Where failures and warnings go: stderr, or --log FILE in text or json format. */
enum vxn_log_format
{
  VXN_LOG_TEXT,
  VXN_LOG_JSON,
};
int vxn_log_init (const char *path, enum vxn_log_format format, int debug, vxn_error_t *err);
/* The prefix of text-format lines on stderr (default "vxn-oci-runtime"). */
void vxn_log_set_program (const char *name);
void vxn_log_error (const vxn_error_t err);
void vxn_warning (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
void vxn_debug (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

#endif
