/* ps: vxn's containers and those other engines run on vxn-oci-runtime, in docker's columns plus ENGINE. */
#include "config.h"

#include "vxn.h"
#include "fmt.h"
#include "strv.h"
#include "utils.h"
#include "view.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

static const char usage[] = "Usage: %1$s ps [OPTIONS]\n\n"
                            "List containers: %1$s's own, and those containerd, docker and podman run on "
                            "vxn-oci-runtime (ENGINE).\n\n"
                            "Options:\n"
                            "  -a, --all             all containers (default: running ones)\n"
                            "  -q, --quiet           only IDs\n"
                            "      --no-trunc        full IDs and commands\n"
                            "  -n, --last N          the N most recently created\n"
                            "  -l, --latest          the most recently created\n"
                            "  -f, --filter K=V      status=, name=, id=, engine=, label= (repeatable)\n"
                            "      --format FORMAT   table (default), json (one object per line), or a template\n"
                            "                        of {{.ID}} {{.Image}} {{.Command}} {{.CreatedAt}} "
                            "{{.RunningFor}}\n"
                            "                        {{.Status}} {{.State}} {{.Names}} {{.Engine}} {{.Labels}}, "
                            "{{json .}}; \"table ...\"\n";

struct field
{
  const char *name, *header;
};

static const struct field fields[] = {
  { "ID", "CONTAINER ID" },      { "Image", "IMAGE" },        { "Command", "COMMAND" },
  { "CreatedAt", "CREATED AT" }, { "RunningFor", "CREATED" }, { "Status", "STATUS" },
  { "State", "STATE" },          { "Names", "NAMES" },        { "Engine", "ENGINE" },
  { "Labels", "LABELS" },        { "Ports", "PORTS" },        { "Mounts", "MOUNTS" },
  { "Networks", "NETWORKS" },    { "Size", "SIZE" },          { "LocalVolumes", "LOCAL VOLUMES" },
};

/* Go's strconv.Quote, for the printable text commands are: quotes, backslashes and control bytes escaped. */
static char *
go_quote (const char *s)
{
  size_t n = strlen (s);
  char *out = xmalloc (4 * n + 3), *p = out;
  *p++ = '"';
  for (const unsigned char *q = (const unsigned char *)s; *q; q++)
    {
      if (*q == '"' || *q == '\\')
        p += sprintf (p, "\\%c", *q);
      else if (*q == '\n')
        p += sprintf (p, "\\n");
      else if (*q == '\t')
        p += sprintf (p, "\\t");
      else if (*q < 0x20 || *q == 0x7f)
        p += sprintf (p, "\\x%02x", *q);
      else
        *p++ = (char)*q;
    }
  *p++ = '"';
  *p = '\0';
  return out;
}

static char *
labels_text (const struct vxn_view *v)
{
  return v->have_record ? vxn_strv_join (v->rec.labels, ",") : xstrdup ("");
}

/* The value of field NAME for V: docker's formatter semantics. */
static char *
field_value (const struct vxn_view *v, const char *name, int trunc)
{
  char buf[128];
  if (strcmp (name, "ID") == 0)
    {
      char sid[VXN_CTR_SHORT_LEN + 1];
      return xstrdup (trunc ? vxn_view_short_id (v, sid) : v->id);
    }
  if (strcmp (name, "Image") == 0)
    return xstrdup (v->image[0] ? v->image : "-");
  if (strcmp (name, "Command") == 0)
    {
      cleanup_free char *cmd = vxn_join_args (v->command);
      cleanup_free char *cut = trunc ? vxn_ellipsis (cmd, 20) : xstrdup (cmd);
      return go_quote (cut);
    }
  if (strcmp (name, "CreatedAt") == 0)
    {
      vxn_time_docker (v->created, buf, sizeof buf);
      return xstrdup (buf);
    }
  if (strcmp (name, "RunningFor") == 0)
    {
      if (v->created < 0)
        return xstrdup ("N/A");
      vxn_human_duration (difftime (time (NULL), v->created), buf, sizeof buf);
      return xasprintf ("%s ago", buf);
    }
  if (strcmp (name, "Status") == 0)
    {
      vxn_view_status (v, buf, sizeof buf);
      return xstrdup (buf);
    }
  if (strcmp (name, "State") == 0)
    return xstrdup (vxn_view_state_name (v));
  if (strcmp (name, "Names") == 0)
    return xstrdup (v->name);
  if (strcmp (name, "Engine") == 0)
    return xstrdup (v->engine);
  if (strcmp (name, "Labels") == 0)
    return labels_text (v);
  if (strcmp (name, "LocalVolumes") == 0)
    return xstrdup ("0");
  if (strcmp (name, "Size") == 0)
    return xstrdup ("0B");
  return xstrdup (""); /* Ports, Mounts, Networks: none yet */
}

