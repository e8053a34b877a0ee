/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk usb: add, remove and list a VM's USB devices. */
#include "config.h"

#include "cli/cli_usb.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_nic.h"
#include "ops/hwusb.h"
#include "util/xmalloc.h"

static const struct option cli_usb_opts[] = {
	{ "file", required_argument, NULL, 'f' },
	{ "host", required_argument, NULL, 'H' },
	{ "readonly", no_argument, NULL, 'r' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

/* Options into o and *json; the first operand's index, or -1. */
static int
cli_usb_args(int argc, char **argv, int nargs, struct hwusb_opts *o,
    int *json)
{
	int	ch;

	memset(o, 0, sizeof *o);
	*json = 0;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", cli_usb_opts, NULL)) != -1) {
		if (ch == 'f')
			o->file = optarg;
		else if (ch == 'H')
			o->host = optarg;
		else if (ch == 'r')
			o->readonly = 1;
		else if (ch == 'j')
			*json = 1;
		else {
			cli_error("usb %s: unknown or incomplete option '%s'",
			    argv[0], argv[optind - 1]);
			return (-1);
		}
	}
	return (argc - optind == nargs ? optind : -1);
}

json_t *
cli_usb_json(const struct vm_def *def)
{
	const struct vm_usb	*u;
	json_t			*arr, *d;
	size_t			 i;

	arr = json_array();
	for (i = 0; i < def->nusbs; i++) {
		u = &def->usbs[i];
		d = json_object();
		json_object_set_new(d, "name", json_string(u->name));
		vmdef_section_json("usb", u, d);
		json_array_append_new(arr, d);
	}
	return (arr);
}

char *
cli_usb_describe(const json_t *u)
{
	const json_t	*f = json_object_get(u, "file");

	if (!json_is_string(f))
		return (xasprintf("host device %s", json_string_value(
		    json_object_get(u, "host"))));
	return (xasprintf("stick %s%s", json_string_value(f),
	    json_is_true(json_object_get(u, "readonly")) ? " (read-only)" :
	    ""));
}

static int
cli_usb_add(struct cli *cli, int argc, char **argv)
{
	struct hwusb_opts	 o;
	enum vmctl_when		 when;
	char			*added, *cause = NULL;
	int			 i, json;

	if ((i = cli_usb_args(argc, argv, 1, &o, &json)) < 0 || json ||
	    (o.file == NULL) == (o.host == NULL))
		return (cli_usage("usb"));
	if (hwusb_add(cli->lib, argv[i], &o, &added, &when, &cause) != 0)
		return (cli_fail(cause));
	printf("Added USB device %s to VM %s.\n", added, argv[i]);
	cli_nic_when(argv[i], when);
	free(added);
	return (CLI_OK);
}

static int
cli_usb_remove(struct cli *cli, int argc, char **argv)
{
	struct hwusb_opts	 o;
	enum vmctl_when		 when;
	char			*cause = NULL;
	int			 i, json;

	if ((i = cli_usb_args(argc, argv, 2, &o, &json)) < 0 || json ||
	    o.file != NULL || o.host != NULL)
		return (cli_usage("usb"));
	if (hwusb_remove(cli->lib, argv[i], argv[i + 1], &when, &cause) != 0)
		return (cli_fail(cause));
	printf("Removed USB device %s from VM %s.\n", argv[i + 1], argv[i]);
	cli_nic_when(argv[i], when);
	return (CLI_OK);
}

static int
cli_usb_list(struct cli *cli, int argc, char **argv)
{
	struct hwusb_opts	 o;
	struct vm_def		*def;
	json_t			*arr, *u;
	char			*cause = NULL, *s;
	int			 i, json;
	size_t			 k;

	if ((i = cli_usb_args(argc, argv, 1, &o, &json)) < 0)
		return (cli_usage("usb"));
	if ((def = library_load(cli->lib, argv[i], &cause)) == NULL)
		return (cli_fail(cause));
	arr = cli_usb_json(def);
	vmdef_free(def);
	if (json) {
		cli_json_print(arr);
		return (CLI_OK);
	}
	if (json_array_size(arr) == 0)
		printf("VM %s has no USB devices (vmdesk usb add %s --file "
		    "IMAGE, or --host VENDOR:PRODUCT)\n", argv[i], argv[i]);
	json_array_foreach(arr, k, u) {
		s = cli_usb_describe(u);
		printf("%-10s %s\n", json_string_value(json_object_get(u,
		    "name")), s);
		free(s);
	}
	json_decref(arr);
	return (CLI_OK);
}

int
cli_usb(struct cli *cli, int argc, char **argv)
{
	static const struct {
		const char	*name;
		int		(*run)(struct cli *, int, char **);
	} cmds[] = {
		{ "add", cli_usb_add },
		{ "remove", cli_usb_remove },
		{ "list", cli_usb_list },
	};
	size_t	i;

	if (cli_want_help("usb", argc, argv))
		return (CLI_OK);
	if (argc < 2)
		return (cli_usage("usb"));
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		if (strcmp(cmds[i].name, argv[1]) != 0)
			continue;
		if (cli_library(cli) == NULL)
			return (CLI_FAIL);
		return (cmds[i].run(cli, argc - 1, argv + 1));
	}
	cli_error("usb: no subcommand '%s'", argv[1]);
	return (cli_usage("usb"));
}
