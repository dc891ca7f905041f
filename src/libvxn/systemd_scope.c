/* A transient systemd scope for the monitor, as runc and crun create one with --systemd-cgroup: StartTransientUnit
   over D-Bus, then wait for the start job, since systemd moves the process only when the job runs. */
#include "config.h"

#include "cgroup.h"
#include "utils.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>

#define SYSTEMD_PRIVATE_BUS "unix:path=/run/systemd/private"

struct job_wait
{
  const char *job; /* the object path StartTransientUnit returned; NULL until then */
  bool done;
  char result[64];
};

static int
on_job_removed (sd_bus_message *msg, void *userdata, sd_bus_error *ret_error)
{
  struct job_wait *w = userdata;
  uint32_t id;
  const char *job, *unit, *result;
  (void)ret_error;
  if (sd_bus_message_read (msg, "uoss", &id, &job, &unit, &result) < 0 || w->job == NULL)
    return 0;
  if (strcmp (job, w->job) == 0)
    {
      w->done = true;
      snprintf (w->result, sizeof w->result, "%s", result);
    }
  return 0;
}

/* Root talks to systemd directly (no bus daemon needed, and signals reach every direct client); others go through
   the system bus. */
static int
open_bus (sd_bus **bus)
{
  int r = sd_bus_new (bus);
  if (r < 0)
    return r;
  if ((r = sd_bus_set_address (*bus, SYSTEMD_PRIVATE_BUS)) >= 0 && (r = sd_bus_start (*bus)) >= 0)
    return 0;
  *bus = sd_bus_unref (*bus);
  if ((r = sd_bus_open_system (bus)) < 0)
    return r;
  /* On the bus, systemd sends job signals only to subscribers. */
  return sd_bus_call_method (*bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                             "org.freedesktop.systemd1.Manager", "Subscribe", NULL, NULL, "");
}

static int
append_properties (sd_bus_message *m, const char *slice, pid_t pid, const char *description)
{
  int r;
  if ((r = sd_bus_message_open_container (m, 'a', "(sv)")) < 0
      || (r = sd_bus_message_append (m, "(sv)", "Description", "s", description)) < 0
      || (r = sd_bus_message_append (m, "(sv)", "Slice", "s", slice)) < 0
      || (r = sd_bus_message_append (m, "(sv)", "PIDs", "au", 1, (uint32_t)pid)) < 0
      /* As runc: no implicit ordering against shutdown.target, and a failed scope does not linger. */
      || (r = sd_bus_message_append (m, "(sv)", "DefaultDependencies", "b", 0)) < 0
      || (r = sd_bus_message_append (m, "(sv)", "CollectMode", "s", "inactive-or-failed")) < 0
      || (r = sd_bus_message_close_container (m)) < 0)
    return r;
  return sd_bus_message_append (m, "a(sa(sv))", 0);
}

bool
vxn_systemd_booted (void)
{
  return sd_booted () > 0;
}

int
vxn_systemd_scope_start (const char *unit, const char *slice, pid_t pid, const char *description, int timeout_ms,
                         vxn_error_t *err)
{
  sd_bus *bus = NULL;
  sd_bus_message *m = NULL, *reply = NULL;
  sd_bus_error error = SD_BUS_ERROR_NULL;
  sd_bus_slot *slot = NULL;
  struct job_wait w = { 0 };
  int ret = -1, r;
  uint64_t deadline = vxn_monotonic_ms () + (uint64_t)timeout_ms;
  if ((r = open_bus (&bus)) < 0)
    {
      vxn_make_error (err, -r, "cannot reach systemd over D-Bus to create %s", unit);
      goto out;
    }
  /* Installed before the call, so a job that finishes at once is not missed. */
  if ((r = sd_bus_match_signal (bus, &slot, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                "org.freedesktop.systemd1.Manager", "JobRemoved", on_job_removed, &w))
      < 0)
    {
      vxn_make_error (err, -r, "subscribe to systemd's job signals");
      goto out;
    }
  if ((r = sd_bus_message_new_method_call (bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                           "org.freedesktop.systemd1.Manager", "StartTransientUnit"))
          < 0
      || (r = sd_bus_message_append (m, "ss", unit, "fail")) < 0
      || (r = append_properties (m, slice, pid, description)) < 0)
    {
      vxn_make_error (err, -r, "build the D-Bus request for %s", unit);
      goto out;
    }
  if ((r = sd_bus_call (bus, m, (uint64_t)timeout_ms * 1000, &error, &reply)) < 0)
    {
      vxn_make_error (err, 0, "systemd refused to create %s in %s: %s", unit, slice,
                      error.message ? error.message : strerror (-r));
      goto out;
    }
  if ((r = sd_bus_message_read (reply, "o", &w.job)) < 0)
    {
      vxn_make_error (err, -r, "systemd's answer to StartTransientUnit");
      goto out;
    }
  while (!w.done)
    {
      if ((r = sd_bus_process (bus, NULL)) < 0)
        {
          vxn_make_error (err, -r, "read from systemd while %s starts", unit);
          goto out;
        }
      if (r > 0)
        continue;
      uint64_t now = vxn_monotonic_ms ();
      if (now >= deadline)
        {
          vxn_make_error (err, ETIMEDOUT, "systemd did not start %s", unit);
          goto out;
        }
      if ((r = sd_bus_wait (bus, (deadline - now) * 1000)) < 0)
        {
          vxn_make_error (err, -r, "wait for systemd while %s starts", unit);
          goto out;
        }
    }
  if (strcmp (w.result, "done") != 0)
    {
      vxn_make_error (err, 0, "systemd could not start %s (job result: %s)", unit, w.result);
      goto out;
    }
  ret = 0;
out:
  sd_bus_error_free (&error);
  sd_bus_message_unref (m);
  sd_bus_message_unref (reply);
  sd_bus_slot_unref (slot);
  sd_bus_flush_close_unref (bus);
  return ret;
}
