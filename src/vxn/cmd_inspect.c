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

#include <cjson/cJSON.h>

static const char usage[] = "Usage: vxn inspect [OPTIONS] NAME|ID [NAME|ID...]\n\n"
                            "Show containers or images as a JSON array, in docker's layout (containers: Id, Name, "
                            "State, Config, ...;\n"
                            "images: Id, RepoTags, RepoDigests, Config, ...). Containers are looked for first.\n\n"
                            "Options:\n"
                            "  --type container|image   look only for that kind\n"
                            "  -f, --format TEMPLATE    print {{.Path.To.Field}} / {{json .Path}} per object instead\n";

static cJSON *
describe (struct vxn_store *s, const struct vxn_image *img)
{
  cJSON *o = cJSON_CreateObject ();
  cJSON_AddStringToObject (o, "Id", img->id);
  cJSON *tags = cJSON_AddArrayToObject (o, "RepoTags");
  cJSON *digests = cJSON_AddArrayToObject (o, "RepoDigests");
  struct vxn_store_ref *refs;
  size_t n;
  vxn_error_t e = NULL;
  if (vxn_refs_list (s, &refs, &n, &e) == 0)
    {
      for (size_t i = 0; i < n; i++)
        {
          if (strcmp (refs[i].desc.digest, img->desc.digest) != 0)
            continue;
          struct vxn_ref r;
          if (vxn_ref_parse (refs[i].name, &r, &e) < 0)
            {
              vxn_error_release (&e);
              continue;
            }
          if (r.tag)
            cJSON_AddItemToArray (tags, cJSON_CreateString (refs[i].name));
          cleanup_free char *name = vxn_ref_name (&r);
          cleanup_free char *rd
              = xasprintf ("%s@%s", name, refs[i].repo_digest[0] ? refs[i].repo_digest : refs[i].desc.digest);
          int dup = 0;
          const cJSON *it;
          cJSON_ArrayForEach (it, digests) dup |= strcmp (it->valuestring, rd) == 0;
          if (!dup)
            cJSON_AddItemToArray (digests, cJSON_CreateString (rd));
          vxn_ref_clear (&r);
        }
      vxn_refs_free (refs, n);
    }
  vxn_error_release (&e);
  cJSON_AddStringToObject (o, "Manifest", img->desc.digest);
  cJSON_AddStringToObject (o, "ManifestMediaType", img->desc.media_type);
  const cJSON *root = img->config.root;
  static const char *const copied[]
      = { "created", "author", "architecture", "variant", "os", "config", "rootfs", "history" };
  static const char *const names[]
      = { "Created", "Author", "Architecture", "Variant", "Os", "Config", "RootFS", "History" };
  for (size_t i = 0; i < ARRAY_SIZE (copied); i++)
    {
      const cJSON *v = cJSON_GetObjectItemCaseSensitive (root, copied[i]);
      if (v)
        cJSON_AddItemToObject (o, names[i], cJSON_Duplicate (v, 1));
    }
  cJSON_AddNumberToObject (o, "Size", (double)vxn_image_size (img));
  cJSON *layers = cJSON_AddArrayToObject (o, "Layers");
  for (size_t i = 0; i < img->manifest.n_layers; i++)
    {
      cJSON *l = cJSON_CreateObject ();
      cJSON_AddStringToObject (l, "Digest", img->manifest.layers[i].digest);
      cJSON_AddStringToObject (l, "MediaType", img->manifest.layers[i].media_type);
      cJSON_AddNumberToObject (l, "Size", (double)img->manifest.layers[i].size);
      cJSON_AddItemToArray (layers, l);
    }
  return o;
}

/* A Go-template subset for -f: literal text, {{.A.B}} (strings as they are, numbers, booleans, JSON for the rest)
   and {{json .A.B}} / {{json .}}. */
static const cJSON *
json_path (const cJSON *o, const char *path)
{
  cleanup_free char *copy = xstrdup (path);
  char *save = NULL;
  for (char *k = strtok_r (copy, ".", &save); k && o; k = strtok_r (NULL, ".", &save))
    o = cJSON_GetObjectItemCaseSensitive (o, k);
  return o;
}

