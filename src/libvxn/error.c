#include "config.h"

#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "utils.h"

static int log_fd = 2;
static enum vxn_log_format log_format = VXN_LOG_TEXT;
static int log_debug;
static const char *log_program = "vxn-oci-runtime";

void
vxn_log_set_program (const char *name)
{
  log_program = name;
}

static char *
vformat (const char *fmt, va_list ap)
{
  char *s = NULL;
  if (vasprintf (&s, fmt, ap) < 0)
    abort ();
  return s;
}

int
vxn_make_error (vxn_error_t *err, int errno_value, const char *fmt, ...)
{
  va_list ap;
  vxn_error_t e = calloc (1, sizeof *e);
  if (e == NULL)
    abort ();
  va_start (ap, fmt);
  e->msg = vformat (fmt, ap);
  va_end (ap);
  e->errno_value = errno_value;
  if (*err != NULL)
    vxn_error_release (err);
  *err = e;
  return -1 - errno_value;
}

int
vxn_error_wrap (vxn_error_t *err, const char *fmt, ...)
{
  va_list ap;
  char *prefix, *joined = NULL;
  if (*err == NULL)
    return -1;
  va_start (ap, fmt);
  prefix = vformat (fmt, ap);
  va_end (ap);
  if (asprintf (&joined, "%s: %s", prefix, (*err)->msg) < 0)
    abort ();
  free (prefix);
  free ((*err)->msg);
  (*err)->msg = joined;
  return -1 - (*err)->errno_value;
}

void
vxn_error_release (vxn_error_t *err)
{
  if (err == NULL || *err == NULL)
    return;
  free ((*err)->msg);
  free (*err);
  *err = NULL;
}

char *
vxn_error_string (const vxn_error_t err)
{
  char *s = NULL;
  if (err == NULL)
    return strdup ("unknown error");
  if (err->errno_value)
    {
      if (asprintf (&s, "%s: %s", err->msg, strerror (err->errno_value)) < 0)
        abort ();
      return s;
    }
  return strdup (err->msg);
}

int
vxn_log_init (const char *path, enum vxn_log_format format, int debug, vxn_error_t *err)
{
  log_format = format;
  log_debug = debug;
  if (path == NULL || *path == '\0')
    return 0;
  if (strncmp (path, "file:", 5) == 0)
    path += 5;
  int fd = open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0)
    return vxn_make_error (err, errno, "open log file `%s`", path);
  log_fd = fd;
  return 0;
}

static void
log_line (const char *level, const char *msg)
{
  char when[64];
  vxn_now_rfc3339 (when, sizeof when);
  if (log_format == VXN_LOG_JSON)
    {
      /* podman parses the whole log as ONE object, containerd takes the last error line: callers emit at most one
         error per invocation, and only errors (or debug lines with --debug) reach a json log. */
      cJSON *o = cJSON_CreateObject ();
      cJSON_AddStringToObject (o, "level", level);
      cJSON_AddStringToObject (o, "msg", msg);
      cJSON_AddStringToObject (o, "time", when);
      char *s = cJSON_PrintUnformatted (o);
      cJSON_Delete (o);
      if (s)
        {
          dprintf (log_fd, "%s\n", s);
          free (s);
        }
      return;
    }
  if (log_fd == 2)
    dprintf (log_fd, "%s: %s\n", log_program, msg);
  else
    dprintf (log_fd, "%s %s: %s\n", when, level, msg);
}

void
vxn_log_error (const vxn_error_t err)
{
  char *s = vxn_error_string (err);
  log_line ("error", s);
  free (s);
}

void
vxn_warning (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *s = vformat (fmt, ap);
  va_end (ap);
  /* A json log must hold at most one object (the error): warnings go there only with --debug. */
  if (log_format != VXN_LOG_JSON || log_debug)
    log_line ("warning", s);
  free (s);
}

void
vxn_debug (const char *fmt, ...)
{
  if (!log_debug)
    return;
  va_list ap;
  va_start (ap, fmt);
  char *s = vformat (fmt, ap);
  va_end (ap);
  log_line ("debug", s);
  free (s);
}
