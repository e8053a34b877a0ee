/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk templates: the OS catalogue, as a table or as JSON. */
#include "config.h"

#include "cli/cli_template.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "images/imgcache.h"
#include "images/resolve.h"
#include "images/template.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

static const struct option cli_template_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "check", no_argument, NULL, 'c' },
	{ NULL, 0, NULL, 0 }
};

/* Where a template's system comes from, in JSON's words. */
static const char *
cli_template_source_kind(const struct template *t)
{
	if (t->src[0].url != NULL)
		return ("download");
	if (t->boot == TEMPLATE_BOOT_ISO)
		return ("bring-your-own");
	if (t->boot == TEMPLATE_BOOT_TINYLINUX)
		return ("offline");
	return ("blank");
}

/* The same for people: the URL's host, or what to bring. Caller frees. */
static char *
cli_template_source(const struct template *t)
{
	if (t->src[0].url != NULL)
		return (template_url_host(t->src[0].url));
	if (t->boot == TEMPLATE_BOOT_ISO)
		return (xstrdup("bring your own ISO"));
	if (t->boot == TEMPLATE_BOOT_TINYLINUX)
		return (xstrdup("offline"));
	return (xstrdup("blank disk"));
}

/* "Ubuntu 24.04 LTS": the OS and its version. Caller frees. */
static char *
cli_template_os(const struct template *t)
{
	if (t->os == NULL)
		return (xstrdup("-"));
	if (t->version == NULL)
		return (xstrdup(t->os));
	return (xasprintf("%s %s", t->os, t->version));
}

static json_t *
cli_template_str(const char *s)
{
	return (s != NULL ? json_string(s) : json_null());
}

/* Each architecture's source, as the template file gives it. */
static json_t *
cli_template_sources(const struct template *t)
{
	struct template_source	 s;
	json_t			*arr, *j;
	size_t			 i;

	arr = json_array();
	for (i = 0; i < t->narchs; i++) {
		template_source(t, t->src[i].arch, &s);
		j = json_object();
		json_object_set_new(j, "arch", json_string(s.arch));
		json_object_set_new(j, "url", cli_template_str(s.url));
		json_object_set_new(j, "sha256", cli_template_str(s.sha256));
		json_object_set_new(j, "checksum_url",
		    cli_template_str(s.checksum_url));
		json_object_set_new(j, "checksum_name",
		    cli_template_str(s.checksum_name));
		json_object_set_new(j, "index", cli_template_str(s.index));
		json_object_set_new(j, "index_format", s.index != NULL ?
		    json_string(template_index_name(s.index_format)) :
		    json_null());
		json_object_set_new(j, "pattern", cli_template_str(s.pattern));
		json_object_set_new(j, "file_host",
		    cli_template_str(s.file_host));
		json_array_append_new(arr, j);
	}
	return (arr);
}

