/* Load the kernel modules the initramfs ships (xen-evtchn and xen-gntdev for the vchan client; the 9pfs modules
   when the runtime appended them for a container with volumes).

   There is no modprobe and no depmod data here: guest/build-initramfs writes /lib/modules/modules.load with one
   file name per line, already in dependency order, so loading them in that order is enough. Debian's modules are
   uncompressed and its kernel does not enforce signatures, so finit_module() on the file is all it takes. */
#include "vxn-init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void
load_one (const char *name, const char *list)
{
  char path[256];
  if (snprintf (path, sizeof path, "/lib/modules/%s", name) >= (int)sizeof path || strchr (name, '/') != NULL)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "%s: bad module name in %s", name, list);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "open %s: %s", path, strerror (errno));
  /* glibc 2.36 has no finit_module() wrapper. EEXIST: built in or already loaded, which is what we want. */
  if (syscall (SYS_finit_module, fd, "", 0) < 0 && errno != EEXIST)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "load module %s: %s", path, strerror (errno));
  close (fd);
}

void
vxn_load_modules (void)
{
  vxn_load_module_list (VXN_MODULES_LIST);
}

void
vxn_load_module_list (const char *list)
{
  char line[256];
  FILE *f = fopen (list, "re");
  if (f == NULL)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "open %s: %s (is this the vxn initramfs?)", list, strerror (errno));
  while (fgets (line, sizeof line, f) != NULL)
    {
      size_t len = strlen (line);
      if (len > 0 && line[len - 1] == '\n')
        line[--len] = '\0';
      else if (!feof (f))
        vxn_fatal (VXN_EXIT_INIT_FAILED, "%s: line too long", list);
      if (len == 0 || line[0] == '#')
        continue;
      load_one (line, list);
    }
  if (ferror (f))
    vxn_fatal (VXN_EXIT_INIT_FAILED, "read %s: %s", list, strerror (errno));
  fclose (f);
}
