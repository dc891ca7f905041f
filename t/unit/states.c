/* Walks states/transitions.def: the monitor's only source of truth. */
#include "config.h"

#include "statemachine.h"
#include "tap.h"

int
main (void)
{
  int reachable[VXN_STATE__COUNT] = { 0 };
  reachable[VXN_STATE_creating] = 1;
  /* Fixed point over the table: every state must be reachable from creating. */
  for (int changed = 1; changed;)
    {
      changed = 0;
      for (size_t i = 0; i < vxn_n_transitions; i++)
        if (reachable[vxn_transitions[i].from] && !reachable[vxn_transitions[i].to])
          reachable[vxn_transitions[i].to] = changed = 1;
    }
  for (int s = 0; s < VXN_STATE__COUNT; s++)
    ok (reachable[s], "state %s is reachable from creating", vxn_state_name (s));

  for (size_t i = 0; i < vxn_n_transitions; i++)
    ok (vxn_transitions[i].from != VXN_STATE_exited, "transition %zu does not leave exited", i);

  for (size_t i = 0; i < vxn_n_transitions; i++)
    for (size_t j = i + 1; j < vxn_n_transitions; j++)
      ok (!(vxn_transitions[i].from == vxn_transitions[j].from && vxn_transitions[i].event == vxn_transitions[j].event),
          "(%s, %s) is listed once (%zu vs %zu)", vxn_state_name (vxn_transitions[i].from),
          vxn_event_name (vxn_transitions[i].event), i, j);

  /* Every live state can reach exited when the domain goes away: no container outlives its domain. */
  for (int s = 0; s < VXN_STATE__COUNT; s++)
    if (s != VXN_STATE_exited)
      ok (vxn_state_next (s, VXN_EVENT_domain_gone) == VXN_STATE_exited, "%s --domain_gone--> exited",
          vxn_state_name (s));

  ok (vxn_state_next (VXN_STATE_created, VXN_EVENT_start) == VXN_STATE_running, "start runs a created container");
  ok (vxn_state_next (VXN_STATE_running, VXN_EVENT_start) < 0, "start is refused while running");
  ok (vxn_state_next (VXN_STATE_exited, VXN_EVENT_start) < 0, "start is refused once exited");
  ok (vxn_state_next (VXN_STATE_paused, VXN_EVENT_pause) < 0, "pause is refused while paused");
  ok (vxn_state_next (VXN_STATE_running, VXN_EVENT_pause) == VXN_STATE_paused, "pause pauses");
  ok (vxn_state_next (VXN_STATE_paused, VXN_EVENT_resume) == VXN_STATE_running, "resume resumes");
  ok (vxn_state_next (VXN_STATE_running, VXN_EVENT_kill) == VXN_STATE_stopping, "kill stops");

  is_str (vxn_state_oci_status (VXN_STATE_stopping), "running", "stopping reports running");
  is_str (vxn_state_oci_status (VXN_STATE_exited), "stopped", "exited reports stopped");
  ok (vxn_state_from_name ("paused") == VXN_STATE_paused, "names map back to states");
  ok (vxn_state_from_name ("bogus") < 0, "unknown names are refused");
  return done_testing ();
}
