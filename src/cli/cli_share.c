/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk share and vmdesk forward: shared folders and port forwards. */
#include "config.h"

#include "cli/cli_share.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/hwfwd.h"
#include "ops/hwshare.h"
#include "ops/vmctl.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* The options every share and forward subcommand may take. */
struct cli_share_opts {
	const char		*tag;
	const char		*nic;
	int			 readonly;
	int			 json;
	enum vm_share_mode	 mode;
	int			 bad;
};

struct cli_share_cmd {
	const char	*family;	/* "share" or "forward" */
	const char	*name;
	int		(*run)(struct cli *, char **,
			    const struct cli_share_opts *);
	int		 nargs;		/* operands after it */
	const char	*optstr;	/* the options it takes */
};

static int	cli_share_add(struct cli *, char **,
		    const struct cli_share_opts *);
static int	cli_share_remove(struct cli *, char **,
		    const struct cli_share_opts *);
static int	cli_share_list(struct cli *, char **,
		    const struct cli_share_opts *);
static int	cli_forward_add(struct cli *, char **,
		    const struct cli_share_opts *);
static int	cli_forward_remove(struct cli *, char **,
		    const struct cli_share_opts *);
static int	cli_forward_list(struct cli *, char **,
		    const struct cli_share_opts *);

static const struct cli_share_cmd cli_share_cmds[] = {
	{ "share", "add", cli_share_add, 2, "t:rm:" },
	{ "share", "remove", cli_share_remove, 2, "" },
	{ "share", "list", cli_share_list, 1, "j" },
	{ "forward", "add", cli_forward_add, 2, "n:" },
	{ "forward", "remove", cli_forward_remove, 2, "n:" },
	{ "forward", "list", cli_forward_list, 1, "j" },
};

static const struct option cli_share_longopts[] = {
	{ "tag", required_argument, NULL, 't' },
	{ "readonly", no_argument, NULL, 'r' },
	{ "mode", required_argument, NULL, 'm' },
	{ "nic", required_argument, NULL, 'n' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

/* The names of the share modes: those of the key table. */
static const char *const *
cli_share_modes(void)
{
	return (vmdef_key_find("share", "mode")->names);
}

static void
cli_share_flag(int c, const char *val, struct cli_share_opts *o)
{
	int	m;

	switch (c) {
	case 't':
		o->tag = val;
		break;
	case 'r':
		o->readonly = 1;
		break;
	case 'n':
		o->nic = val;
		break;
	case 'j':
		o->json = 1;
		break;
	case 'm':
		if ((m = str_choice(cli_share_modes(), val)) == -1) {
			cli_error("--mode takes auto, virtiofs or 9p");
			o->bad = 1;
		} else
			o->mode = (enum vm_share_mode)m;
		break;
	default:
		o->bad = 1;
	}
}

/* Find the subcommand, parse its options and run it. */
static int
cli_share_dispatch(struct cli *cli, const char *family, int argc,
    char **argv)
{
	const struct cli_share_cmd	*c = NULL;
	struct cli_share_opts		 o;
	size_t				 i;
	int				 ch;

	for (i = 0; argc >= 2 && i < sizeof cli_share_cmds /
	    sizeof cli_share_cmds[0]; i++) {
		if (strcmp(cli_share_cmds[i].family, family) == 0 &&
		    strcmp(cli_share_cmds[i].name, argv[1]) == 0)
			c = &cli_share_cmds[i];
	}
	if (c == NULL)
		return (cli_usage(family));
	memset(&o, 0, sizeof o);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc - 1, argv + 1, c->optstr,
	    cli_share_longopts, NULL)) != -1) {
		if (ch == '?' || ch == ':') {
			cli_error("%s %s: unknown or incomplete option '%s'",
			    family, c->name, argv[optind]);
			o.bad = 1;
		} else
			cli_share_flag(ch, optarg, &o);
	}
	if (o.bad || argc - 1 - optind != c->nargs)
		return (cli_usage(family));
	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	return (c->run(cli, argv + 1 + optind, &o));
}

int
cli_share(struct cli *cli, int argc, char **argv)
{
	return (cli_share_dispatch(cli, "share", argc, argv));
}

int
cli_forward(struct cli *cli, int argc, char **argv)
{
	return (cli_share_dispatch(cli, "forward", argc, argv));
}

/* Say that a change waits for the VM's next start, when it does. */
static void
cli_share_when(const char *vm, enum vmctl_when when)
{
	if (when == VMCTL_WHEN_RESTART)
		printf("VM %s is running: this takes effect at its next "
		    "start\n", vm);
}

static int
cli_share_add(struct cli *cli, char **av, const struct cli_share_opts *o)
{
	struct hwshare_add	 add;
	enum vmctl_when		 when;
	char			*share = NULL, *cause = NULL;

	memset(&add, 0, sizeof add);
	add.dir = av[1];
	add.tag = o->tag;
	add.readonly = o->readonly;
	add.mode = o->mode;
	if (hwshare_add(cli->lib, av[0], &add, &share, &when, &cause) != 0)
		return (cli_fail_vm(av[0], cause));
	printf("VM %s: shared %s as %s%s\n", av[0], av[1], share,
	    o->readonly ? " (read-only)" : "");
	cli_share_when(av[0], when);
	free(share);
	return (CLI_OK);
}

