#include "config.h"

#include "monitor.h"
#include "utils.h"

#include <string.h>

/* Quiet boot: our init talks to Dom0 through xenstore and the vchan, never through the console. */
#define GUEST_CMDLINE "console=hvc0 quiet loglevel=1 rdinit=/init"

int
domain_config_build (struct monitor *m, vxn_error_t *err)
{
  const struct vxn_monitor_args *a = m->args;
  libxl_domain_config *dc = &m->dc;
  libxl_domain_config_init (dc);
  dc->c_info.type = LIBXL_DOMAIN_TYPE_PV;
  dc->c_info.name = xasprintf ("vxn-%s", a->id);
  dc->c_info.domid = INVALID_DOMID;
  libxl_uuid_generate (&dc->c_info.uuid);
  libxl_domain_build_info_init_type (&dc->b_info, LIBXL_DOMAIN_TYPE_PV);
  dc->b_info.max_memkb = dc->b_info.target_memkb = (uint64_t) a->memory_mb * 1024;
  dc->b_info.max_vcpus = a->vcpus;
  if (libxl_cpu_bitmap_alloc (m->ctx, &dc->b_info.avail_vcpus, a->vcpus) != 0)
    return vxn_make_error (err, 0, "allocate vCPU bitmap");
  /* Without avail_vcpus only vCPU0 comes online. */
  libxl_bitmap_set_none (&dc->b_info.avail_vcpus);
  for (unsigned i = 0; i < a->vcpus; i++)
    libxl_bitmap_set (&dc->b_info.avail_vcpus, i);
  dc->b_info.kernel = xstrdup (a->kernel);
  dc->b_info.ramdisk = xasprintf ("%s/initrd", a->state_dir);
  /* --debug also turns on the init's timing trace (console.log). */
  dc->b_info.cmdline = xstrdup (a->debug ? GUEST_CMDLINE " vxn.debug" : GUEST_CMDLINE);
  /* libxl never acts on these (the monitor does); recorded for `xl list -l`. */
  dc->on_poweroff = dc->on_reboot = dc->on_crash = dc->on_watchdog = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
  /* Volumes: one 9pfs device per directory bind mount (the Xen transport serves one guest mount per device).
     passthrough: QEMU (root in Dom0) creates files with the container's uid/gid and mode, so the host sees the
     owners it would see with runc; `mapped` would leave root-owned files with the real owner in xattrs, and `none`
     silently ignores a failed chown. Creation-time only in Xen 4.17 (no hotplug). */
  if (a->n_p9)
    {
      dc->p9s = xzalloc (a->n_p9 * sizeof *dc->p9s);
      dc->num_p9s = a->n_p9;
      for (size_t i = 0; i < a->n_p9; i++)
        {
          libxl_device_p9_init (&dc->p9s[i]);
          dc->p9s[i].tag = xasprintf ("vxn%zu", i);
          dc->p9s[i].path = xstrdup (a->p9_paths[i]);
          dc->p9s[i].security_model = xstrdup ("passthrough");
          dc->p9s[i].devid = (libxl_devid)i;
        }
      dc->b_info.device_model_version = LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN;
      dc->b_info.device_model = xstrdup (VXN_DEVICE_MODEL);
    }
  snprintf (m->uuid, sizeof m->uuid, LIBXL_UUID_FMT, LIBXL_UUID_BYTES (dc->c_info.uuid));
  return 0;
}