static cJSON *
view_json (const struct vxn_view *v, int trunc)
{
  cJSON *o = cJSON_CreateObject ();
  for (size_t i = 0; i < ARRAY_SIZE (fields); i++)
    {
      cleanup_free char *val = field_value (v, fields[i].name, trunc);
      cJSON_AddStringToObject (o, fields[i].name, val);
    }
  cJSON_AddNumberToObject (o, "ExitCode", v->state == VXN_VIEW_EXITED ? v->exit_code : 0);
  return o;
}

/* A template: text with {{.Field}} and {{json .}}; "\t" and "\n" as Go's templates would see them from a shell. */
struct tmpl_part
{
  char *text;  /* literal, or NULL */
  char *field; /* field name, "json" for {{json .}} */
};

static int
tmpl_parse (struct vxn_cli *cli, const char *s, struct tmpl_part **parts, size_t *n, vxn_error_t *err)
{
  *parts = NULL;
  *n = 0;
  while (*s)
    {
      const char *open = strstr (s, "{{");
      size_t lit = open ? (size_t)(open - s) : strlen (s);
      if (lit)
        {
          *parts = realloc (*parts, sizeof **parts * (*n + 1));
          char *t = xmalloc (lit + 1), *q = t;
          for (size_t i = 0; i < lit; i++)
            {
              if (s[i] == '\\' && i + 1 < lit && (s[i + 1] == 't' || s[i + 1] == 'n'))
                {
                  *q++ = s[i + 1] == 't' ? '\t' : '\n';
                  i++;
                }
              else
                *q++ = s[i];
            }
          *q = '\0';
          (*parts)[(*n)++] = (struct tmpl_part){ t, NULL };
        }
      if (!open)
        break;
      const char *close = strstr (open, "}}");
      if (!close)
        return vxn_usage_error (cli, err, "template: unclosed action in `%s`", open);
      cleanup_free char *action = xasprintf ("%.*s", (int)(close - open - 2), open + 2);
      char *a = action;
      while (*a == ' ')
        a++;
      size_t al = strlen (a);
      while (al && a[al - 1] == ' ')
        a[--al] = '\0';
      char *field;
      if (strcmp (a, "json .") == 0)
        field = xstrdup ("json");
      else if (a[0] == '.')
        {
          size_t i;
          for (i = 0; i < ARRAY_SIZE (fields) && strcmp (fields[i].name, a + 1) != 0; i++)
            ;
          if (i == ARRAY_SIZE (fields))
            return vxn_usage_error (cli, err, "template: can't evaluate field %s", a + 1);
          field = xstrdup (a + 1);
        }
      else
        return vxn_usage_error (cli, err, "template: `{{%s}}` is not supported (only {{.Field}} and {{json .}})", a);
      *parts = realloc (*parts, sizeof **parts * (*n + 1));
      (*parts)[(*n)++] = (struct tmpl_part){ NULL, field };
      s = close + 2;
    }
  return 0;
}

static void
tmpl_free (struct tmpl_part *parts, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (parts[i].text);
      free (parts[i].field);
    }
  free (parts);
}

static char *
tmpl_render (const struct tmpl_part *parts, size_t n, const struct vxn_view *v, int trunc, int header)
{
  char *out = xstrdup ("");
  for (size_t i = 0; i < n; i++)
    {
      char *piece;
      if (parts[i].text)
        piece = xstrdup (parts[i].text);
      else if (header)
        {
          piece = NULL;
          for (size_t f = 0; f < ARRAY_SIZE (fields); f++)
            if (strcmp (fields[f].name, parts[i].field) == 0)
              piece = xstrdup (fields[f].header);
          if (piece == NULL)
            piece = xstrdup ("");
        }
      else if (strcmp (parts[i].field, "json") == 0)
        {
          cJSON *o = view_json (v, trunc);
          piece = cJSON_PrintUnformatted (o);
          cJSON_Delete (o);
        }
      else
        piece = field_value (v, parts[i].field, trunc);
      char *joined = xasprintf ("%s%s", out, piece);
      free (out);
      free (piece);
      out = joined;
    }
  return out;
}

