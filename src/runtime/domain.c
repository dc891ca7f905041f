#include "config.h"

#include "domain.h"

#include <stdio.h>
#include <string.h>

void
vxn_domain_close (struct vxn_domain *d)
{
  if (d->ctx)
    {
      libxl_dominfo_dispose (&d->info);
      libxl_ctx_free (d->ctx);
    }
  if (d->xtl)
    xtl_logger_destroy ((xentoollog_logger *) d->xtl);
  memset (d, 0, sizeof *d);
}

int
vxn_domain_open (const struct vxn_state_file *st, struct vxn_domain *d, vxn_error_t *err)
{
  char uuid[40];
  memset (d, 0, sizeof *d);
  if (st->domid <= 0)
    return 0;
  d->domid = (uint32_t) st->domid;
  d->xtl = xtl_createlogger_stdiostream (stderr, XTL_ERROR, 0);
  if (d->xtl == NULL || libxl_ctx_alloc (&d->ctx, LIBXL_VERSION, 0, (xentoollog_logger *) d->xtl) != 0)
    {
      d->ctx = NULL;
      vxn_domain_close (d);
      return vxn_make_error (err, 0, "cannot open libxl for domain %lld", (long long) st->domid);
    }
  libxl_dominfo_init (&d->info);
  if (libxl_domain_info (d->ctx, &d->info, d->domid) != 0)
    {
      vxn_domain_close (d);
      return 0;
    }
  snprintf (uuid, sizeof uuid, LIBXL_UUID_FMT, LIBXL_UUID_BYTES (d->info.uuid));
  if (strcmp (uuid, st->domuuid) != 0)
    {
      vxn_domain_close (d);
      return 0;
    }
  return 1;
}

int
vxn_domain_refresh (struct vxn_domain *d, vxn_error_t *err)
{
  libxl_dominfo_dispose (&d->info);
  libxl_dominfo_init (&d->info);
  if (libxl_domain_info (d->ctx, &d->info, d->domid) != 0)
    return vxn_make_error (err, 0, "domain %u is gone", d->domid);
  return 0;
}
