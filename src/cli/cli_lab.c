/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Labs as code (vmdesk-lab(5)): plan prints what up would do and exits 0
 * only when nothing differs; up, down, destroy and lab reset run the lab
 * engine (ops/lab.h) with a line per step; lab list shows the labs the
 * library records and their VMs' states.
 */
#include "config.h"

#include "cli/cli_lab.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_json.h"
#include "ops/lab.h"
#include "ops/vmctl.h"
#include "util/strv.h"
#include "util/xmalloc.h"

static void
cli_lab_progress(void *arg, const char *vm, const char *what)
{
	(void)arg;
	if (vm != NULL)
		printf("%s: %s\n", vm, what);
	else
		printf("%s\n", what);
	fflush(stdout);
}

/* --yes, beside the LAB_* flags. */
#define CLI_LAB_YES	0x100

/* The options of a lab command (allowed: their letters); *json --json. */
static int
cli_lab_opts(int argc, char **argv, const char *allowed, int *flags,
    int *json)
{
	static const struct option	opts[] = {
		{ "restart", no_argument, NULL, 'r' },
		{ "force", no_argument, NULL, 'f' },
		{ "yes", no_argument, NULL, 'y' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	int				c;

	optind = 1;
	opterr = 0;
	*flags = 0;
	*json = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == '?' || strchr(allowed, c) == NULL)
			return (-1);
		if (c == 'r')
			*flags |= LAB_RESTART;
		else if (c == 'f')
			*flags |= LAB_FORCE;
		else if (c == 'y')
			*flags |= CLI_LAB_YES;
		else
			*json = 1;
	}
	return (0);
}

static void
cli_lab_plan_vm(const struct lab_plan_vm *p)
{
	static const char	marks[] = " +~>";
	const struct lab_change	*ch;
	size_t			 i;

	printf("%c %-20s %s", marks[p->verb], p->vm->name,
	    lab_verb_name(p->verb));
	if (p->verb == LAB_CREATE)
		printf(" from %s", p->vm->template);
	if (p->verb == LAB_CHANGE && p->running && p->nchanges > 0)
		printf(" (runs: up --restart applies it)");
	else if (p->verb == LAB_CHANGE && !p->running)
		printf(", start");
	putchar('\n');
	for (i = 0; p->verb == LAB_CREATE && i < p->vm->nkeys; i++)
		printf("    %s = %s\n", p->vm->keys[i].key,
		    p->vm->keys[i].value);
	for (i = 0; p->verb == LAB_CREATE && i < p->vm->ndisks; i++)
		printf("    add disk %s\n", p->vm->disks[i].name);
	for (i = 0; i < p->nchanges; i++) {
		ch = &p->changes[i];
		printf("    %s: %s -> %s\n", ch->key, ch->from != NULL ?
		    ch->from : "(unset)", ch->to != NULL ? ch->to : "(unset)");
	}
	for (i = 0; i < p->disks.n; i++)
		printf("    add disk %s\n", p->disks.v[i]);
}

static json_t *
cli_lab_plan_json(const struct lab *lab, const struct lab_plan *plan)
{
	json_t	*o = json_object(), *vms = json_array(), *v, *chs;
	size_t	 i, j;

	json_object_set_new(o, "lab", json_string(lab->name));
	json_object_set_new(o, "file", json_string(lab->file));
	for (i = 0; i < plan->nvms; i++) {
		v = json_object();
		json_object_set_new(v, "name",
		    json_string(plan->vms[i].vm->name));
		json_object_set_new(v, "action",
		    json_string(lab_verb_name(plan->vms[i].verb)));
		chs = json_array();
		for (j = 0; j < plan->vms[i].nchanges; j++) {
			json_array_append_new(chs, json_pack("{s:s,s:s?,s:s?}",
			    "key", plan->vms[i].changes[j].key,
			    "from", plan->vms[i].changes[j].from,
			    "to", plan->vms[i].changes[j].to));
		}
		json_object_set_new(v, "changes", chs);
		json_array_append_new(vms, v);
	}
	json_object_set_new(o, "vms", vms);
	json_object_set_new(o, "actions",
	    json_integer((json_int_t)lab_plan_actions(plan)));
	return (o);
}

