/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmdesk set: change a stopped VM's keys from the command line, as the
 * desktop's editor does: any key of vm.conf's table that may be set,
 * locked, validated and written atomically, or not at all. --keys lists
 * the table.
 */
#include "config.h"

#include "cli/cli_set.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/vmdef.h"
#include "ops/vmctl.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

#define CLI_SET_LOCK_WAIT	30000

struct cli_set_args {
	char	**pairs;	/* "key=value" */
	int	  npairs;
};

static int
cli_set_one(struct vm_def *def, const char *pair, char **cause)
{
	const char	*eq;
	char		*key;
	int		 rc;

	if ((eq = strchr(pair, '=')) == NULL || eq == pair) {
		*cause = xasprintf("'%s' is not KEY=VALUE", pair);
		return (-1);
	}
	key = xstrndup(pair, (size_t)(eq - pair));
	rc = vmdef_assign(def, key, eq + 1, VMDEF_KEY_SET, cause);
	free(key);
	return (rc);
}

/* The vmctl_update() callback: every pair, or none. */
static int
cli_set_apply(struct vm_def *def, void *arg, char **cause)
{
	struct cli_set_args	*a = arg;
	char			*why = NULL;
	int			 i;

	for (i = 0; i < a->npairs; i++) {
		if (cli_set_one(def, a->pairs[i], &why) != 0) {
			*cause = xasprintf("VM %s: %s", def->name, why);
			free(why);
			return (-1);
		}
	}
	return (0);
}

/* A key's name as vmdesk set takes it: "cpus", "boot.iso", "disk.NAME.bus". */
static char *
cli_set_path(const struct vmdef_key *k)
{
	if (strcmp(k->section, "vm") == 0)
		return (xstrdup(k->key));
	if (strcmp(k->section, "boot") == 0)
		return (xasprintf("boot.%s", k->key));
	return (xasprintf("%s.NAME.%s", k->section, k->key));
}

static json_t *
cli_set_key_json(const struct vmdef_key *k)
{
	json_t	*j, *names;
	char	*path = cli_set_path(k);
	size_t	 i;

	j = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:s}", "key", path,
	    "section", k->section, "name", k->key, "kind",
	    vmdef_kind_name(k->kind), "settable", !!(k->flags & VMDEF_KEY_SET),
	    "template", !!(k->flags & VMDEF_KEY_TEMPLATE), "list",
	    !!(k->flags & VMDEF_KEY_LIST), "applies",
	    k->flags & VMDEF_KEY_LIVE ? "live" : "next-start");
	free(path);
	json_object_set_new(j, "default", k->def != NULL ?
	    json_string(k->def) : json_null());
	if (k->kind == VMDEF_INT || k->kind == VMDEF_SIZE) {
		json_object_set_new(j, "min", json_integer(k->min));
		json_object_set_new(j, "max", json_integer(k->max));
	}
	if (k->names != NULL) {
		names = json_array();
		for (i = 0; k->names[i] != NULL; i++)
			json_array_append_new(names, json_string(k->names[i]));
		json_object_set_new(j, "values", names);
	}
	json_object_set_new(j, "help", json_string(k->help));
	return (j);
}

static char *
cli_set_size_range(const struct vmdef_key *k)
{
	char	*lo, *hi, *r;

	lo = str_size_exact((uint64_t)k->min);
	hi = str_size_exact((uint64_t)k->max);
	r = xasprintf("%s-%s", lo, hi);
	free(lo);
	free(hi);
	return (r);
}

/* What a key takes, in a few words: "1-64", "yes|no", "size". */
static char *
cli_set_takes(const struct vmdef_key *k)
{
	char	*buf = NULL;
	size_t	 len = 0, cap = 0, i;

	if (k->names != NULL) {
		for (i = 0; k->names[i] != NULL; i++)
			str_appendf(&buf, &len, &cap, "%s%s", i ? "|" : "",
			    k->names[i]);
		return (buf);
	}
	if (k->kind == VMDEF_INT)
		return (xasprintf("%lld-%lld", k->min, k->max));
	if (k->kind == VMDEF_SIZE)
		return (cli_set_size_range(k));
	return (xstrdup(vmdef_kind_name(k->kind)));
}

/* vmdesk set --keys [--json]: every key of vm.conf. */
static int
cli_set_keys(int json)
{
	const struct vmdef_key	*keys;
	json_t			*arr;
	char			*path, *takes;
	size_t			 n, i;

	keys = vmdef_keys(&n);
	if (json) {
		arr = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(arr, cli_set_key_json(&keys[i]));
		cli_json_print(json_pack("{s:i, s:o}", "version", 1, "keys",
		    arr));
		return (CLI_OK);
	}
	printf("%-18s %-3s %-25s %-8s %s\n", "KEY", "SET", "TAKES", "DEFAULT",
	    "WHAT");
	for (i = 0; i < n; i++) {
		path = cli_set_path(&keys[i]);
		takes = cli_set_takes(&keys[i]);
		printf("%-18s %-3s %-25s %-8s %s\n", path,
		    keys[i].flags & VMDEF_KEY_SET ? "yes" : "no", takes,
		    keys[i].def != NULL ? keys[i].def : "-", keys[i].help);
		free(takes);
		free(path);
	}
	return (CLI_OK);
}

int
cli_set(struct cli *cli, int argc, char **argv)
{
	struct cli_set_args	 a;
	char			*cause = NULL;

	if (argc >= 2 && strcmp(argv[1], "--keys") == 0) {
		if (argc > 3 || (argc == 3 && strcmp(argv[2], "--json") != 0))
			return (cli_usage("set"));
		return (cli_set_keys(argc == 3));
	}
	if (argc < 3)
		return (cli_usage("set"));
	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	a.pairs = argv + 2;
	a.npairs = argc - 2;
	if (vmctl_update(cli->lib, argv[1], CLI_SET_LOCK_WAIT, cli_set_apply,
	    &a, &cause) != 0)
		return (cli_fail(cause));	/* it names the VM */
	printf("VM %s changed; it takes effect at its next start.\n", argv[1]);
	return (CLI_OK);
}
