/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk templates: the OS catalogue, as a table or as JSON. */
#include "config.h"

#include "cli/cli_template.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "images/imgcache.h"
#include "images/template.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

static const struct option cli_template_opts[] = {
	{ "json", no_argument, NULL, 'j' },
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

static json_t *
cli_template_json(const struct library *lib, const struct template *t)
{
	json_t	*j;
	char	*host;

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
	    json_boolean(imgcache_lookup(lib, t)) : json_null());
	json_object_set_new(j, "cloud_init", json_boolean(t->cloud_init));
	json_object_set_new(j, "user", cli_template_str(t->user));
	json_object_set_new(j, "arch", json_string(t->arch));
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
	struct cli_template_col	 os, src;
	char			*mem, *disk, *hw;
	int			 wname = 4, w;
	size_t			 i;

	os.cell = xreallocarray(NULL, n, sizeof *os.cell);
	src.cell = xreallocarray(NULL, n, sizeof *src.cell);
	os.width = 2;
	src.width = 6;
	for (i = 0; i < n; i++) {
		if ((w = (int)strlen(list[i]->name)) > wname)
			wname = w;
		os.cell[i] = cli_template_os(list[i]);
		if ((w = (int)strlen(os.cell[i])) > os.width)
			os.width = w;
		src.cell[i] = cli_template_source(list[i]);
		if ((w = (int)strlen(src.cell[i])) > src.width)
			src.width = w;
	}
	printf("%-*s  %-*s  %-9s  %-*s  %-6s  %-15s %4s %6s %6s\n", wname,
	    "NAME", os.width, "OS", "BOOT", src.width, "SOURCE", "CACHED",
	    "MACHINE", "CPUS", "MEMORY", "DISK");
	for (i = 0; i < n; i++) {
		mem = str_size_short(list[i]->memory);
		disk = str_size_short(list[i]->disk_size);
		hw = xasprintf("%s/%s", vmdef_machine_name(list[i]->machine),
		    vmdef_firmware_name(list[i]->firmware));
		printf("%-*s  %-*s  %-9s  %-*s  %-6s  %-15s %4d %6s %6s\n",
		    wname, list[i]->name, os.width, os.cell[i],
		    template_boot_name(list[i]->boot), src.width, src.cell[i],
		    list[i]->src[0].url == NULL ? "-" : imgcache_lookup(lib, list[i]) ?
		    "yes" : "no", hw, list[i]->cpus, mem, disk);
		free(hw);
		free(mem);
		free(disk);
		free(os.cell[i]);
		free(src.cell[i]);
	}
	free(os.cell);
	free(src.cell);
}

int
cli_template_list(struct cli *cli, int argc, char **argv)
{
	struct template	**list;
	struct strv	  dirs;
	json_t		 *arr;
	char		 *cause = NULL;
	size_t		  i, n;
	int		  json = 0, c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "j", cli_template_opts,
	    NULL)) != -1) {
		if (c != 'j')
			return (cli_usage("templates"));
		json = 1;
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