/* What of the host the lab's VMs get: to read before up. */
static void
cli_lab_host_access(const struct lab *lab)
{
	const struct lab_key	*k;
	const char		*what;
	size_t			 i, j;
	int			 header = 0;

	for (i = 0; i < lab->nvms; i++) {
		for (j = 0; j < lab->vms[i].nkeys; j++) {
			k = &lab->vms[i].keys[j];
			if ((what = labfile_host_access(k)) == NULL)
				continue;
			if (!header++)
				printf("The lab's VMs reach into this host:\n");
			printf("! %-20s %s = %s: %s\n", lab->vms[i].name,
			    k->key, k->value, what);
		}
	}
}

static void
cli_lab_plan_print(const struct lab *lab, const struct lab_plan *plan)
{
	size_t	i, n[4] = { 0, 0, 0, 0 };

	for (i = 0; i < plan->nvms; i++)
		n[plan->vms[i].verb]++;
	printf("Lab %s (%s): %zu to create, %zu to change, %zu to start, "
	    "%zu as declared.\n", lab->name, lab->file, n[LAB_CREATE],
	    n[LAB_CHANGE], n[LAB_START], n[LAB_NOTHING]);
	for (i = 0; i < plan->nvms; i++)
		cli_lab_plan_vm(&plan->vms[i]);
	for (i = 0; i < plan->strays.n; i++) {
		printf("? %-20s is lab %s's but not in the file: left alone "
		    "(vmdesk delete removes it)\n", plan->strays.v[i],
		    lab->name);
	}
	cli_lab_host_access(lab);
}

int
cli_plan(struct cli *cli, int argc, char **argv)
{
	struct lab_plan	 plan;
	struct lab	*lab;
	char		*cause = NULL;
	int		 flags, json, rc;

	if (cli_lab_opts(argc, argv, "j", &flags, &json) != 0 ||
	    optind != argc - 1)
		return (cli_usage("plan"));
	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	if ((lab = labfile_load(cli->lib, argv[optind], &cause)) == NULL)
		return (cli_fail(cause));
	if (lab_plan(cli->lib, lab, &plan, &cause) != 0) {
		labfile_free(lab);
		return (cli_fail(cause));
	}
	if (json)
		cli_json_print(cli_lab_plan_json(lab, &plan));
	else
		cli_lab_plan_print(lab, &plan);
	rc = lab_plan_actions(&plan) == 0 ? CLI_OK : CLI_LAB_CHANGES;
	lab_plan_clear(&plan);
	labfile_free(lab);
	return (rc);
}

/* Ask before destroy: 1 to go on. */
static int
cli_lab_confirm(const char *target)
{
	char	buf[16];

	if (!isatty(STDIN_FILENO)) {
		cli_error("destroy %s: give --yes (no terminal to ask on)",
		    target);
		return (0);
	}
	printf("Delete every VM of lab %s, with its disks and snapshots? "
	    "[y/N] ", target);
	fflush(stdout);
	if (fgets(buf, sizeof buf, stdin) == NULL)
		return (0);
	return (buf[0] == 'y' || buf[0] == 'Y');
}

static int
cli_lab_run(struct cli *cli, const char *target, enum lab_action act,
    int flags)
{
	struct lab_hooks	 hooks = { cli_lab_progress, NULL, flags };
	char			*cause = NULL;

	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	if (lab_run(cli->lib, target, act, &hooks, &cause) != 0)
		return (cli_fail(cause));
	return (CLI_OK);
}

int
cli_up(struct cli *cli, int argc, char **argv)
{
	int	flags, json;

	if (cli_lab_opts(argc, argv, "rf", &flags, &json) != 0 ||
	    optind != argc - 1)
		return (cli_usage("up"));
	return (cli_lab_run(cli, argv[optind], LAB_UP, flags));
}

int
cli_down(struct cli *cli, int argc, char **argv)
{
	int	flags, json;

	if (cli_lab_opts(argc, argv, "", &flags, &json) != 0 ||
	    optind != argc - 1)
		return (cli_usage("down"));
	return (cli_lab_run(cli, argv[optind], LAB_DOWN, 0));
}

