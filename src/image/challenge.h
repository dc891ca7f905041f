/* WWW-Authenticate challenges (RFC 7235) as registries send them: Bearer realm/service/scope, or Basic. */
#ifndef VXN_IMAGE_CHALLENGE_H
#define VXN_IMAGE_CHALLENGE_H

enum vxn_auth_scheme
{
  VXN_AUTH_NONE,
  VXN_AUTH_BASIC,
  VXN_AUTH_BEARER,
};

struct vxn_challenge
{
  enum vxn_auth_scheme scheme;
  char *realm;
  char *service;
  char *scope;
};

/* Parse one header value. Unknown schemes leave C at VXN_AUTH_NONE; returns -1 on malformed input. When the value
   holds several challenges, a Bearer one wins over Basic. */
int vxn_challenge_parse (const char *header, struct vxn_challenge *c);
void vxn_challenge_clear (struct vxn_challenge *c);
/* Keep the better of two challenges (Bearer > Basic > none), moving SRC's strings. */
void vxn_challenge_merge (struct vxn_challenge *dst, struct vxn_challenge *src);

#endif
