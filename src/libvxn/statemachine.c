#include "config.h"

#include "statemachine.h"

#include <string.h>

static const char *const state_names[] = {
#define STATE(name, oci) #name,
#define EVENT(name, desc)
#define TRANSITION(from, event, to)
#include "transitions.def"
#undef STATE
#undef EVENT
#undef TRANSITION
};

static const char *const state_oci[] = {
#define STATE(name, oci) oci,
#define EVENT(name, desc)
#define TRANSITION(from, event, to)
#include "transitions.def"
#undef STATE
#undef EVENT
#undef TRANSITION
};

static const char *const event_names[] = {
#define STATE(name, oci)
#define EVENT(name, desc) #name,
#define TRANSITION(from, event, to)
#include "transitions.def"
#undef STATE
#undef EVENT
#undef TRANSITION
};

static const char *const event_descriptions[] = {
#define STATE(name, oci)
#define EVENT(name, desc) desc,
#define TRANSITION(from, event, to)
#include "transitions.def"
#undef STATE
#undef EVENT
#undef TRANSITION
};

const struct vxn_transition vxn_transitions[] = {
#define STATE(name, oci)
#define EVENT(name, desc)
#define TRANSITION(from, event, to) { VXN_STATE_##from, VXN_EVENT_##event, VXN_STATE_##to },
#include "transitions.def"
#undef STATE
#undef EVENT
#undef TRANSITION
};

const size_t vxn_n_transitions = sizeof vxn_transitions / sizeof vxn_transitions[0];

const char *
vxn_state_name (enum vxn_state s)
{
  return s < VXN_STATE__COUNT ? state_names[s] : "invalid";
}

const char *
vxn_state_oci_status (enum vxn_state s)
{
  return s < VXN_STATE__COUNT ? state_oci[s] : "stopped";
}

const char *
vxn_event_name (enum vxn_event e)
{
  return e < VXN_EVENT__COUNT ? event_names[e] : "invalid";
}

const char *
vxn_event_description (enum vxn_event e)
{
  return e < VXN_EVENT__COUNT ? event_descriptions[e] : "";
}

int
vxn_state_from_name (const char *name)
{
  for (int i = 0; i < VXN_STATE__COUNT; i++)
    if (strcmp (state_names[i], name) == 0)
      return i;
  return -1;
}

int
vxn_state_next (enum vxn_state from, enum vxn_event event)
{
  for (size_t i = 0; i < vxn_n_transitions; i++)
    if (vxn_transitions[i].from == from && vxn_transitions[i].event == event)
      return vxn_transitions[i].to;
  return -1;
}