static int
cli_share_remove(struct cli *cli, char **av, const struct cli_share_opts *o)
{
	enum vmctl_when	 when;
	char		*cause = NULL;

	(void)o;
	if (hwshare_remove(cli->lib, av[0], av[1], &when, &cause) != 0)
		return (cli_fail_vm(av[0], cause));
	printf("VM %s: share %s removed\n", av[0], av[1]);
	cli_share_when(av[0], when);
	return (CLI_OK);
}

json_t *
cli_share_json(const struct vm_def *def, const struct vm_paths *p)
{
	struct hwshare_view	*v;
	json_t			*arr, *o;
	size_t			 i;

	arr = json_array();
	v = hwshare_views(def, p);
	for (i = 0; i < def->nshares; i++) {
		o = json_object();
		json_object_set_new(o, "name", json_string(v[i].share->name));
		vmdef_section_json("share", v[i].share, o);
		json_object_set_new(o, "tag",
		    json_string(vmdef_share_tag(v[i].share)));
		json_object_set_new(o, "using", v[i].mode == -1 ? json_null() :
		    json_string(cli_share_modes()[v[i].mode]));
		json_object_set_new(o, "why", v[i].why != NULL ?
		    json_string(v[i].why) : json_null());
		json_object_set_new(o, "mount", json_string(v[i].mount));
		json_object_set_new(o, "next_start",
		    json_boolean(v[i].pending));
		json_array_append_new(arr, o);
	}
	hwshare_views_free(v, def->nshares);
	return (arr);
}

void
cli_share_print(json_t *shares)
{
	json_t		*s, *why;
	const char	*using;
	size_t		 i;

	json_array_foreach(shares, i, s) {
		using = json_string_value(json_object_get(s, "using"));
		why = json_object_get(s, "why");
		printf("  share      %s: %s, tag %s, %s%s",
		    json_string_value(json_object_get(s, "name")),
		    json_string_value(json_object_get(s, "path")),
		    json_string_value(json_object_get(s, "tag")),
		    using != NULL ? using : "cannot start",
		    json_is_true(json_object_get(s, "readonly")) ?
		    ", read-only" : "");
		if (json_is_string(why))
			printf(" (%s%s)", using != NULL ? "" : "virtio-fs: ",
			    json_string_value(why));
		if (json_is_true(json_object_get(s, "next_start")))
			printf(", at the next start");
		printf("\n             in the guest: %s\n",
		    json_string_value(json_object_get(s, "mount")));
	}
}

static int
cli_share_list(struct cli *cli, char **av, const struct cli_share_opts *o)
{
	struct vm_def	*def;
	struct vm_paths	 p;
	json_t		*j;
	char		*cause = NULL;

	if ((def = library_load(cli->lib, av[0], &cause)) == NULL)
		return (cli_fail(cause));
	if (cli_paths(cli, av[0], &p) != CLI_OK) {
		vmdef_free(def);
		return (CLI_FAIL);
	}
	j = cli_share_json(def, &p);
	vm_paths_clear(&p);
	if (o->json)
		cli_json_print(j);
	else {
		if (json_array_size(j) == 0)
			printf("VM %s has no shared folders\n", av[0]);
		cli_share_print(j);
		json_decref(j);
	}
	vmdef_free(def);
	return (CLI_OK);
}

static int
cli_forward_add(struct cli *cli, char **av, const struct cli_share_opts *o)
{
	enum vmctl_when	 when;
	char		*nic = NULL, *cause = NULL;

	if (hwfwd_add(cli->lib, av[0], av[1], o->nic, &nic, &when,
	    &cause) != 0)
		return (cli_fail_vm(av[0], cause));
	printf("VM %s: forward %s added to NIC %s\n", av[0], av[1], nic);
	free(nic);
	return (CLI_OK);
}

static int
cli_forward_remove(struct cli *cli, char **av,
    const struct cli_share_opts *o)
{
	enum vmctl_when	 when;
	char		*cause = NULL;

	if (hwfwd_remove(cli->lib, av[0], av[1], o->nic, &when, &cause) != 0)
		return (cli_fail_vm(av[0], cause));
	printf("VM %s: forward %s removed\n", av[0], av[1]);
	return (CLI_OK);
}

static int
cli_forward_list(struct cli *cli, char **av, const struct cli_share_opts *o)
{
	const struct vm_forward	*f;
	struct vm_def		*def;
	json_t			*arr, *j;
	char			*cause = NULL;
	size_t			 i, k;

	if ((def = library_load(cli->lib, av[0], &cause)) == NULL)
		return (cli_fail(cause));
	arr = json_array();
	for (i = 0; i < def->nnics; i++) {
		for (k = 0; k < def->nics[i].nforwards; k++) {
			f = &def->nics[i].forwards[k];
			j = json_pack("{s:s,s:s,s:i,s:i}", "nic",
			    def->nics[i].name, "proto", f->udp ? "udp" : "tcp",
			    "host_port", f->host_port, "guest_port",
			    f->guest_port);
			json_array_append_new(arr, j);
			if (!o->json)
				printf("%s 127.0.0.1:%d -> guest %d (NIC %s)\n",
				    f->udp ? "udp" : "tcp", f->host_port,
				    f->guest_port, def->nics[i].name);
		}
	}
	if (o->json)
		cli_json_print(arr);
	else {
		if (json_array_size(arr) == 0)
			printf("VM %s forwards no ports (vmdesk forward add %s "
			    "tcp:HOSTPORT:GUESTPORT)\n", av[0], av[0]);
		json_decref(arr);
	}
	vmdef_free(def);
	return (CLI_OK);
}
