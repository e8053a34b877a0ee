/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmdesk autostart: start every stopped VM whose vm.conf says autostart =
 * yes, as a user's systemd unit or cron @reboot runs it (vmdesk(1) shows
 * both). One VM that fails does not keep the others from starting; the
 * exit status says whether any failed. They are checked together against
 * the host's memory first: none starts when they would overcommit it.
 */
#include "config.h"

#include "cli/cli_autostart.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli_vm.h"
#include "core/library.h"
#include "core/vmdef.h"
#include "ops/vmctl.h"
#include "util/strv.h"

/* Whether name is an autostart VM; -1 when its definition is broken. */
static int
cli_autostart_wanted(struct cli *cli, const char *name)
{
	struct vm_def	*def;
	char		*cause = NULL;
	int		 wanted;

	if ((def = library_load(cli->lib, name, &cause)) == NULL) {
		cli_error("%s", cause);
		free(cause);
		return (-1);
	}
	wanted = def->autostart;
	vmdef_free(def);
	return (wanted);
}

/* Whether name is a stopped autostart VM to start; -1 when broken. */
static int
cli_autostart_one(struct cli *cli, const char *name, int list_only)
{
	int	wanted = cli_autostart_wanted(cli, name);

	if (wanted <= 0)
		return (wanted);
	if (vmctl_running(cli->lib, name)) {
		printf("%s: already running\n", name);
		return (0);
	}
	if (list_only) {
		printf("%s: would start\n", name);
		return (0);
	}
	return (1);
}

/* Start them, after the host's check of them all together. */
static int
cli_autostart_start(struct cli *cli, const struct strv *names, int force)
{
	size_t	i;
	int	failed = 0;

	if (names->n == 0)
		return (0);
	if (cli_vm_host_check(cli, names, force) != CLI_OK)
		return ((int)names->n);
	for (i = 0; i < names->n; i++)
		failed += cli_vm_start_one(cli, names->v[i], 0) != CLI_OK;
	return (failed);
}

int
cli_autostart(struct cli *cli, int argc, char **argv)
{
	static const struct option	opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct strv			names, start;
	char				*cause = NULL;
	size_t				i;
	int				c, list_only = 0, force = 0, failed = 0;
	int				rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "lf", opts, NULL)) != -1) {
		if (c == 'l')
			list_only = 1;
		else if (c == 'f')
			force = 1;
		else
			return (cli_usage("autostart"));
	}
	if (optind != argc)
		return (cli_usage("autostart"));
	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	strv_init(&names);
	if (library_list(cli->lib, &names, &cause) != 0)
		return (cli_fail(cause));
	strv_init(&start);
	for (i = 0; i < names.n; i++) {
		if ((rc = cli_autostart_one(cli, names.v[i], list_only)) < 0)
			failed++;
		else if (rc > 0)
			strv_push(&start, names.v[i]);
	}
	failed += cli_autostart_start(cli, &start, force);
	strv_clear(&start);
	strv_clear(&names);
	if (failed > 0)
		cli_error("autostart: %d VM(s) did not start", failed);
	return (failed > 0 ? CLI_FAIL : CLI_OK);
}
