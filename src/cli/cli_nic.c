/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk nic: add, remove, set and list a VM's network cards. */
#include "config.h"

#include "cli/cli_nic.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/hwnet.h"
#include "util/strutil.h"

struct cli_nic_cmd {
	const char	*name;
	int		(*run)(struct cli *, int, char **);
	int		 nargs;		/* operands after it */
};

static int	cli_nic_add(struct cli *, int, char **);
static int	cli_nic_remove(struct cli *, int, char **);
static int	cli_nic_set(struct cli *, int, char **);
static int	cli_nic_list(struct cli *, int, char **);

static const struct cli_nic_cmd cli_nic_cmds[] = {
	{ "add", cli_nic_add, 1 },
	{ "remove", cli_nic_remove, 2 },
	{ "set", cli_nic_set, 2 },
	{ "list", cli_nic_list, 1 },
};

static const struct option cli_nic_opts[] = {
	{ "model", required_argument, NULL, 'm' },
	{ "net", required_argument, NULL, 'n' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

/* The model names, as vm.conf spells them. */
static const char *const cli_nic_models[] = {
	"virtio", "e1000", "rtl8139", NULL
};

void
cli_nic_when(const char *name, enum vmctl_when when)
{
	if (when == VMCTL_WHEN_RESTART)
		printf("VM %s is running: the change takes effect at its next "
		    "start.\n", name);
}

/*
 * Options of a subcommand into o (and *json); the index of its first
 * operand, or -1 after a usage error.
 */
static int
cli_nic_args(int argc, char **argv, int nargs, struct hwnet_opts *o,
    int *json)
{
	int	ch;

	o->model = -1;
	o->net = NULL;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", cli_nic_opts, NULL)) != -1) {
		if (ch == 'm') {
			if ((o->model = str_choice(cli_nic_models, optarg)) >=
			    0)
				continue;
			cli_error("nic: no model '%s' (virtio, e1000, rtl8139)",
			    optarg);
			return (-1);
		}
		if (ch == 'n')
			o->net = optarg;
		else if (ch == 'j' && json != NULL)
			*json = 1;
		else {
			cli_error("nic %s: unknown or incomplete option '%s'",
			    argv[0], argv[optind - 1]);
			return (-1);
		}
	}
	return (argc - optind == nargs ? optind : -1);
}

static int
cli_nic_add(struct cli *cli, int argc, char **argv)
{
	struct hwnet_opts	 o;
	enum vmctl_when		 when;
	char			*added, *cause = NULL;
	int			 i;

	if ((i = cli_nic_args(argc, argv, 1, &o, NULL)) < 0)
		return (cli_usage("nic"));
	if (hwnet_add(cli->lib, argv[i], &o, &added, &when, &cause) != 0)
		return (cli_fail(cause));
	printf("Added NIC %s to VM %s.\n", added, argv[i]);
	cli_nic_when(argv[i], when);
	free(added);
	return (CLI_OK);
}

static int
cli_nic_remove(struct cli *cli, int argc, char **argv)
{
	struct hwnet_opts	 o;
	enum vmctl_when		 when;
	char			*cause = NULL;
	int			 i;

	if ((i = cli_nic_args(argc, argv, 2, &o, NULL)) < 0 || o.net != NULL ||
	    o.model >= 0)
		return (cli_usage("nic"));
	if (hwnet_remove(cli->lib, argv[i], argv[i + 1], &when, &cause) != 0)
		return (cli_fail(cause));
	printf("Removed NIC %s from VM %s.\n", argv[i + 1], argv[i]);
	cli_nic_when(argv[i], when);
	return (CLI_OK);
}

static int
cli_nic_set(struct cli *cli, int argc, char **argv)
{
	struct hwnet_opts	 o;
	enum vmctl_when		 when;
	char			*cause = NULL;
	int			 i;

	if ((i = cli_nic_args(argc, argv, 2, &o, NULL)) < 0 ||
	    (o.net == NULL && o.model < 0))
		return (cli_usage("nic"));
	if (hwnet_set(cli->lib, argv[i], argv[i + 1], &o, &when, &cause) != 0)
		return (cli_fail(cause));
	printf("Changed NIC %s of VM %s.\n", argv[i + 1], argv[i]);
	cli_nic_when(argv[i], when);
	return (CLI_OK);
}

static json_t *
cli_nic_json(const struct vm_nic *n)
{
	char	*desc = hwnet_describe(n);
	json_t	*j;

	j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", n->name, "model",
	    vmdef_nic_name(n->model), "mac", n->mac, "net", n->net,
	    "network", desc);
	free(desc);
	return (j);
}

static int
cli_nic_list(struct cli *cli, int argc, char **argv)
{
	struct hwnet_opts	 o;
	struct vm_def		*def;
	json_t			*arr, *n;
	char			*cause = NULL;
	int			 i, json = 0;
	size_t			 k;

	if ((i = cli_nic_args(argc, argv, 1, &o, &json)) < 0)
		return (cli_usage("nic"));
	if ((def = library_load(cli->lib, argv[i], &cause)) == NULL)
		return (cli_fail(cause));
	arr = json_array();
	for (k = 0; k < def->nnics; k++)
		json_array_append_new(arr, cli_nic_json(&def->nics[k]));
	vmdef_free(def);
	if (json) {
		cli_json_print(arr);
		return (CLI_OK);
	}
	json_array_foreach(arr, k, n) {
		printf("%-10s %-8s %s  %s\n",
		    json_string_value(json_object_get(n, "name")),
		    json_string_value(json_object_get(n, "model")),
		    json_string_value(json_object_get(n, "mac")),
		    json_string_value(json_object_get(n, "network")));
	}
	json_decref(arr);
	return (CLI_OK);
}

int
cli_nic(struct cli *cli, int argc, char **argv)
{
	size_t	i;

	if (cli_want_help("nic", argc, argv))
		return (CLI_OK);
	if (argc < 2)
		return (cli_usage("nic"));
	for (i = 0; i < sizeof cli_nic_cmds / sizeof cli_nic_cmds[0]; i++) {
		if (strcmp(cli_nic_cmds[i].name, argv[1]) != 0)
			continue;
		if (cli_library(cli) == NULL)
			return (CLI_FAIL);
		return (cli_nic_cmds[i].run(cli, argc - 1, argv + 1));
	}
	cli_error("nic: no subcommand '%s'", argv[1]);
	return (cli_usage("nic"));
}