static int
render (const char *tmpl, const cJSON *o, FILE *out, vxn_error_t *err)
{
  while (*tmpl)
    {
      const char *open = strstr (tmpl, "{{");
      if (open == NULL)
        {
          fputs (tmpl, out);
          break;
        }
      fwrite (tmpl, 1, open - tmpl, out);
      const char *close = strstr (open, "}}");
      if (close == NULL)
        return vxn_make_error (err, 0, "template: unclosed action");
      cleanup_free char *a = xasprintf ("%.*s", (int)(close - open - 2), open + 2);
      char *p = a;
      while (*p == ' ')
        p++;
      size_t n = strlen (p);
      while (n && p[n - 1] == ' ')
        p[--n] = '\0';
      int as_json = strncmp (p, "json ", 5) == 0;
      if (as_json)
        for (p += 5; *p == ' '; p++)
          ;
      if (p[0] != '.')
        return vxn_make_error (err, 0, "template: `{{%s}}` is not supported (only {{.Field.Path}} and {{json ...}})",
                               a);
      const cJSON *v = p[1] ? json_path (o, p + 1) : o;
      if (v == NULL)
        fputs (as_json ? "null" : "<no value>", out);
      else if (!as_json && cJSON_IsString (v))
        fputs (v->valuestring, out);
      else if (!as_json && cJSON_IsNumber (v) && v->valuedouble == (double)(long long)v->valuedouble)
        fprintf (out, "%lld", (long long)v->valuedouble);
      else if (!as_json && cJSON_IsBool (v))
        fputs (cJSON_IsTrue (v) ? "true" : "false", out);
      else
        {
          char *j = cJSON_PrintUnformatted (v);
          fputs (j, out);
          free (j);
        }
      tmpl = close + 2;
    }
  fputc ('\n', out);
  return 0;
}

int
vxn_cmd_inspect (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "type", required_argument, NULL, 't' },
    { "format", required_argument, NULL, 'f' },
    { "size", no_argument, NULL, 's' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int c, want_ctr = 1, want_img = 1;
  const char *format = NULL;
  while ((c = getopt_long (argc, argv, "+:f:sh", opts, NULL)) != -1)
    switch (c)
      {
      case 't':
        if (strcmp (optarg, "container") == 0)
          want_img = 0;
        else if (strcmp (optarg, "image") == 0)
          want_ctr = 0;
        else
          return vxn_usage_error (cli, err, "--type: expected container or image, got `%s`", optarg);
        break;
      case 'f':
        format = optarg;
        break;
      case 's':
        break;
      case 'h':
        fputs (usage, stdout);
        return 0;
      default:
        return vxn_usage_bad_flag (cli, c, argc, argv, err);
      }
  if (optind >= argc)
    return vxn_make_error (err, 0, "inspect: expected at least one image (see vxn inspect --help)");
  struct vxn_store *s = NULL;
  int ret = 0;
  cJSON *arr = cJSON_CreateArray ();
  for (int i = optind; i < argc && ret == 0; i++)
    {
      cJSON *o = NULL;
      if (want_ctr)
        {
          ret = vxn_container_inspect_json (cli, argv[i], &o, err);
          if (ret < 0)
            break;
          ret = 0;
        }
      if (o == NULL && !want_img)
        {
          ret = vxn_make_error (err, 0, "No such container: %s", argv[i]);
          break;
        }
      if (o == NULL)
        {
          struct vxn_image img;
          cleanup_free char *key = NULL;
          if (s == NULL && (ret = vxn_cli_store (cli, &s, err)) < 0)
            break;
          ret = vxn_image_find (s, argv[i], &img, &key, err);
          if (ret < 0)
            break;
          o = describe (s, &img);
          vxn_image_clear (&img);
        }
      cJSON_AddItemToArray (arr, o);
    }
  if (ret == 0 && format)
    {
      const cJSON *o;
      cJSON_ArrayForEach (o, arr) if ((ret = render (format, o, stdout, err)) < 0) break;
      if (ret < 0)
        cli->error_status = VXN_EXIT_CLI;
    }
  else if (ret == 0)
    {
      char *text = cJSON_Print (arr);
      printf ("%s\n", text);
      free (text);
    }
  cJSON_Delete (arr);
  if (s)
    vxn_store_close (s);
  return ret;
}