static json_t *
cli_template_json(const struct library *lib, const struct template *t)
{
	json_t	*j, *archs;
	char	*host;
	size_t	 i;

	j = json_object();
	json_object_set_new(j, "name", json_string(t->name));
	json_object_set_new(j, "os", cli_template_str(t->os));
	json_object_set_new(j, "version", cli_template_str(t->version));
	json_object_set_new(j, "description",
	    cli_template_str(t->description));
	json_object_set_new(j, "homepage", cli_template_str(t->homepage));
	json_object_set_new(j, "notes", cli_template_str(t->notes));
	json_object_set_new(j, "boot",
	    json_string(template_boot_name(t->boot)));
	json_object_set_new(j, "source",
	    json_string(cli_template_source_kind(t)));
	json_object_set_new(j, "url", cli_template_str(t->src[0].url));
	host = t->src[0].url != NULL ? template_url_host(t->src[0].url) : NULL;
	json_object_set_new(j, "host", cli_template_str(host));
	free(host);
	json_object_set_new(j, "sha256", cli_template_str(t->src[0].sha256));
	json_object_set_new(j, "checksum_url",
	    cli_template_str(t->src[0].checksum_url));
	json_object_set_new(j, "checksum_name",
	    cli_template_str(t->src[0].checksum_name));
	json_object_set_new(j, "format", t->src[0].url != NULL ?
	    json_string(template_format_name(t->format)) : json_null());
	json_object_set_new(j, "member", cli_template_str(t->src[0].member));
	json_object_set_new(j, "cached", t->src[0].url != NULL ?
	    json_boolean(resolve_cached(lib, t)) : json_null());
	json_object_set_new(j, "cloud_init", json_boolean(t->cloud_init));
	json_object_set_new(j, "user", cli_template_str(t->user));
	json_object_set_new(j, "arch", json_string(t->arch));
	archs = json_array();
	for (i = 0; i < t->narchs; i++)
		json_array_append_new(archs, json_string(t->src[i].arch));
	json_object_set_new(j, "archs", archs);
	json_object_set_new(j, "sources", cli_template_sources(t));
	json_object_set_new(j, "machine",
	    json_string(vmdef_machine_name(t->machine)));
	json_object_set_new(j, "firmware",
	    json_string(vmdef_firmware_name(t->firmware)));
	json_object_set_new(j, "display",
	    json_string(vmdef_display_name(t->display)));
	json_object_set_new(j, "tpm", json_boolean(t->tpm));
	json_object_set_new(j, "cpus", json_integer(t->cpus));
	json_object_set_new(j, "memory", json_integer((json_int_t)t->memory));
	json_object_set_new(j, "disk_size",
	    json_integer((json_int_t)t->disk_size));
	json_object_set_new(j, "bus", json_string(vmdef_bus_name(t->bus)));
	json_object_set_new(j, "model",
	    json_string(vmdef_nic_name(t->model)));
	json_object_set_new(j, "drivers_url", cli_template_str(t->drivers_url));
	json_object_set_new(j, "file", json_string(t->file));
	return (j);
}

/* One column of the table: its cells, and the widest. */
struct cli_template_col {
	char	**cell;
	int	  width;
};

static void
cli_template_table(const struct library *lib, struct template **list,
    size_t n)
{
	struct cli_template_col	 os, src, arch;
	char			*mem, *disk, *hw;
	int			 wname = 4, w;
	size_t			 i;

	os.cell = xreallocarray(NULL, n, sizeof *os.cell);
	src.cell = xreallocarray(NULL, n, sizeof *src.cell);
	arch.cell = xreallocarray(NULL, n, sizeof *arch.cell);
	os.width = 2;
	src.width = 6;
	arch.width = 4;
	for (i = 0; i < n; i++) {
		if ((w = (int)strlen(list[i]->name)) > wname)
			wname = w;
		os.cell[i] = cli_template_os(list[i]);
		if ((w = (int)strlen(os.cell[i])) > os.width)
			os.width = w;
		src.cell[i] = cli_template_source(list[i]);
		if ((w = (int)strlen(src.cell[i])) > src.width)
			src.width = w;
		arch.cell[i] = template_archs(list[i]);
		if ((w = (int)strlen(arch.cell[i])) > arch.width)
			arch.width = w;
	}
	printf("%-*s  %-*s  %-*s  %-9s  %-*s  %-6s  %-15s %4s %6s %6s\n",
	    wname, "NAME", os.width, "OS", arch.width, "ARCH", "BOOT",
	    src.width, "SOURCE", "CACHED", "MACHINE", "CPUS", "MEMORY",
	    "DISK");
	for (i = 0; i < n; i++) {
		mem = str_size_short(list[i]->memory);
		disk = str_size_short(list[i]->disk_size);
		hw = xasprintf("%s/%s", vmdef_machine_name(list[i]->machine),
		    vmdef_firmware_name(list[i]->firmware));
		printf("%-*s  %-*s  %-*s  %-9s  %-*s  %-6s  %-15s %4d %6s "
		    "%6s\n", wname, list[i]->name, os.width, os.cell[i],
		    arch.width, arch.cell[i],
		    template_boot_name(list[i]->boot), src.width, src.cell[i],
		    list[i]->src[0].url == NULL ? "-" :
		    resolve_cached(lib, list[i]) ? "yes" : "no", hw,
		    list[i]->cpus, mem, disk);
		free(hw);
		free(mem);
		free(disk);
		free(os.cell[i]);
		free(src.cell[i]);
		free(arch.cell[i]);
	}
	free(os.cell);
	free(src.cell);
	free(arch.cell);
}

