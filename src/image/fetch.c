/* Parallel blob downloads with libcurl multi. Each body streams straight into a store ingest, which hashes and counts
   every byte: a blob is stored only when its size and sha256 match the manifest's descriptor. */
#include "config.h"

#include "registry-internal.h"
#include "utils.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_ERROR_BODY (64 * 1024)
#define MAX_AUTH_RETRIES 1

struct job
{
  struct vxn_registry *r;
  struct vxn_blob_job *spec;
  struct vxn_progress *p;
  struct vxn_store *s;
  struct vxn_ingest *in;
  CURL *h;
  struct curl_slist *headers;
  char *err_body; /* body of a non-200 answer, for the message */
  size_t err_len;
  struct vxn_challenge challenge;
  vxn_error_t write_err; /* why the write callback stopped the transfer */
  char errbuf[CURL_ERROR_SIZE];
  int auth_retries;
  int done;
};

static long
status_of (CURL *h)
{
  long status = 0;
  curl_easy_getinfo (h, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

static size_t
write_cb (char *data, size_t size, size_t nmemb, void *userdata)
{
  struct job *j = userdata;
  size_t n = size * nmemb;
  if (status_of (j->h) != 200)
    {
      /* An error page, not the blob: keep a little of it for the message. */
      if (j->err_len + n > MAX_ERROR_BODY)
        return n;
      j->err_body = realloc (j->err_body, j->err_len + n + 1);
      if (j->err_body == NULL)
        abort ();
      memcpy (j->err_body + j->err_len, data, n);
      j->err_len += n;
      j->err_body[j->err_len] = '\0';
      return n;
    }
  if (vxn_ingest_write (j->in, data, n, &j->write_err) < 0)
    return 0;
  if (j->spec->row >= 0)
    vxn_progress_bytes (j->p, j->spec->row, vxn_ingest_written (j->in));
  return n;
}

static size_t
header_cb (char *line, size_t size, size_t nmemb, void *userdata)
{
  struct job *j = userdata;
  size_t n = size * nmemb;
  if (n > 17 && strncasecmp (line, "WWW-Authenticate:", 17) == 0)
    {
      char *v = strndup (line + 17, n - 17);
      struct vxn_challenge c;
      v[strcspn (v, "\r\n")] = '\0';
      if (vxn_challenge_parse (v, &c) == 0)
        vxn_challenge_merge (&j->challenge, &c);
      free (v);
    }
  return n;
}

static void
job_reset_transfer (struct job *j)
{
  if (j->h)
    curl_easy_cleanup (j->h);
  curl_slist_free_all (j->headers);
  free (j->err_body);
  j->h = NULL;
  j->headers = NULL;
  j->err_body = NULL;
  j->err_len = 0;
  vxn_challenge_clear (&j->challenge);
}

/* Open the ingest (or find the blob already stored) and start the transfer. 1: nothing to download. */
static int
job_start (struct job *j, CURLM *multi, const char *repo, vxn_error_t *err)
{
  const struct vxn_descriptor *d = j->spec->desc;
  int present = 0;
  if (j->in == NULL)
    {
      int ret = vxn_ingest_begin (j->s, d->digest, d->size, &j->in, &present, err);
      if (ret < 0)
        return ret;
      if (present)
        {
          if (j->spec->row >= 0)
            vxn_progress_state (j->p, j->spec->row, "Already exists");
          return 1;
        }
    }
  j->h = curl_easy_init ();
  if (j->h == NULL)
    return vxn_make_error (err, 0, "cannot create a libcurl handle");
  cleanup_free char *url = xasprintf ("%s/v2/%s/blobs/%s", j->r->base, repo, d->digest);
  if (j->r->auth_header)
    j->headers = curl_slist_append (NULL, j->r->auth_header);
  vxn_registry_setup_easy (j->r, j->h, url);
  curl_easy_setopt (j->h, CURLOPT_HTTPHEADER, j->headers);
  curl_easy_setopt (j->h, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt (j->h, CURLOPT_WRITEDATA, j);
  curl_easy_setopt (j->h, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (j->h, CURLOPT_HEADERDATA, j);
  curl_easy_setopt (j->h, CURLOPT_ERRORBUFFER, j->errbuf);
  curl_easy_setopt (j->h, CURLOPT_PRIVATE, j);
  j->errbuf[0] = '\0';
  if (j->spec->row >= 0)
    vxn_progress_state (j->p, j->spec->row, "Downloading");
  if (curl_multi_add_handle (multi, j->h) != CURLM_OK)
    return vxn_make_error (err, 0, "cannot add a transfer");
  return 0;
}

/* A transfer ended: verify and commit, or work out why it failed. 1: restart it (fresh credentials). */
static int
job_finish (struct job *j, CURLcode rc, const char *repo, vxn_error_t *err)
{
  const struct vxn_descriptor *d = j->spec->desc;
  long status = status_of (j->h);
  if (j->write_err)
    {
      *err = j->write_err;
      j->write_err = NULL;
      return vxn_error_wrap (err, "blob %s", d->digest);
    }
  if (rc != CURLE_OK)
    return vxn_make_error (err, 0, "blob %s: %s", d->digest, j->errbuf[0] ? j->errbuf : curl_easy_strerror (rc));
  if (status == 401 && j->auth_retries < MAX_AUTH_RETRIES)
    {
      /* Tokens are short-lived; a long pull may outlive one. */
      cleanup_free char *scope = xasprintf ("repository:%s:pull", repo);
      j->auth_retries++;
      int ret = vxn_registry_reauthorize (j->r, &j->challenge, scope, err);
      if (ret < 0)
        return ret;
      vxn_ingest_abort (j->in);
      j->in = NULL;
      return 1;
    }
  if (status != 200)
    {
      cleanup_free char *why = vxn_registry_error_text (status, j->err_body, j->err_len);
      return vxn_make_error (err, 0, "blob %s: %s", d->digest, why);
    }
  if (j->spec->row >= 0)
    vxn_progress_state (j->p, j->spec->row, "Verifying Checksum");
  struct vxn_ingest *in = j->in;
  j->in = NULL;
  int ret = vxn_ingest_commit (in, NULL, err);
  if (ret < 0)
    return vxn_error_wrap (err, "blob %s", d->digest);
  if (j->spec->row >= 0)
    vxn_progress_state (j->p, j->spec->row, "Download complete");
  return 0;
}

int
vxn_registry_fetch_blobs (struct vxn_registry *r, const char *repo, struct vxn_blob_job *specs, size_t n,
                          struct vxn_store *s, struct vxn_progress *p, vxn_error_t *err)
{
  cleanup_free char *scope = xasprintf ("repository:%s:pull", repo);
  int ret = vxn_registry_authorize (r, scope, err);
  if (ret < 0)
    return ret;
  CURLM *multi = curl_multi_init ();
  if (multi == NULL)
    return vxn_make_error (err, 0, "cannot create a libcurl multi handle");
  struct job *jobs = xzalloc (sizeof *jobs * (n ? n : 1));
  for (size_t i = 0; i < n; i++)
    {
      jobs[i].r = r;
      jobs[i].spec = &specs[i];
      jobs[i].p = p;
      jobs[i].s = s;
    }
  size_t next = 0, active = 0;
  for (;;)
    {
      /* Keep up to max_parallel transfers going. */
      while (ret == 0 && active < (size_t)r->max_parallel && next < n)
        {
          struct job *j = &jobs[next++];
          ret = job_start (j, multi, repo, err);
          if (ret == 1)
            {
              j->done = 1;
              ret = 0;
            }
          else if (ret == 0)
            active++;
        }
      if (ret < 0 || active == 0)
        break;
      int running = 0;
      if (curl_multi_perform (multi, &running) != CURLM_OK)
        {
          ret = vxn_make_error (err, 0, "transfer failure");
          break;
        }
      CURLMsg *msg;
      int left;
      while (ret == 0 && (msg = curl_multi_info_read (multi, &left)))
        {
          if (msg->msg != CURLMSG_DONE)
            continue;
          char *priv = NULL;
          curl_easy_getinfo (msg->easy_handle, CURLINFO_PRIVATE, &priv);
          struct job *j = (struct job *)priv;
          CURLcode rc = msg->data.result;
          curl_multi_remove_handle (multi, j->h);
          active--;
          ret = job_finish (j, rc, repo, err);
          job_reset_transfer (j);
          if (ret == 1)
            {
              ret = job_start (j, multi, repo, err);
              if (ret == 0)
                active++;
              else if (ret == 1)
                ret = 0;
            }
          else if (ret == 0)
            j->done = 1;
        }
      if (ret < 0)
        break;
      if (running > 0 && curl_multi_poll (multi, NULL, 0, 1000, NULL) != CURLM_OK)
        {
          ret = vxn_make_error (err, 0, "transfer failure");
          break;
        }
    }
  /* On failure, drop every transfer still in flight and every partial file. */
  for (size_t i = 0; i < n; i++)
    {
      if (jobs[i].h)
        curl_multi_remove_handle (multi, jobs[i].h);
      job_reset_transfer (&jobs[i]);
      vxn_ingest_abort (jobs[i].in);
      vxn_error_release (&jobs[i].write_err);
    }
  free (jobs);
  curl_multi_cleanup (multi);
  return ret;
}
