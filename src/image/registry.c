#include "config.h"

#include "registry-internal.h"
#include "auth.h"
#include "digest.h"
#include "ref.h"
#include "utils.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#define MAX_TOKEN_RESPONSE (1024 * 1024)
#define MAX_ERROR_BODY (64 * 1024)
#define CONNECT_TIMEOUT_S 30L
/* A transfer moving less than 1 byte/s for this long is dead: fail rather than hang forever. */
#define LOW_SPEED_TIME_S 60L
/* An insecure registry is tried over HTTPS first; a plain-HTTP server may never answer the handshake. */
#define PROBE_TIMEOUT_S 10L

struct response
{
  long status;
  char *body;
  size_t len;
  size_t max;
  int overflow;
  char content_type[128];
  char digest_header[VXN_DIGEST_SIZE];
  struct vxn_challenge challenge;
};

static void
response_clear (struct response *resp)
{
  free (resp->body);
  vxn_challenge_clear (&resp->challenge);
  memset (resp, 0, sizeof *resp);
}

void
vxn_http_doc_clear (struct vxn_http_doc *d)
{
  free (d->body);
  memset (d, 0, sizeof *d);
}

static size_t
body_cb (char *data, size_t size, size_t nmemb, void *userdata)
{
  struct response *resp = userdata;
  size_t n = size * nmemb;
  if (resp->len + n > resp->max)
    {
      resp->overflow = 1;
      return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
  resp->body = realloc (resp->body, resp->len + n + 1);
  if (resp->body == NULL)
    abort ();
  memcpy (resp->body + resp->len, data, n);
  resp->len += n;
  resp->body[resp->len] = '\0';
  return n;
}

/* Copy the value of header LINE named NAME (case-insensitive) into a new string, trimmed; NULL if another header. */
static char *
header_value (const char *line, size_t len, const char *name)
{
  size_t nlen = strlen (name);
  if (len <= nlen || strncasecmp (line, name, nlen) != 0 || line[nlen] != ':')
    return NULL;
  const char *v = line + nlen + 1, *end = line + len;
  while (v < end && (*v == ' ' || *v == '\t'))
    v++;
  while (end > v && isspace ((unsigned char)end[-1]))
    end--;
  char *r = xmalloc (end - v + 1);
  memcpy (r, v, end - v);
  r[end - v] = '\0';
  return r;
}

static size_t
header_cb (char *line, size_t size, size_t nmemb, void *userdata)
{
  struct response *resp = userdata;
  size_t n = size * nmemb;
  char *v;
  if (n >= 5 && strncmp (line, "HTTP/", 5) == 0)
    {
      /* A new response (after a redirect or 100-continue): only the final one's headers count. */
      resp->content_type[0] = resp->digest_header[0] = '\0';
      vxn_challenge_clear (&resp->challenge);
    }
  else if ((v = header_value (line, n, "Content-Type")))
    {
      snprintf (resp->content_type, sizeof resp->content_type, "%s", v);
      free (v);
    }
  else if ((v = header_value (line, n, "Docker-Content-Digest")))
    {
      if (vxn_digest_valid (v))
        strcpy (resp->digest_header, v);
      free (v);
    }
  else if ((v = header_value (line, n, "WWW-Authenticate")))
    {
      struct vxn_challenge c;
      if (vxn_challenge_parse (v, &c) == 0)
        vxn_challenge_merge (&resp->challenge, &c);
      free (v);
    }
  return n;
}

int
vxn_registry_insecure_allowed (const char *domain, char *const *insecure)
{
  size_t hostlen = domain[0] == '[' ? strcspn (domain, "]") + 1 : strcspn (domain, ":");
  char host[256];
  struct in_addr a4;
  struct in6_addr a6;
  if (hostlen >= sizeof host)
    return 0;
  memcpy (host, domain, hostlen);
  host[hostlen] = '\0';
  /* Loopback only when it is an address (127.evil.example is a name) or "localhost". */
  if (strcmp (host, "localhost") == 0 || (inet_pton (AF_INET, host, &a4) == 1 && (ntohl (a4.s_addr) >> 24) == 127))
    return 1;
  if (host[0] == '[' && hostlen > 2)
    {
      host[hostlen - 1] = '\0';
      if (inet_pton (AF_INET6, host + 1, &a6) == 1 && IN6_IS_ADDR_LOOPBACK (&a6))
        return 1;
    }
  for (size_t i = 0; insecure && insecure[i]; i++)
    if (strcmp (insecure[i], domain) == 0
        || (strlen (insecure[i]) == hostlen && strncmp (insecure[i], domain, hostlen) == 0))
      return 1;
  return 0;
}

int
vxn_registry_new (const char *domain, const struct vxn_registry_opts *o, struct vxn_registry **out, vxn_error_t *err)
{
  static int curl_ready;
  if (!curl_ready)
    {
      if (curl_global_init (CURL_GLOBAL_DEFAULT) != 0)
        return vxn_make_error (err, 0, "cannot initialise libcurl");
      curl_ready = 1;
    }
  if (!vxn_ref_domain_valid (domain))
    return vxn_make_error (err, 0, "invalid registry `%s`", domain);
  struct vxn_registry *r = xzalloc (sizeof *r);
  r->domain = xstrdup (domain);
  /* docker.io is a name; the API lives at registry-1.docker.io. */
  r->host = xstrdup (strcmp (domain, VXN_DOCKER_DOMAIN) == 0 ? "registry-1.docker.io" : domain);
  r->insecure = vxn_registry_insecure_allowed (domain, o ? o->insecure : NULL);
  r->max_parallel = o && o->max_parallel > 0 ? o->max_parallel : 3;
  if (o && o->username)
    {
      r->username = xstrdup (o->username);
      r->password = xstrdup (o->password ? o->password : "");
    }
  else
    {
      int ret = vxn_auth_lookup (domain, &r->username, &r->password, err);
      if (ret < 0)
        {
          vxn_registry_free (r);
          return ret;
        }
    }
  *out = r;
  return 0;
}

void
vxn_registry_free (struct vxn_registry *r)
{
  if (r == NULL)
    return;
  free (r->domain);
  free (r->host);
  free (r->base);
  free (r->username);
  if (r->password)
    explicit_bzero (r->password, strlen (r->password));
  free (r->password);
  vxn_challenge_clear (&r->challenge);
  free (r->auth_header);
  free (r->auth_scope);
  free (r);
}

void
vxn_registry_setup_easy (struct vxn_registry *r, CURL *h, const char *url)
{
  curl_easy_setopt (h, CURLOPT_URL, url);
  curl_easy_setopt (h, CURLOPT_USERAGENT, "vxn/" PACKAGE_VERSION);
  curl_easy_setopt (h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt (h, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt (h, CURLOPT_PROTOCOLS_STR, "http,https");
  /* Blob redirects (object storage) may leave the registry's host, but never downgrade a secure registry to HTTP.
     libcurl drops our Authorization header when a redirect changes host. */
  curl_easy_setopt (h, CURLOPT_REDIR_PROTOCOLS_STR, r->insecure ? "http,https" : "https");
  curl_easy_setopt (h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
  curl_easy_setopt (h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (h, CURLOPT_LOW_SPEED_TIME, LOW_SPEED_TIME_S);
  curl_easy_setopt (h, CURLOPT_ACCEPT_ENCODING, NULL); /* bytes must reach us exactly as digested */
  if (r->insecure)
    {
      curl_easy_setopt (h, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt (h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
}

char *
vxn_registry_error_text (long status, const char *body, size_t len)
{
  cJSON *root = body ? cJSON_ParseWithLength (body, len) : NULL;
  const cJSON *errs = cJSON_GetObjectItemCaseSensitive (root, "errors");
  const cJSON *first = cJSON_IsArray (errs) ? cJSON_GetArrayItem (errs, 0) : NULL;
  const cJSON *code = cJSON_GetObjectItemCaseSensitive (first, "code");
  const cJSON *msg = cJSON_GetObjectItemCaseSensitive (first, "message");
  char *r;
  if (cJSON_IsString (code) && cJSON_IsString (msg))
    {
      /* Registry text is untrusted: cap it and drop control characters before it reaches a terminal. */
      r = xasprintf ("%.200s: %.300s (HTTP %ld)", code->valuestring, msg->valuestring, status);
      for (char *p = r; *p; p++)
        if ((unsigned char)*p < ' ')
          *p = ' ';
    }
  else
    r = xasprintf ("HTTP status %ld", status);
  cJSON_Delete (root);
  return r;
}

/* One GET, body bounded by MAX. Transport failures are errors; HTTP statuses are the caller's business. */
static int
http_get (struct vxn_registry *r, const char *url, const char *accept, const char *auth_header, size_t max,
          struct response *resp, vxn_error_t *err, long connect_timeout)
{
  memset (resp, 0, sizeof *resp);
  resp->max = max;
  CURL *h = curl_easy_init ();
  if (h == NULL)
    return vxn_make_error (err, 0, "cannot create a libcurl handle");
  struct curl_slist *headers = NULL;
  cleanup_free char *accept_h = accept ? xasprintf ("Accept: %s", accept) : NULL;
  if (accept_h)
    headers = curl_slist_append (headers, accept_h);
  if (auth_header)
    headers = curl_slist_append (headers, auth_header);
  char errbuf[CURL_ERROR_SIZE] = "";
  vxn_registry_setup_easy (r, h, url);
  curl_easy_setopt (h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (h, CURLOPT_WRITEFUNCTION, body_cb);
  curl_easy_setopt (h, CURLOPT_WRITEDATA, resp);
  curl_easy_setopt (h, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (h, CURLOPT_HEADERDATA, resp);
  curl_easy_setopt (h, CURLOPT_ERRORBUFFER, errbuf);
  if (connect_timeout > 0)
    curl_easy_setopt (h, CURLOPT_CONNECTTIMEOUT, connect_timeout);
  CURLcode rc = curl_easy_perform (h);
  curl_easy_getinfo (h, CURLINFO_RESPONSE_CODE, &resp->status);
  curl_easy_cleanup (h);
  curl_slist_free_all (headers);
  if (resp->overflow)
    return vxn_make_error (err, 0, "GET %s: response larger than %zu bytes", url, max);
  if (rc != CURLE_OK)
    return vxn_make_error (err, 0, "GET %s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror (rc));
  return 0;
}

/* Find the endpoint: HTTPS, or for insecure registries HTTPS without verification and then plain HTTP. The probe
   (GET /v2/) also tells which auth scheme the registry wants. */
static int
probe (struct vxn_registry *r, vxn_error_t *err)
{
  if (r->base)
    return 0;
  const char *schemes[] = { "https", "http" };
  int ret = 0;
  for (size_t i = 0; i < (r->insecure ? 2u : 1u); i++)
    {
      cleanup_free char *url = xasprintf ("%s://%s/v2/", schemes[i], r->host);
      struct response resp;
      vxn_error_release (err);
      ret = http_get (r, url, NULL, NULL, MAX_ERROR_BODY, &resp, err, r->insecure && i == 0 ? PROBE_TIMEOUT_S : 0);
      if (ret < 0)
        {
          vxn_debug ("registry %s: %s", r->domain, (*err)->msg);
          response_clear (&resp);
          continue;
        }
      if (resp.status != 200 && resp.status != 401)
        {
          ret = vxn_make_error (err, 0, "%s is not a registry: GET /v2/ answered HTTP %ld", r->domain, resp.status);
          response_clear (&resp);
          return ret;
        }
      if (resp.status == 401)
        vxn_challenge_merge (&r->challenge, &resp.challenge);
      r->base = xasprintf ("%s://%s", schemes[i], r->host);
      vxn_debug ("registry %s: endpoint %s, auth %d", r->domain, r->base, r->challenge.scheme);
      response_clear (&resp);
      return 0;
    }
  return vxn_error_wrap (err, "cannot reach registry %s%s", r->domain,
                         r->insecure ? "" : " over HTTPS (plain HTTP needs --insecure-registry)");
}

static int
header_safe (const char *s)
{
  for (; *s; s++)
    if ((unsigned char)*s < ' ' || *s == 0x7f)
      return 0;
  return 1;
}

static int
fetch_token (struct vxn_registry *r, const char *scope, vxn_error_t *err)
{
  const struct vxn_challenge *c = &r->challenge;
  if (c->realm == NULL || (strncmp (c->realm, "https://", 8) != 0 && strncmp (c->realm, "http://", 7) != 0))
    return vxn_make_error (err, 0, "registry %s: Bearer challenge without a usable realm", r->domain);
  /* Credentials must not travel in clear text to a token server the user did not mark insecure. */
  if (strncmp (c->realm, "http://", 7) == 0)
    {
      const char *host = c->realm + 7;
      cleanup_free char *hostport = strndup (host, strcspn (host, "/?#"));
      if (!r->insecure && !vxn_registry_insecure_allowed (hostport, NULL))
        return vxn_make_error (err, 0, "registry %s: refusing plain-HTTP token realm %s", r->domain, c->realm);
    }
  CURL *esc = curl_easy_init ();
  if (esc == NULL)
    return vxn_make_error (err, 0, "cannot create a libcurl handle");
  char *svc = c->service ? curl_easy_escape (esc, c->service, 0) : NULL;
  char *sc = scope ? curl_easy_escape (esc, scope, 0) : NULL;
  cleanup_free char *url
      = xasprintf ("%s%s%s%s%s%s", c->realm, strchr (c->realm, '?') ? "&" : "?", svc ? "service=" : "", svc ? svc : "",
                   sc ? (svc ? "&scope=" : "scope=") : "", sc ? sc : "");
  curl_free (svc);
  curl_free (sc);
  curl_easy_cleanup (esc);

  cleanup_free char *basic = NULL;
  if (r->username)
    {
      cleanup_free char *plain = xasprintf ("%s:%s", r->username, r->password);
      cleanup_free char *b64 = vxn_base64_encode (plain, strlen (plain));
      basic = xasprintf ("Authorization: Basic %s", b64);
      explicit_bzero (plain, strlen (plain));
    }
  struct response resp;
  int ret = http_get (r, url, "application/json", basic, MAX_TOKEN_RESPONSE, &resp, err, 0);
  if (ret < 0)
    {
      response_clear (&resp);
      return vxn_error_wrap (err, "token request");
    }
  if (resp.status != 200)
    {
      cleanup_free char *why = vxn_registry_error_text (resp.status, resp.body, resp.len);
      ret = vxn_make_error (err, 0, "registry %s: %s: token request refused: %s", r->domain,
                            resp.status == 401 ? "unauthorized" : "authentication failed", why);
      response_clear (&resp);
      return ret;
    }
  cJSON *root = cJSON_ParseWithLength (resp.body, resp.len);
  const cJSON *tok = cJSON_GetObjectItemCaseSensitive (root, "token");
  if (!cJSON_IsString (tok) || tok->valuestring[0] == '\0')
    tok = cJSON_GetObjectItemCaseSensitive (root, "access_token");
  if (!cJSON_IsString (tok) || tok->valuestring[0] == '\0' || !header_safe (tok->valuestring))
    ret = vxn_make_error (err, 0, "registry %s: token response has no usable token", r->domain);
  else
    {
      free (r->auth_header);
      r->auth_header = xasprintf ("Authorization: Bearer %s", tok->valuestring);
    }
  cJSON_Delete (root);
  response_clear (&resp);
  return ret;
}

static int
apply_challenge (struct vxn_registry *r, const char *scope, vxn_error_t *err)
{
  int ret = 0;
  free (r->auth_header);
  r->auth_header = NULL;
  switch (r->challenge.scheme)
    {
    case VXN_AUTH_BEARER:
      ret = fetch_token (r, scope ? scope : r->challenge.scope, err);
      break;
    case VXN_AUTH_BASIC:
      if (r->username == NULL)
        return vxn_make_error (err, 0, "registry %s: authentication required (vxn login %s)", r->domain, r->domain);
      {
        cleanup_free char *plain = xasprintf ("%s:%s", r->username, r->password);
        cleanup_free char *b64 = vxn_base64_encode (plain, strlen (plain));
        if (!header_safe (plain))
          return vxn_make_error (err, 0, "credentials for %s contain control characters", r->domain);
        r->auth_header = xasprintf ("Authorization: Basic %s", b64);
        explicit_bzero (plain, strlen (plain));
      }
      break;
    case VXN_AUTH_NONE:
      break;
    }
  if (ret == 0)
    {
      free (r->auth_scope);
      r->auth_scope = scope ? xstrdup (scope) : NULL;
    }
  return ret;
}

int
vxn_registry_authorize (struct vxn_registry *r, const char *scope, vxn_error_t *err)
{
  int ret = probe (r, err);
  if (ret < 0)
    return ret;
  if (r->challenge.scheme == VXN_AUTH_NONE)
    return 0;
  if (r->auth_header
      && ((scope == NULL && r->auth_scope == NULL) || (scope && r->auth_scope && strcmp (scope, r->auth_scope) == 0)))
    return 0;
  return apply_challenge (r, scope, err);
}

int
vxn_registry_reauthorize (struct vxn_registry *r, struct vxn_challenge *c, const char *scope, vxn_error_t *err)
{
  if (c->scheme == VXN_AUTH_NONE)
    return vxn_make_error (err, 0, "registry %s: unauthorized, and no supported authentication offered", r->domain);
  if (c->scheme == VXN_AUTH_BASIC && r->username == NULL)
    return vxn_make_error (err, 0, "registry %s: authentication required (vxn login %s)", r->domain, r->domain);
  vxn_challenge_clear (&r->challenge);
  r->challenge = *c;
  memset (c, 0, sizeof *c);
  return apply_challenge (r, scope, err);
}

int
vxn_registry_login (struct vxn_registry *r, vxn_error_t *err)
{
  int ret = probe (r, err);
  if (ret < 0)
    return ret;
  if (r->challenge.scheme == VXN_AUTH_NONE)
    return 0; /* an open registry accepts anyone */
  if (r->username == NULL)
    return vxn_make_error (err, 0, "registry %s requires a user name and password", r->domain);
  ret = apply_challenge (r, NULL, err);
  if (ret < 0)
    return ret;
  /* A token proves the token server accepted us; for Basic, /v2/ itself must now say 200. */
  cleanup_free char *url = xasprintf ("%s/v2/", r->base);
  struct response resp;
  ret = http_get (r, url, NULL, r->auth_header, MAX_ERROR_BODY, &resp, err, 0);
  if (ret == 0 && resp.status != 200)
    ret = vxn_make_error (err, 0, "registry %s: login refused (HTTP %ld): wrong user name or password?", r->domain,
                          resp.status);
  response_clear (&resp);
  return ret;
}

int
vxn_registry_get_manifest (struct vxn_registry *r, const char *repo, const char *reference, struct vxn_http_doc *doc,
                           vxn_error_t *err)
{
  memset (doc, 0, sizeof *doc);
  cleanup_free char *scope = xasprintf ("repository:%s:pull", repo);
  int ret = vxn_registry_authorize (r, scope, err);
  if (ret < 0)
    return ret;
  cleanup_free char *url = xasprintf ("%s/v2/%s/manifests/%s", r->base, repo, reference);
  struct response resp;
  for (int attempt = 0;; attempt++)
    {
      ret = http_get (r, url, VXN_MANIFEST_ACCEPT, r->auth_header, VXN_MAX_MANIFEST_SIZE, &resp, err, 0);
      if (ret < 0)
        {
          response_clear (&resp);
          return ret;
        }
      if (resp.status != 401 || attempt > 0)
        break;
      ret = vxn_registry_reauthorize (r, &resp.challenge, scope, err);
      response_clear (&resp);
      if (ret < 0)
        return ret;
    }
  if (resp.status != 200)
    {
      cleanup_free char *why = vxn_registry_error_text (resp.status, resp.body, resp.len);
      if (resp.status == 404)
        ret = vxn_make_error (err, 0, "manifest for %s/%s:%s not found: %s", r->domain, repo, reference, why);
      else
        ret = vxn_make_error (err, 0, "manifest for %s/%s:%s: %s", r->domain, repo, reference, why);
      response_clear (&resp);
      return ret;
    }
  vxn_digest_buffer (resp.body ? resp.body : "", resp.len, doc->digest);
  if (vxn_digest_valid (reference) && strcmp (reference, doc->digest) != 0)
    ret = vxn_make_error (err, 0, "manifest digest mismatch: asked for %s, got content with digest %s", reference,
                          doc->digest);
  else if (resp.digest_header[0] && strcmp (resp.digest_header, doc->digest) != 0)
    ret = vxn_make_error (err, 0, "manifest digest mismatch: registry says %s, content has digest %s",
                          resp.digest_header, doc->digest);
  if (ret < 0)
    {
      response_clear (&resp);
      return ret;
    }
  doc->body = resp.body ? resp.body : xstrdup ("");
  doc->len = resp.len;
  snprintf (doc->content_type, sizeof doc->content_type, "%s", resp.content_type);
  resp.body = NULL;
  response_clear (&resp);
  return 0;
}