struct filter
{
  char **status, **name, **id, **engine, **label;
};

static int
filter_add (struct vxn_cli *cli, struct filter *f, const char *kv, vxn_error_t *err)
{
  const char *eq = strchr (kv, '=');
  if (eq == NULL)
    return vxn_usage_error (cli, err, "bad format of filter (expected name=value)");
  size_t kl = eq - kv;
  char ***slot = kl == 6 && strncmp (kv, "status", 6) == 0   ? &f->status
                 : kl == 4 && strncmp (kv, "name", 4) == 0   ? &f->name
                 : kl == 2 && strncmp (kv, "id", 2) == 0     ? &f->id
                 : kl == 6 && strncmp (kv, "engine", 6) == 0 ? &f->engine
                 : kl == 5 && strncmp (kv, "label", 5) == 0  ? &f->label
                                                             : NULL;
  if (slot == NULL)
    return vxn_usage_error (cli, err, "invalid filter '%.*s' (supported: status, name, id, engine, label)", (int)kl,
                            kv);
  if (*slot == NULL)
    *slot = xzalloc (sizeof (char *));
  *slot = vxn_strv_append (*slot, eq + 1);
  return 0;
}

static int
any_of (char **values, int (*match) (const struct vxn_view *, const char *), const struct vxn_view *v)
{
  if (values == NULL)
    return 1;
  for (size_t i = 0; values[i]; i++)
    if (match (v, values[i]))
      return 1;
  return 0;
}

static int
m_status (const struct vxn_view *v, const char *s)
{
  return strcmp (vxn_view_state_name (v), s) == 0;
}
static int
m_name (const struct vxn_view *v, const char *s)
{
  return strstr (v->name, s) != NULL;
}
static int
m_id (const struct vxn_view *v, const char *s)
{
  return strncmp (v->id, s, strlen (s)) == 0;
}
static int
m_engine (const struct vxn_view *v, const char *s)
{
  return strcmp (v->engine, s) == 0;
}
static int
m_label (const struct vxn_view *v, const char *s)
{
  if (!v->have_record)
    return 0;
  size_t n = strlen (s);
  for (size_t i = 0; v->rec.labels[i]; i++)
    {
      const char *l = v->rec.labels[i];
      /* label=KEY matches any value, label=KEY=VALUE that value. */
      if (strchr (s, '=') ? strcmp (l, s) == 0 : strncmp (l, s, n) == 0 && l[n] == '=')
        return 1;
    }
  return 0;
}

static int
cmp_created_desc (const void *a, const void *b)
{
  const struct vxn_view *x = *(const struct vxn_view *const *)a, *y = *(const struct vxn_view *const *)b;
  return (x->created < y->created) - (x->created > y->created);
}

