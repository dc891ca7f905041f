#include "config.h"

#include "id.h"

#include <string.h>

static int
id_char (char c, int first)
{
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return 1;
  return !first && (c == '_' || c == '.' || c == '+' || c == '-');
}

int
vxn_validate_id (const char *id, vxn_error_t *err)
{
  if (id == NULL || *id == '\0')
    return vxn_make_error (err, 0, "container id must not be empty");
  size_t len = strlen (id);
  if (len > VXN_ID_MAX)
    return vxn_make_error (err, 0, "container id is longer than %d characters", VXN_ID_MAX);
  for (size_t i = 0; i < len; i++)
    if (!id_char (id[i], i == 0))
      return vxn_make_error (err, 0, "invalid container id `%s`: use letters, digits and _.+- (not first)", id);
  return 0;
}