/* One source checked: its status word, and whether it failed. */
static const char *
cli_template_status(const struct template_source *s,
    const struct resolve_result *r, int rc)
{
	if (rc != 0)
		return ("failed");
	if (s->url == NULL)
		return ("none");
	if (r->note != NULL)
		return ("fallback");
	return (s->index != NULL ? "resolved" : "pinned");
}

static json_t *
cli_template_check_json(const struct template *t,
    const struct template_source *s, const struct resolve_result *r,
    const char *status, const char *cause)
{
	json_t	*j;

	j = json_object();
	json_object_set_new(j, "name", json_string(t->name));
	json_object_set_new(j, "arch", json_string(s->arch));
	json_object_set_new(j, "status", json_string(status));
	json_object_set_new(j, "ok", json_boolean(strcmp(status, "failed") !=
	    0 && strcmp(status, "fallback") != 0));
	json_object_set_new(j, "index", cli_template_str(s->index));
	json_object_set_new(j, "url", cli_template_str(r->url));
	json_object_set_new(j, "file", cli_template_str(r->name));
	json_object_set_new(j, "version", cli_template_str(r->version));
	json_object_set_new(j, "sha256", cli_template_str(r->sha256));
	json_object_set_new(j, "checksum_url",
	    cli_template_str(r->checksum_url));
	json_object_set_new(j, "note", cli_template_str(r->note));
	json_object_set_new(j, "error", cli_template_str(cause));
	return (j);
}

/*
 * vmdesk templates --check: every source of every template asked where
 * it is now. The number of sources that failed or fell back.
 */
static int
cli_template_check(const struct library *lib, struct template **list,
    size_t n, json_t *arr)
{
	struct template_source	 s;
	struct resolve_result	 r;
	const char		*st;
	char			*cause;
	size_t			 i, k;
	int			 rc, bad = 0;

	if (arr == NULL)
		printf("%-20s %-8s %-8s %-14s %s\n", "NAME", "ARCH", "STATUS",
		    "VERSION", "FILE");
	for (i = 0; i < n; i++) {
		for (k = 0; k < list[i]->narchs; k++) {
			template_source(list[i], list[i]->src[k].arch, &s);
			cause = NULL;
			rc = resolve_source(lib, &s, RESOLVE_CHECK, &r, &cause);
			st = cli_template_status(&s, &r, rc);
			bad += rc != 0 || r.note != NULL;
			if (arr != NULL)
				json_array_append_new(arr,
				    cli_template_check_json(list[i], &s, &r,
				    st, cause));
			else
				printf("%-20s %-8s %-8s %-14s %s\n",
				    list[i]->name, s.arch, st, r.version !=
				    NULL ? r.version : "-", cause != NULL ?
				    cause : r.note != NULL ? r.note :
				    r.name != NULL ? r.name : "-");
			free(cause);
			resolve_result_clear(&r);
		}
	}
	return (bad);
}

int
cli_template_list(struct cli *cli, int argc, char **argv)
{
	struct template	**list;
	struct strv	  dirs;
	json_t		 *arr;
	char		 *cause = NULL;
	size_t		  i, n;
	int		  json = 0, check = 0, c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "jc", cli_template_opts,
	    NULL)) != -1) {
		if (c == 'j')
			json = 1;
		else if (c == 'c')
			check = 1;
		else
			return (cli_usage("templates"));
	}
	if (optind != argc)
		return (cli_usage("templates"));
	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	strv_init(&dirs);
	template_dirs(cli->lib, &dirs);
	c = template_list(&dirs, &list, &n, &cause);
	strv_clear(&dirs);
	if (c != 0)
		return (cli_fail(cause));
	if (check) {
		arr = json ? json_array() : NULL;
		c = cli_template_check(cli->lib, list, n, arr);
		if (arr != NULL)
			cli_json_print(arr);
		template_list_free(list, n);
		return (c > 0 ? CLI_FAIL : CLI_OK);
	}
	if (json) {
		arr = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(arr, cli_template_json(cli->lib,
			    list[i]));
		cli_json_print(arr);
	} else if (n == 0)
		printf("No templates found.\n");
	else
		cli_template_table(cli->lib, list, n);
	template_list_free(list, n);
	return (CLI_OK);
}