int
vxn_cmd_ps (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },          { "quiet", no_argument, NULL, 'q' },
    { "no-trunc", no_argument, NULL, 'T' },     { "last", required_argument, NULL, 'n' },
    { "latest", no_argument, NULL, 'l' },       { "filter", required_argument, NULL, 'f' },
    { "format", required_argument, NULL, 'F' }, { "size", no_argument, NULL, 's' },
    { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
  };
  int all = 0, quiet = 0, trunc = 1, c;
  long last = -1;
  const char *format = NULL;
  struct filter f = { 0 };
  int ret = 0;
  struct vxn_views vs = { 0 };
  struct tmpl_part *parts = NULL;
  size_t nparts = 0;
  struct vxn_view **sel = NULL;
  int table_tmpl = 0;
  size_t n = 0;
  while ((c = getopt_long (argc, argv, "+:aqn:lf:sh", opts, NULL)) != -1)
    switch (c)
      {
      case 'a':
        all = 1;
        break;
      case 'q':
        quiet = 1;
        break;
      case 'T':
        trunc = 0;
        break;
      case 'n':
        if (vxn_parse_long (optarg, 0, 1000000, &last) < 0)
          {
            ret = vxn_usage_error (cli, err, "invalid argument \"%s\" for \"-n, --last\" flag", optarg);
            goto out;
          }
        all = 1;
        break;
      case 'l':
        last = 1;
        all = 1;
        break;
      case 'f':
        if ((ret = filter_add (cli, &f, optarg, err)) < 0)
          goto out;
        break;
      case 'F':
        format = optarg;
        break;
      case 's':
        ret = vxn_usage_error (cli, err, "--size is not supported yet");
        goto out;
      case 'h':
        vxn_print_usage (cli, usage);
        goto out;
      default:
        ret = vxn_usage_bad_flag (cli, c, argc, argv, err);
        goto out;
      }
  if (optind != argc)
    {
      ret = vxn_usage_error (cli, err, "\"ps\" accepts no arguments.\nSee '%s ps --help'.", cli->prog);
      goto out;
    }
  if (format && strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    {
      const char *t = format;
      if (strncmp (t, "table ", 6) == 0)
        {
          table_tmpl = 1;
          t += 6;
        }
      if ((ret = tmpl_parse (cli, t, &parts, &nparts, err)) < 0)
        goto out;
    }
  if ((ret = vxn_views_load (cli, &vs, err)) < 0)
    goto out;
  sel = xzalloc (sizeof *sel * (vs.n + 1));
  for (size_t i = 0; i < vs.n; i++)
    {
      struct vxn_view *v = &vs.v[i];
      /* Without -a: what runs (docker lists paused ones too). A status filter decides by itself. */
      if (!all && f.status == NULL && v->state != VXN_VIEW_RUNNING && v->state != VXN_VIEW_PAUSED)
        continue;
      if (!any_of (f.status, m_status, v) || !any_of (f.name, m_name, v) || !any_of (f.id, m_id, v)
          || !any_of (f.engine, m_engine, v) || !any_of (f.label, m_label, v))
        continue;
      sel[n++] = v;
    }
  qsort (sel, n, sizeof *sel, cmp_created_desc);
  if (last >= 0 && (size_t)last < n)
    n = (size_t)last;

  if (quiet)
    {
      for (size_t i = 0; i < n; i++)
        {
          char sid[VXN_CTR_SHORT_LEN + 1];
          printf ("%s\n", trunc ? vxn_view_short_id (sel[i], sid) : sel[i]->id);
        }
    }
  else if (format && strcmp (format, "json") == 0)
    {
      for (size_t i = 0; i < n; i++)
        {
          cJSON *o = view_json (sel[i], trunc);
          char *s = cJSON_PrintUnformatted (o);
          printf ("%s\n", s);
          free (s);
          cJSON_Delete (o);
        }
    }
  else if (parts && !table_tmpl)
    {
      for (size_t i = 0; i < n; i++)
        {
          cleanup_free char *line = tmpl_render (parts, nparts, sel[i], trunc, 0);
          printf ("%s\n", line);
        }
    }
  else if (parts)
    {
      /* "table {{.ID}}\t{{.Status}}": a header, then the rows, aligned on the tabs. */
      size_t cols = 1;
      for (size_t i = 0; i < nparts; i++)
        for (const char *p = parts[i].text; p && *p; p++)
          cols += *p == '\t';
      struct vxn_table *t = vxn_table_new (cols);
      for (size_t r = 0; r <= n; r++)
        {
          cleanup_free char *line = tmpl_render (parts, nparts, r ? sel[r - 1] : NULL, trunc, r == 0);
          const char **cells = xzalloc (sizeof *cells * cols);
          size_t k = 0;
          for (char *p = line, *tab; k < cols; p = tab + 1)
            {
              tab = strchr (p, '\t');
              cells[k++] = p;
              if (!tab)
                break;
              *tab = '\0';
            }
          vxn_table_add (t, cells);
          free (cells);
        }
      vxn_table_print (t, stdout);
      vxn_table_free (t);
    }
  else
    {
      static const char *const cols[] = { "ID", "Image", "Command", "RunningFor", "Status", "Engine", "Names" };
      struct vxn_table *t = vxn_table_new (ARRAY_SIZE (cols));
      const char *header[] = { "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "ENGINE", "NAMES" };
      vxn_table_add (t, header);
      for (size_t i = 0; i < n; i++)
        {
          char *cells[ARRAY_SIZE (cols)];
          for (size_t k = 0; k < ARRAY_SIZE (cols); k++)
            cells[k] = field_value (sel[i], cols[k], trunc);
          vxn_table_add (t, (const char *const *)cells);
          for (size_t k = 0; k < ARRAY_SIZE (cols); k++)
            free (cells[k]);
        }
      vxn_table_print (t, stdout);
      vxn_table_free (t);
    }
out:
  free (sel);
  tmpl_free (parts, nparts);
  vxn_views_free (&vs);
  vxn_strv_free (f.status);
  vxn_strv_free (f.name);
  vxn_strv_free (f.id);
  vxn_strv_free (f.engine);
  vxn_strv_free (f.label);
  return ret;
}
