/* Minimal xenstore client on /dev/xen/xenbus (xenbus.c explains why not libxenstore). Requests are synchronous;
   watch events are collected per token, in registration order: bit i of vxn_xb_take_events() is the i-th token
   passed to vxn_xb_watch(). */
#ifndef VXN_GUEST_XENBUS_H
#define VXN_GUEST_XENBUS_H

int vxn_xb_open (void);
int vxn_xb_fd (void);
/* malloc'd, NUL-terminated value (len without the NUL); NULL with errno (ENOENT: no such key). */
char *vxn_xb_read (const char *path, unsigned *len);
/* Returns once xenstored has committed the value. */
int vxn_xb_write (const char *path, const char *value);
int vxn_xb_watch (const char *path, const char *token);
unsigned vxn_xb_take_events (void);

#endif
