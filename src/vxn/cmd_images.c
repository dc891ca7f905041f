#include "config.h"

#include "vxn.h"
#include "image.h"
#include "ref.h"
#include "refs.h"
#include "utils.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

static const char usage[] = "Usage: vxn images [OPTIONS] [REPOSITORY[:TAG]]\n\n"
                            "List images.\n\n"
                            "Options:\n"
                            "  --format table|json  table (default) or one JSON object per line\n"
                            "  -q, --quiet          only image IDs\n"
                            "  --no-trunc           full image IDs\n"
                            "  --digests            show digests\n";

/* RFC 3339 to seconds since the epoch; -1 when unparsable. */
static time_t
parse_time (const char *s)
{
  struct tm tm = { 0 };
  const char *p = s ? strptime (s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
  if (p == NULL)
    return -1;
  if (*p == '.')
    for (p++; *p >= '0' && *p <= '9'; p++)
      ;
  time_t t = timegm (&tm);
  int sh, sm;
  if ((*p == '+' || *p == '-') && sscanf (p + 1, "%2d:%2d", &sh, &sm) == 2)
    t -= (*p == '+' ? 1 : -1) * (sh * 3600 + sm * 60);
  return t;
}

/* docker's go-units HumanDuration. */
static void
human_since (time_t then, char *buf, size_t len)
{
  if (then < 0)
    {
      snprintf (buf, len, "N/A");
      return;
    }
  double s = difftime (time (NULL), then);
  const double min = 60, hour = 3600, day = 86400;
  if (s < 1)
    snprintf (buf, len, "Less than a second ago");
  else if (s < min)
    snprintf (buf, len, "%d seconds ago", (int)s);
  else if (s < 2 * min)
    snprintf (buf, len, "About a minute ago");
  else if (s < hour)
    snprintf (buf, len, "%d minutes ago", (int)(s / min));
  else if (s < 2 * hour)
    snprintf (buf, len, "About an hour ago");
  else if (s < 2 * day)
    snprintf (buf, len, "%d hours ago", (int)(s / hour));
  else if (s < 14 * day)
    snprintf (buf, len, "%d days ago", (int)(s / day));
  else if (s < 60 * day)
    snprintf (buf, len, "%d weeks ago", (int)(s / (7 * day)));
  else if (s < 730 * day)
    snprintf (buf, len, "%d months ago", (int)(s / (30 * day)));
  else
    snprintf (buf, len, "%d years ago", (int)(s / (365 * day)));
}

struct row
{
  char *repo, *tag, *digest, *id, *created, *size;
  char *full_id, *name, *created_at;
  long long bytes;
};

int
vxn_cmd_images (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' },
    { "quiet", no_argument, NULL, 'q' },
    { "no-trunc", no_argument, NULL, 'n' },
    { "digests", no_argument, NULL, 'd' },
    { NULL, 0, NULL, 0 },
  };
  if (vxn_cli_wants_help (argc, argv, usage))
    return 0;
  int json = 0, quiet = 0, notrunc = 0, digests = 0, c;
  while ((c = getopt_long (argc, argv, "q", opts, NULL)) != -1)
    switch (c)
      {
      case 'f':
        if (strcmp (optarg, "json") == 0 || strcmp (optarg, "{{json .}}") == 0)
          json = 1;
        else if (strcmp (optarg, "table") != 0)
          return vxn_make_error (err, 0, "images: --format must be `table` or `json`");
        break;
      case 'q':
        quiet = 1;
        break;
      case 'n':
        notrunc = 1;
        break;
      case 'd':
        digests = 1;
        break;
      default:
        return vxn_make_error (err, 0, "images: invalid option (see vxn images --help)");
      }
  if (optind + 1 < argc)
    return vxn_make_error (err, 0, "images: at most one REPOSITORY[:TAG]");
  const char *filter = optind < argc ? argv[optind] : NULL;
  struct vxn_ref fref = { 0 };
  cleanup_free char *fname = NULL;
  int filter_has_tag = 0;
  if (filter)
    {
      const char *last = strrchr (filter, '/');
      filter_has_tag = strchr (last ? last : filter, ':') != NULL && strchr (filter, '@') == NULL;
      if (vxn_ref_parse (filter, &fref, err) < 0)
        return -1;
      fname = vxn_ref_name (&fref);
    }
  struct vxn_store *s;
  int ret = vxn_cli_store (cli, &s, err);
  if (ret < 0)
    {
      vxn_ref_clear (&fref);
      return ret;
    }
  struct vxn_store_ref *refs;
  struct row *rows = NULL;
  size_t n, nr = 0;
  ret = vxn_refs_list (s, &refs, &n, err);
  if (ret < 0)
    goto out_store;
  rows = xzalloc (sizeof *rows * (n ? n : 1));
  for (size_t i = 0; i < n; i++)
    {
      struct vxn_ref r;
      struct vxn_image img;
      vxn_error_t e = NULL;
      if (vxn_ref_parse (refs[i].name, &r, &e) < 0)
        {
          vxn_error_release (&e);
          continue;
        }
      cleanup_free char *rname = vxn_ref_name (&r);
      /* A filter with an explicit tag matches that tag; "alpine" alone matches every alpine tag. */
      int keep
          = !filter || (strcmp (rname, fname) == 0 && (!filter_has_tag || (r.tag && strcmp (r.tag, fref.tag) == 0)));
      if (!keep || vxn_image_load (s, &refs[i].desc, &img, &e) < 0)
        {
          if (e)
            vxn_warning ("%s: %s", refs[i].name, e->msg);
          vxn_error_release (&e);
          vxn_ref_clear (&r);
          continue;
        }
      struct row *w = &rows[nr++];
      char buf[64];
      w->repo = vxn_ref_familiar_name (&r);
      w->name = xstrdup (refs[i].name);
      w->tag = xstrdup (r.tag ? r.tag : "<none>");
      w->digest = xstrdup (refs[i].repo_digest[0] ? refs[i].repo_digest : refs[i].desc.digest);
      w->full_id = xstrdup (img.id);
      w->id = notrunc ? xstrdup (img.id) : xasprintf ("%.12s", vxn_digest_hex (img.id));
      human_since (parse_time (img.config.created), buf, sizeof buf);
      w->created = xstrdup (buf);
      w->created_at = xstrdup (img.config.created ? img.config.created : "");
      w->bytes = vxn_image_size (&img);
      vxn_human_size (w->bytes, buf, sizeof buf);
      w->size = xstrdup (buf);
      vxn_image_clear (&img);
      vxn_ref_clear (&r);
    }
  vxn_refs_free (refs, n);

  if (quiet)
    {
      /* docker prints each image once, in listing order. */
      for (size_t i = 0; i < nr; i++)
        {
          int seen = 0;
          for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp (rows[j].id, rows[i].id) == 0;
          if (!seen)
            printf ("%s\n", rows[i].id);
        }
    }
  else if (json)
    for (size_t i = 0; i < nr; i++)
      {
        cJSON *o = cJSON_CreateObject ();
        cJSON_AddStringToObject (o, "Repository", rows[i].repo);
        cJSON_AddStringToObject (o, "Tag", rows[i].tag);
        cJSON_AddStringToObject (o, "Name", rows[i].name);
        cJSON_AddStringToObject (o, "Digest", rows[i].digest);
        cJSON_AddStringToObject (o, "ID", rows[i].id);
        cJSON_AddStringToObject (o, "CreatedAt", rows[i].created_at);
        cJSON_AddStringToObject (o, "CreatedSince", rows[i].created);
        cJSON_AddStringToObject (o, "Size", rows[i].size);
        cJSON_AddNumberToObject (o, "SizeBytes", (double)rows[i].bytes);
        char *text = cJSON_PrintUnformatted (o);
        printf ("%s\n", text);
        free (text);
        cJSON_Delete (o);
      }
  else
    {
      int wr = 10, wt = 3, wd = 6, wi = 8, wc = 7;
      for (size_t i = 0; i < nr; i++)
        {
#define WIDEN(w, s) w = (int)strlen (s) > w ? (int)strlen (s) : w
          WIDEN (wr, rows[i].repo);
          WIDEN (wt, rows[i].tag);
          WIDEN (wd, rows[i].digest);
          WIDEN (wi, rows[i].id);
          WIDEN (wc, rows[i].created);
#undef WIDEN
        }
      printf ("%-*s   %-*s   ", wr, "REPOSITORY", wt, "TAG");
      if (digests)
        printf ("%-*s   ", wd, "DIGEST");
      printf ("%-*s   %-*s   %s\n", wi, "IMAGE ID", wc, "CREATED", "SIZE");
      for (size_t i = 0; i < nr; i++)
        {
          printf ("%-*s   %-*s   ", wr, rows[i].repo, wt, rows[i].tag);
          if (digests)
            printf ("%-*s   ", wd, rows[i].digest);
          printf ("%-*s   %-*s   %s\n", wi, rows[i].id, wc, rows[i].created, rows[i].size);
        }
    }
  for (size_t i = 0; i < nr; i++)
    {
      free (rows[i].repo);
      free (rows[i].tag);
      free (rows[i].digest);
      free (rows[i].id);
      free (rows[i].created);
      free (rows[i].size);
      free (rows[i].full_id);
      free (rows[i].name);
      free (rows[i].created_at);
    }
  free (rows);
out_store:
  vxn_store_close (s);
  vxn_ref_clear (&fref);
  return ret;
}
