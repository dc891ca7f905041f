/* /vxn/spec: the process to run, put into the initramfs by the runtime (format: docs/design.md, decoder shared
   with the runtime in src/libvxn/guest_spec.c). */
#include "vxn-init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
vxn_read_spec (void)
{
  char err[256];
  int fd = open (VXN_SPEC_PATH, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "open %s: %s", VXN_SPEC_PATH, strerror (errno));
  /* One byte more than allowed, so an oversized file is detected rather than silently cut. */
  size_t cap = VXN_SPEC_MAX_SIZE + 1, len = 0;
  char *buf = malloc (cap);
  if (buf == NULL)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "out of memory reading %s", VXN_SPEC_PATH);
  for (;;)
    {
      ssize_t n = read (fd, buf + len, cap - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        vxn_fatal (VXN_EXIT_INIT_FAILED, "read %s: %s", VXN_SPEC_PATH, strerror (errno));
      if (n == 0 || (len += n) == cap)
        break;
    }
  close (fd);
  if (vxn_guest_spec_decode (buf, len, &vxn.spec, err, sizeof err) < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "%s: %s", VXN_SPEC_PATH, err);
  free (buf);
  vxn.have_spec = 1;
}