int
cli_destroy(struct cli *cli, int argc, char **argv)
{
	int	flags, json;

	if (cli_lab_opts(argc, argv, "y", &flags, &json) != 0 ||
	    optind != argc - 1)
		return (cli_usage("destroy"));
	if (!(flags & CLI_LAB_YES) && !cli_lab_confirm(argv[optind]))
		return (CLI_FAIL);
	return (cli_lab_run(cli, argv[optind], LAB_DESTROY, 0));
}

/* One lab as JSON: name, file, baseline and its VMs with their states. */
static json_t *
cli_lab_json(struct cli *cli, const char *name)
{
	json_t		*o = json_object(), *vms = json_array();
	struct strv	 members;
	char		*file, *cause = NULL;
	size_t		 i;

	strv_init(&members);
	if (lab_members(cli->lib, name, &members, &cause) != 0)
		free(cause);
	cause = NULL;
	file = lab_file_of(cli->lib, name, &cause);
	free(cause);
	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "file", file != NULL ? json_string(file) :
	    json_null());
	for (i = 0; i < members.n; i++) {
		json_array_append_new(vms, json_pack("{s:s,s:s}", "name",
		    members.v[i], "state", vmctl_running(cli->lib,
		    members.v[i]) ? "running" : "stopped"));
	}
	json_object_set_new(o, "vms", vms);
	free(file);
	strv_clear(&members);
	return (o);
}

static void
cli_lab_print(json_t *lab)
{
	json_t	*vms = json_object_get(lab, "vms"), *v;
	size_t	 i, up = 0;

	json_array_foreach(vms, i, v)
		up += strcmp(json_string_value(json_object_get(v, "state")),
		    "running") == 0;
	printf("%-16s %zu/%zu running  %s\n", json_string_value(
	    json_object_get(lab, "name")), up, json_array_size(vms),
	    json_is_string(json_object_get(lab, "file")) ? json_string_value(
	    json_object_get(lab, "file")) : "(no file)");
	json_array_foreach(vms, i, v)
		printf("  %-20s %s\n", json_string_value(json_object_get(v,
		    "name")), json_string_value(json_object_get(v, "state")));
}

static int
cli_lab_list(struct cli *cli, int argc, char **argv)
{
	struct strv	 names;
	json_t		*all;
	char		*cause = NULL;
	size_t		 i;
	int		 flags, json;

	if (cli_lab_opts(argc, argv, "j", &flags, &json) != 0 ||
	    optind != argc)
		return (cli_usage("lab"));
	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	strv_init(&names);
	if (lab_names(cli->lib, &names, &cause) != 0)
		return (cli_fail(cause));
	all = json_array();
	for (i = 0; i < names.n; i++)
		json_array_append_new(all, cli_lab_json(cli, names.v[i]));
	if (json)
		cli_json_print(all);
	else {
		if (names.n == 0)
			printf("No labs yet: vmdesk up FILE brings one up "
			    "(see vmdesk-lab(5)).\n");
		for (i = 0; i < names.n; i++)
			cli_lab_print(json_array_get(all, i));
		json_decref(all);
	}
	strv_clear(&names);
	return (CLI_OK);
}

/* vmdesk lab list|plan|up|down|reset|destroy ... */
int
cli_lab(struct cli *cli, int argc, char **argv)
{
	static const struct {
		const char	*name;
		int		(*fn)(struct cli *, int, char **);
	} subs[] = {
		{ "list", cli_lab_list }, { "plan", cli_plan },
		{ "up", cli_up }, { "down", cli_down },
		{ "destroy", cli_destroy },
	};
	size_t	i;
	int	flags, json;

	if (argc < 2)
		return (cli_usage("lab"));
	if (strcmp(argv[1], "reset") == 0) {
		if (cli_lab_opts(argc - 1, argv + 1, "", &flags,
		    &json) != 0 || optind != argc - 2)
			return (cli_usage("lab"));
		return (cli_lab_run(cli, argv[2], LAB_RESET, 0));
	}
	for (i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		if (strcmp(argv[1], subs[i].name) == 0)
			return (subs[i].fn(cli, argc - 1, argv + 1));
	}
	return (cli_usage("lab"));
}
