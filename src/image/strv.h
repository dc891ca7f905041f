/* NULL-terminated string vectors (argv, env, lists read from JSON). */
#ifndef VXN_IMAGE_STRV_H
#define VXN_IMAGE_STRV_H

#include <stddef.h>

struct cJSON;

size_t vxn_strv_len (char *const *v);
void vxn_strv_free (char **v);
/* Append a copy of S, growing V; returns the new vector. */
char **vxn_strv_append (char **v, const char *s);
char **vxn_strv_dup (char *const *v);
/* Copy a JSON array of strings; NULL when J is not an array of at most MAX strings. */
char **vxn_strv_from_json (const struct cJSON *j, size_t max);
/* The keys of a JSON object, e.g. ExposedPorts {"80/tcp": {}}; NULL when J is not an object. */
char **vxn_strv_keys_from_json (const struct cJSON *j, size_t max);
/* Join with SEP into a new string. */
char *vxn_strv_join (char *const *v, const char *sep);

void vxn_cleanup_strvp (char ***v);
#define cleanup_strv __attribute__ ((cleanup (vxn_cleanup_strvp)))

#endif
