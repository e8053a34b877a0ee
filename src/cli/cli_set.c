/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmdesk set: change a stopped VM's hardware (CPUs, memory, display,
 * firmware, machine, TPM, VNC over TCP) from the command line, as the desktop's editor
 * does: locked, validated, and written atomically, or not at all.
 */
#include "config.h"

#include "cli/cli_set.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/vmdef.h"
#include "ops/vmctl.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

#define CLI_SET_LOCK_WAIT	30000

enum cli_set_kind {
	CLI_SET_CPUS,
	CLI_SET_MEMORY,
	CLI_SET_ENUM,
	CLI_SET_BOOL,
	CLI_SET_PORT
};

/* The keys that may be set; enum keys are vm.conf's. */
static const struct cli_set_key {
	const char		*key;
	enum cli_set_kind	 kind;
	size_t			 off;
} cli_set_keys[] = {
	{ "cpus", CLI_SET_CPUS, offsetof(struct vm_def, cpus) },
	{ "memory", CLI_SET_MEMORY, offsetof(struct vm_def, memory) },
	{ "display", CLI_SET_ENUM, offsetof(struct vm_def, display) },
	{ "firmware", CLI_SET_ENUM, offsetof(struct vm_def, firmware) },
	{ "machine", CLI_SET_ENUM, offsetof(struct vm_def, machine) },
	{ "tpm", CLI_SET_BOOL, offsetof(struct vm_def, tpm) },
	{ "vnc_tcp", CLI_SET_BOOL, offsetof(struct vm_def, vnc_tcp) },
	{ "vnc_port", CLI_SET_PORT, offsetof(struct vm_def, vnc_port) },
};

#define CLI_SET_NKEYS	(sizeof cli_set_keys / sizeof cli_set_keys[0])

struct cli_set_args {
	char	**pairs;	/* "key=value" */
	int	  npairs;
};

static int
cli_set_one(struct vm_def *def, const char *pair, char **cause)
{
	const struct cli_set_key	*k = NULL;
	const char			*eq, *value;
	char				*key;
	int				*ip;
	long				 l;
	size_t				 i;
	int				 rc = -1;

	if ((eq = strchr(pair, '=')) == NULL || eq == pair) {
		*cause = xasprintf("'%s' is not KEY=VALUE", pair);
		return (-1);
	}
	key = xstrndup(pair, (size_t)(eq - pair));
	value = eq + 1;
	for (i = 0; i < CLI_SET_NKEYS; i++) {
		if (strcmp(cli_set_keys[i].key, key) == 0)
			k = &cli_set_keys[i];
	}
	if (k == NULL) {
		*cause = xasprintf("'%s' cannot be set (cpus, memory, display, "
		    "firmware, machine, tpm, vnc_tcp, vnc_port can)", key);
		free(key);
		return (-1);
	}
	ip = (int *)((char *)def + k->off);
	switch (k->kind) {
	case CLI_SET_CPUS:
		if ((rc = str_to_long(value, 1, VMDEF_CPUS_MAX, &l,
		    cause)) == 0)
			*ip = (int)l;
		break;
	case CLI_SET_MEMORY:
		rc = str_to_size(value, 1ULL << 20, &def->memory, cause);
		break;
	case CLI_SET_ENUM:
		rc = vmdef_enum_value(key, value, ip, cause);
		break;
	case CLI_SET_BOOL:
		if (strcmp(value, "yes") == 0 || strcmp(value, "no") == 0) {
			*ip = strcmp(value, "yes") == 0;
			rc = 0;
		} else
			*cause = xasprintf("%s: '%s' is not yes or no", key,
			    value);
		break;
	case CLI_SET_PORT:
		/* 0 picks a free port at each start; vmdef_validate the rest. */
		if ((rc = str_to_long(value, 0, VMDEF_VNC_PORT_MAX, &l,
		    cause)) == 0)
			*ip = (int)l;
		break;
	}
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
			*cause = xasprintf("VM %s: %s: %s", def->name,
			    a->pairs[i], why);
			free(why);
			return (-1);
		}
	}
	if (def->memory < VMDEF_MEMORY_MIN || def->memory > VMDEF_MEMORY_MAX) {
		*cause = xasprintf("VM %s: memory must be between 16M and 1T",
		    def->name);
		return (-1);
	}
	return (0);
}

int
cli_set(struct cli *cli, int argc, char **argv)
{
	struct cli_set_args	 a;
	char			*cause = NULL;

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
