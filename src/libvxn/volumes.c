#include "config.h"

#include "volumes.h"
#include "utils.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

static void
push (char ***vec, size_t *n, char *s)
{
  char **v = realloc (*vec, (*n + 2) * sizeof *v);
  if (v == NULL)
    abort ();
  v[(*n)++] = s;
  v[*n] = NULL;
  *vec = v;
}

/* The guest's /dev/shm is its own tmpfs (memory is not shared with the host); it takes the size of the engine's shm
   directory (docker and podman mount a tmpfs of --shm-size there). Without one to measure, the guest's default stays.
 */
static void
shm_size_from_host (struct vxn_guest_mount *m)
{
  struct statvfs sv;
  if (m->data == NULL && statvfs (m->source, &sv) == 0 && sv.f_blocks > 0)
    m->data = xasprintf ("mode=1777,size=%llu", (unsigned long long)sv.f_blocks * sv.f_frsize);
  free (m->source);
  m->source = NULL;
}

int
vxn_mounts_resolve (struct vxn_guest_spec *spec, const char *bundle, struct vxn_volumes *vol, vxn_error_t *err)
{
  memset (vol, 0, sizeof *vol);
  for (size_t i = 0; i < spec->n_mounts; i++)
    {
      struct vxn_guest_mount *m = &spec->mounts[i];
      struct stat st;
      if (m->kind == VXN_MOUNT_SHM && m->source)
        {
          shm_size_from_host (m);
          continue;
        }
      if (m->kind != VXN_MOUNT_BIND)
        continue;
      cleanup_free char *src = m->source[0] == '/' ? xstrdup (m->source) : xasprintf ("%s/%s", bundle, m->source);
      char *real = realpath (src, NULL);
      if (real == NULL)
        return vxn_make_error (err, errno, "bind mount at %s: source `%s`", m->dest, src);
      if (stat (real, &st) < 0)
        {
          vxn_make_error (err, errno, "bind mount at %s: source `%s`", m->dest, real);
          free (real);
          return -1;
        }
      free (m->source);
      if (S_ISDIR (st.st_mode))
        {
          if (vol->n_p9 == VXN_MAX_P9_DEVICES)
            {
              m->source = real;
              return vxn_make_error (err, 0, "more than %d bind mounts of directories", VXN_MAX_P9_DEVICES);
            }
          m->kind = VXN_MOUNT_9P;
          m->source = xasprintf ("vxn%zu", vol->n_p9);
          push (&vol->p9_paths, &vol->n_p9, real);
        }
      else if (S_ISREG (st.st_mode))
        {
          if (st.st_size > VXN_FILE_BIND_MAX)
            {
              m->source = real;
              return vxn_make_error (err, 0,
                                     "bind mount at %s: `%s` is larger than %d MiB (files are copied into the guest; "
                                     "bind its directory instead)",
                                     m->dest, real, VXN_FILE_BIND_MAX >> 20);
            }
          m->kind = VXN_MOUNT_FILE;
          m->source = xasprintf (VXN_FILES_DIR "/%zu", vol->n_files);
          push (&vol->files, &vol->n_files, real);
        }
      else
        {
          m->source = real;
          return vxn_make_error (err, 0,
                                 "bind mount at %s: `%s` is neither a directory nor a regular file (sockets and "
                                 "devices cannot reach into a VM)",
                                 m->dest, real);
        }
    }
  return 0;
}

static void
free_vec (char **v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (v[i]);
  free (v);
}

void
vxn_volumes_free (struct vxn_volumes *vol)
{
  free_vec (vol->p9_paths, vol->n_p9);
  free_vec (vol->files, vol->n_files);
  memset (vol, 0, sizeof *vol);
}
