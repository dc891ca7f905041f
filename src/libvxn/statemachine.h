/* The container state machine, expanded from states/transitions.def. */
#ifndef VXN_STATEMACHINE_H
#define VXN_STATEMACHINE_H

#include <stddef.h>

enum vxn_state
{
#define STATE(name, oci) VXN_STATE_##name,
#define EVENT(name, desc)
#define TRANSITION(from, event, to)
#include "transitions.def"
#undef STATE
#undef EVENT
#undef TRANSITION
  VXN_STATE__COUNT
};

enum vxn_event
{
#define STATE(name, oci)
#define EVENT(name, desc) VXN_EVENT_##name,
#define TRANSITION(from, event, to)
#include "transitions.def"
#undef STATE
#undef EVENT
#undef TRANSITION
  VXN_EVENT__COUNT
};

struct vxn_transition
{
  enum vxn_state from;
  enum vxn_event event;
  enum vxn_state to;
};

extern const struct vxn_transition vxn_transitions[];
extern const size_t vxn_n_transitions;

const char *vxn_state_name (enum vxn_state s);
const char *vxn_state_oci_status (enum vxn_state s);
const char *vxn_event_name (enum vxn_event e);
const char *vxn_event_description (enum vxn_event e);
/* -1 when the name is not a state. */
int vxn_state_from_name (const char *name);

/* The target state, or -1 when the table has no such transition. */
int vxn_state_next (enum vxn_state from, enum vxn_event event);

#endif
