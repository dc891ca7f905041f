#include "config.h"

#include "utils.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void
vxn_cleanup_freep (void *p)
{
  void **pp = p;
  free (*pp);
}

void
vxn_cleanup_closep (int *fd)
{
  if (*fd >= 0)
    close (*fd);
}

void
vxn_cleanup_filep (FILE **f)
{
  if (*f)
    fclose (*f);
}

void *
xmalloc (size_t n)
{
  void *p = malloc (n ? n : 1);
  if (p == NULL)
    abort ();
  return p;
}

void *
xzalloc (size_t n)
{
  void *p = calloc (1, n ? n : 1);
  if (p == NULL)
    abort ();
  return p;
}

void *
xrealloc (void *p, size_t n)
{
  p = realloc (p, n ? n : 1);
  if (p == NULL)
    abort ();
  return p;
}

char *
xstrdup (const char *s)
{
  char *r = strdup (s ? s : "");
  if (r == NULL)
    abort ();
  return r;
}

char *
xasprintf (const char *fmt, ...)
{
  va_list ap;
  char *s;
  va_start (ap, fmt);
  if (vasprintf (&s, fmt, ap) < 0)
    abort ();
  va_end (ap);
  return s;
}

int
vxn_parse_long (const char *s, long min, long max, long *out)
{
  char *end;
  long v;
  if (s == NULL || *s == '\0')
    return -1;
  if (!(*s >= '0' && *s <= '9') && !(*s == '-' && min < 0 && s[1] >= '0' && s[1] <= '9'))
    return -1;
  errno = 0;
  v = strtol (s, &end, 10);
  if (errno != 0 || *end != '\0' || v < min || v > max)
    return -1;
  *out = v;
  return 0;
}

int
vxn_read_file_at (int dirfd, const char *name, size_t max_size, char **out, size_t *len, vxn_error_t *err)
{
  cleanup_close int fd = openat (dirfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return vxn_make_error (err, errno, "open `%s`", name);
  size_t cap = 4096, n = 0;
  char *buf = xmalloc (cap + 1);
  for (;;)
    {
      if (n == cap)
        {
          if (cap >= max_size)
            {
              free (buf);
              return vxn_make_error (err, 0, "`%s` is larger than %zu bytes", name, max_size);
            }
          cap = cap * 2 > max_size ? max_size : cap * 2;
          buf = realloc (buf, cap + 1);
          if (buf == NULL)
            abort ();
        }
      ssize_t r = read (fd, buf + n, cap - n);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int e = errno;
          free (buf);
          return vxn_make_error (err, e, "read `%s`", name);
        }
      if (r == 0)
        break;
      n += r;
    }
  buf[n] = '\0';
  *out = buf;
  if (len)
    *len = n;
  return 0;
}

int
vxn_read_file (const char *path, size_t max_size, char **out, size_t *len, vxn_error_t *err)
{
  return vxn_read_file_at (AT_FDCWD, path, max_size, out, len, err);
}

size_t
vxn_read_to_eof (int fd, char *buf, size_t len)
{
  size_t n = 0;
  while (n < len - 1)
    {
      ssize_t r = read (fd, buf + n, len - 1 - n);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        break;
      n += r;
    }
  buf[n] = '\0';
  return n;
}

int
vxn_write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;
  while (len > 0)
    {
      ssize_t w = write (fd, p, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return -1;
      p += w;
      len -= w;
    }
  return 0;
}

int
vxn_write_file_atomic_at (int dirfd, const char *name, const void *data, size_t len, mode_t mode, vxn_error_t *err)
{
  cleanup_free char *tmp = xasprintf ("%s.tmp", name);
  cleanup_close int fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    return vxn_make_error (err, errno, "create `%s`", tmp);
  if (vxn_write_all (fd, data, len) < 0 || fsync (fd) < 0)
    {
      int e = errno;
      unlinkat (dirfd, tmp, 0);
      return vxn_make_error (err, e, "write `%s`", tmp);
    }
  if (renameat (dirfd, tmp, dirfd, name) < 0)
    {
      int e = errno;
      unlinkat (dirfd, tmp, 0);
      return vxn_make_error (err, e, "rename `%s`", tmp);
    }
  if (dirfd != AT_FDCWD)
    fsync (dirfd);
  return 0;
}

int
vxn_write_file_atomic (const char *path, const void *data, size_t len, mode_t mode, vxn_error_t *err)
{
  cleanup_free char *dir = xstrdup (path);
  char *slash = strrchr (dir, '/');
  const char *base = path;
  if (slash)
    {
      base = path + (slash - dir) + 1;
      if (slash == dir)
        slash[1] = '\0';
      else
        *slash = '\0';
    }
  cleanup_close int dfd = open (slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return vxn_make_error (err, errno, "open directory of `%s`", path);
  return vxn_write_file_atomic_at (dfd, base, data, len, mode, err);
}

int
vxn_mkdir_p (const char *path, mode_t mode, vxn_error_t *err)
{
  cleanup_free char *p = xstrdup (path);
  for (char *s = p + 1; *s; s++)
    {
      if (*s != '/')
        continue;
      *s = '\0';
      if (mkdir (p, mode) < 0 && errno != EEXIST)
        return vxn_make_error (err, errno, "mkdir `%s`", p);
      *s = '/';
    }
  if (mkdir (p, mode) < 0 && errno != EEXIST)
    return vxn_make_error (err, errno, "mkdir `%s`", p);
  return 0;
}

int
vxn_rm_rf_at (int parent_fd, const char *name, vxn_error_t *err)
{
  if (unlinkat (parent_fd, name, 0) == 0 || errno == ENOENT)
    return 0;
  if (errno != EISDIR && errno != EPERM)
    return vxn_make_error (err, errno, "remove `%s`", name);
  int fd = openat (parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return vxn_make_error (err, errno, "open `%s`", name);
  DIR *d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return vxn_make_error (err, errno, "opendir `%s`", name);
    }
  struct dirent *de;
  int ret = 0;
  while ((de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      ret = vxn_rm_rf_at (dirfd (d), de->d_name, err);
      if (ret < 0)
        break;
    }
  closedir (d);
  if (ret < 0)
    return ret;
  if (unlinkat (parent_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return vxn_make_error (err, errno, "rmdir `%s`", name);
  return 0;
}

unsigned long long
vxn_process_start_time (pid_t pid)
{
  char path[64], buf[1024];
  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  ssize_t n = read (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  /* The command name may contain spaces and parentheses: fields restart after the last ')'. */
  char *p = strrchr (buf, ')');
  if (p == NULL)
    return 0;
  p++;
  /* After ')' come field 3 (state) .. field 22 (starttime). */
  int field = 2;
  char *save = NULL;
  for (char *tok = strtok_r (p, " ", &save); tok; tok = strtok_r (NULL, " ", &save))
    {
      field++;
      if (field == 3 && tok[0] == 'Z')
        return 0; /* a zombie has finished: not alive */
      if (field == 22)
        return strtoull (tok, NULL, 10);
    }
  return 0;
}

int
vxn_process_is (pid_t pid, unsigned long long start_time)
{
  if (pid <= 0)
    return 0;
  unsigned long long t = vxn_process_start_time (pid);
  return t != 0 && t == start_time;
}

void
vxn_now_rfc3339 (char *buf, size_t len)
{
  struct timespec ts;
  struct tm tm;
  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  size_t n = strftime (buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

uint64_t
vxn_monotonic_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
