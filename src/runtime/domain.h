/* libxl for the short-lived verbs that act on a container's domain directly (delete of a leftover, update,
   events): open a context and check that the domain is still the one the container created (domids are reused). */
#ifndef VXN_RUNTIME_DOMAIN_H
#define VXN_RUNTIME_DOMAIN_H

#define LIBXL_API_VERSION 0x041400
#include <libxl.h>
#include <libxl_utils.h>

#include "error.h"
#include "state_file.h"

struct vxn_domain
{
  libxl_ctx *ctx;
  xentoollog_logger_stdiostream *xtl;
  uint32_t domid;
  libxl_dominfo info; /* as read by vxn_domain_open or vxn_domain_refresh */
};

/* Returns 1 when the container's domain exists (d is open), 0 when it is gone (d is closed), -1 on error. */
int vxn_domain_open (const struct vxn_state_file *st, struct vxn_domain *d, vxn_error_t *err);
int vxn_domain_refresh (struct vxn_domain *d, vxn_error_t *err);
void vxn_domain_close (struct vxn_domain *d);

#endif
