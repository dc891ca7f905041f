/* Output helpers shared by the container verbs: docker's time phrases and tables. */
#ifndef VXN_CLI_FMT_H
#define VXN_CLI_FMT_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

/* RFC 3339 (fractions and offsets allowed) to seconds since the epoch; -1 when empty or unparsable. */
time_t vxn_time_parse (const char *s);
/* go-units' HumanDuration: "Less than a second", "1 second", "5 seconds", "About a minute", "3 hours", ... */
void vxn_human_duration (double seconds, char *buf, size_t len);
/* "2026-11-22 10:00:00 +0000 UTC", as docker's CreatedAt. */
void vxn_time_docker (time_t t, char *buf, size_t len);

/* A table printed as docker's tabwriter does: columns padded to the widest cell plus 3 spaces. */
struct vxn_table;
struct vxn_table *vxn_table_new (size_t columns);
/* Add a row of COLUMNS cells (copied). */
void vxn_table_add (struct vxn_table *t, const char *const *cells);
void vxn_table_print (struct vxn_table *t, FILE *out);
void vxn_table_free (struct vxn_table *t);

/* S cut to N characters (UTF-8 aware) ending in "…" when longer; new string. */
char *vxn_ellipsis (const char *s, size_t n);
/* ARGS joined by spaces, those holding a space quoted: dockerd's COMMAND. */
char *vxn_join_args (char *const *args);

#endif
