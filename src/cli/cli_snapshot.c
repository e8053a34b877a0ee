/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk snapshot: create, list, tree, revert, delete, rename, note. */
#include "config.h"

#include "cli/cli_snapshot.h"

#include <getopt.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/snapshot.h"
#include "core/snaptree.h"
#include "util/strutil.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

/* How long a command waits for another vmdesk working on the VM. */
#define CLI_SNAPSHOT_LOCK_WAIT	30000

struct cli_snapshot_cmd {
	const char	*name;
	int		(*run)(struct cli *, int, char **);
	int		 nargs;		/* operands after the subcommand */
	const char	*usage;
};

static int	cli_snapshot_create(struct cli *, int, char **);
static int	cli_snapshot_list(struct cli *, int, char **);
static int	cli_snapshot_tree(struct cli *, int, char **);
static int	cli_snapshot_revert(struct cli *, int, char **);
static int	cli_snapshot_delete(struct cli *, int, char **);
static int	cli_snapshot_rename(struct cli *, int, char **);
static int	cli_snapshot_note(struct cli *, int, char **);

static const struct cli_snapshot_cmd cli_snapshot_cmds[] = {
	{ "create", cli_snapshot_create, 2,
	  "NAME SNAP [--note TEXT] [--disk-only]" },
	{ "list", cli_snapshot_list, 1, "NAME [--json]" },
	{ "tree", cli_snapshot_tree, 1, "NAME" },
	{ "revert", cli_snapshot_revert, 2, "NAME SNAP" },
	{ "delete", cli_snapshot_delete, 2, "NAME SNAP" },
	{ "rename", cli_snapshot_rename, 3, "NAME SNAP NEWNAME" },
	{ "note", cli_snapshot_note, 3, "NAME SNAP TEXT" },
};

#define CLI_SNAPSHOT_NCMDS \
	(sizeof cli_snapshot_cmds / sizeof cli_snapshot_cmds[0])

static const struct cli_snapshot_cmd *
cli_snapshot_find(const char *name)
{
	size_t	i;

	for (i = 0; i < CLI_SNAPSHOT_NCMDS; i++) {
		if (strcmp(cli_snapshot_cmds[i].name, name) == 0)
			return (&cli_snapshot_cmds[i]);
	}
	return (NULL);
}

static int
cli_snapshot_usage(const char *sub)
{
	const struct cli_snapshot_cmd	*c;

	if (sub != NULL && (c = cli_snapshot_find(sub)) != NULL) {
		fprintf(stderr, "usage: vmdesk snapshot %s %s\n", c->name,
		    c->usage);
		return (CLI_USAGE);
	}
	return (cli_usage("snapshot"));
}

/*
 * Parse a subcommand's operands and options: argv[0] is the subcommand.
 * Returns the index of the first operand, or -1 after a usage error.
 */
static int
cli_snapshot_args(const char *sub, int argc, char **argv, const char *optstr,
    const struct option *opts, int (*flag)(int, const char *, void *),
    void *arg)
{
	const struct cli_snapshot_cmd	*c = cli_snapshot_find(sub);
	int				 ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, optstr, opts, NULL)) != -1) {
		if (ch == '?' || ch == ':' || flag == NULL ||
		    flag(ch, optarg, arg) != 0) {
			if (ch == '?' || ch == ':')
				cli_error("snapshot %s: unknown or incomplete "
				    "option '%s'", sub, argv[optind - 1]);
			cli_snapshot_usage(sub);
			return (-1);
		}
	}
	if (argc - optind != c->nargs) {
		cli_snapshot_usage(sub);
		return (-1);
	}
	return (optind);
}

/*
 * Open the VM (only to look at it when view), saying what reconcile
 * found. NULL after printing why.
 */
static struct snapshot_vm *
cli_snapshot_open_as(struct cli *cli, const char *name, int view)
{
	struct snapshot_vm	*sv;
	char			*cause = NULL;
	size_t			 i;

	if (cli_library(cli) == NULL)
		return (NULL);
	if ((sv = (view ? snapshot_view : snapshot_open)(cli->lib, name,
	    CLI_SNAPSHOT_LOCK_WAIT, &cause)) == NULL) {
		cli_fail(cause);
		return (NULL);
	}
	for (i = 0; i < sv->def->warnings.n; i++)
		cli_error("warning: %s", sv->def->warnings.v[i]);
	for (i = 0; i < sv->notes.n; i++)
		cli_error("VM %s: %s", name, sv->notes.v[i]);
	return (sv);
}

static struct snapshot_vm *
cli_snapshot_open(struct cli *cli, const char *name)
{
	return (cli_snapshot_open_as(cli, name, 0));
}

/* "2026-11-22 13:40:01" in local time. Caller frees. */
static char *
cli_snapshot_time(uint64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;
	char		buf[64];

	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		return (xasprintf("%llu", (unsigned long long)t));
	return (xstrdup(buf));
}

/* ---- create ---------------------------------------------------------------- */

struct cli_create_args {
	const char	*note;
	int		 disk_only;
};

static int
cli_snapshot_create_flag(int c, const char *val, void *arg)
{
	struct cli_create_args	*a = arg;

	if (c == 'n')
		a->note = val;
	else if (c == 'd')
		a->disk_only = 1;
	else
		return (-1);
	return (0);
}

static int
cli_snapshot_create(struct cli *cli, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "note", required_argument, NULL, 'n' },
		{ "disk-only", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_create_args		 a;
	struct snapshot_vm		*sv;
	struct snap_node		*n;
	const char			*name, *snap;
	char				*cause = NULL;
	uint64_t			 t0;
	int				 i, rc;

	memset(&a, 0, sizeof a);
	if ((i = cli_snapshot_args("create", argc, argv, "n:d", opts,
	    cli_snapshot_create_flag, &a)) == -1)
		return (CLI_USAGE);
	name = argv[i];
	snap = argv[i + 1];
	if ((sv = cli_snapshot_open(cli, name)) == NULL)
		return (CLI_FAIL);
	t0 = time_mono_ms();
	if (snapshot_create(sv, snap, a.note, a.disk_only, &cause) != 0) {
		rc = cli_fail(cause);
		snapshot_close(sv);
		return (rc);
	}
	n = snaptree_find(sv->tree, snap);
	printf("Took %s snapshot %s of VM %s (%s, %zu disk%s, %.2f s).\n",
	    n->kind == SNAP_KIND_LIVE ? "live" : "disk-only", snap, name,
	    n->kind == SNAP_KIND_LIVE ? "RAM and disks" : vmstate_is_alive(
	    sv->state) ? "disks, while it runs" : "disks", sv->ndisks,
	    sv->ndisks == 1 ? "" : "s", (time_mono_ms() - t0) / 1000.0);
	snapshot_close(sv);
	return (CLI_OK);
}

/* ---- list and tree --------------------------------------------------------- */

static json_t *
cli_snapshot_json(const struct snapshot_vm *sv, const struct snap_node *n)
{
	const struct snap_node	*p;
	json_t			*j;
	struct tm		 tm;
	time_t			 tt = (time_t)n->time;
	char			 buf[64];

	p = snaptree_node(sv->tree, n->parent);
	j = json_object();
	json_object_set_new(j, "id", json_integer(n->id));
	json_object_set_new(j, "name", json_string(n->name));
	json_object_set_new(j, "parent", p != NULL ? json_integer(p->id) :
	    json_null());
	json_object_set_new(j, "parent_name", p != NULL ?
	    json_string(p->name) : json_null());
	json_object_set_new(j, "kind", json_string(snaptree_kind_name(
	    n->kind)));
	json_object_set_new(j, "time", json_integer((json_int_t)n->time));
	if (gmtime_r(&tt, &tm) != NULL &&
	    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
		json_object_set_new(j, "created", json_string(buf));
	json_object_set_new(j, "current", json_boolean(sv->tree->current ==
	    n->id));
	json_object_set_new(j, "status", json_string(
	    snaptree_status_name(n)));
	json_object_set_new(j, "tag", json_string(n->tag));
	json_object_set_new(j, "disks", json_integer((json_int_t)n->holders));
	json_object_set_new(j, "note", n->note != NULL ?
	    json_string(n->note) : json_null());
	return (j);
}

static int
cli_json_flag(int c, const char *val, void *arg)
{
	if (c != 'j')
		return (-1);
	*(int *)arg = 1;
	return (0);
}

static int
cli_snapshot_list(struct cli *cli, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct snapshot_vm		*sv;
	const struct snap_node		*n, *p;
	json_t				*arr;
	unsigned			*ids;
	char				*when;
	size_t				 i, count;
	int				 json = 0, k;

	if ((k = cli_snapshot_args("list", argc, argv, "j", opts,
	    cli_json_flag, &json)) == -1)
		return (CLI_USAGE);
	if ((sv = cli_snapshot_open_as(cli, argv[k], 1)) == NULL)
		return (CLI_FAIL);
	count = snaptree_order(sv->tree, &ids, NULL);
	if (json) {
		arr = json_array();
		for (i = 0; i < count; i++)
			json_array_append_new(arr, cli_snapshot_json(sv,
			    snaptree_node(sv->tree, ids[i])));
		cli_json_print(arr);
	} else if (count == 0) {
		printf("VM %s has no snapshots (vmdesk snapshot create %s "
		    "NAME takes one).\n", sv->name, sv->name);
	} else {
		printf("  %4s %-20s %-20s %-4s %-19s %-8s %s\n", "ID", "NAME",
		    "PARENT", "KIND", "CREATED", "STATUS", "NOTE");
		for (i = 0; i < count; i++) {
			n = snaptree_node(sv->tree, ids[i]);
			p = snaptree_node(sv->tree, n->parent);
			when = cli_snapshot_time(n->time);
			printf("%c %4u %-20s %-20s %-4s %-19s %-8s %s\n",
			    sv->tree->current == n->id ? '*' : ' ', n->id,
			    n->name, p != NULL ? p->name : "-",
			    snaptree_kind_name(n->kind), when,
			    snaptree_status_name(n), n->note != NULL ?
			    n->note : "");
			free(when);
		}
	}
	free(ids);
	snapshot_close(sv);
	return (CLI_OK);
}

/* Box characters when the terminal speaks UTF-8, else ASCII. */
struct cli_boxes {
	const char	*tee, *elbow, *pipe, *blank, *here;
};

static void
cli_snapshot_draw(const struct snapshot_vm *sv, const struct cli_boxes *b,
    unsigned parent, const char *prefix)
{
	const struct snap_node	*n;
	unsigned		*kids;
	char			*when, *next;
	size_t			 i, nk;
	int			 last;

	nk = snaptree_children(sv->tree, parent, &kids);
	for (i = 0; i < nk; i++) {
		n = snaptree_node(sv->tree, kids[i]);
		last = i == nk - 1;
		when = cli_snapshot_time(n->time);
		printf("%s%s%s  (%s, %s", prefix, last ? b->elbow : b->tee,
		    n->name, snaptree_kind_name(n->kind), when);
		if (n->state != SNAP_STATE_OK || n->missing)
			printf(", %s", snaptree_status_name(n));
		printf(")");
		if (n->note != NULL)
			printf("  %s", n->note);
		if (sv->tree->current == n->id)
			printf("  %s", b->here);
		printf("\n");
		free(when);
		next = xasprintf("%s%s", prefix, last ? b->blank : b->pipe);
		cli_snapshot_draw(sv, b, n->id, next);
		free(next);
	}
	free(kids);
}

static int
cli_snapshot_tree(struct cli *cli, int argc, char **argv)
{
	static const struct cli_boxes	 utf8 = {
		"\342\224\234\342\224\200 ", "\342\224\224\342\224\200 ",
		"\342\224\202  ", "   ", "\342\227\200 you are here"
	}, ascii = { "|- ", "`- ", "|  ", "   ", "<- you are here" };
	struct snapshot_vm		*sv;
	const char			*cs;
	int				 k;

	if ((k = cli_snapshot_args("tree", argc, argv, "", NULL, NULL,
	    NULL)) == -1)
		return (CLI_USAGE);
	if ((sv = cli_snapshot_open_as(cli, argv[k], 1)) == NULL)
		return (CLI_FAIL);
	cs = nl_langinfo(CODESET);
	if (sv->tree->nnodes == 0)
		printf("VM %s has no snapshots (vmdesk snapshot create %s "
		    "NAME takes one).\n", sv->name, sv->name);
	else {
		printf("%s\n", sv->name);
		cli_snapshot_draw(sv, cs != NULL && strcmp(cs, "UTF-8") == 0 ?
		    &utf8 : &ascii, 0, "");
		if (sv->tree->current == 0)
			printf("(you are at none of them)\n");
	}
	snapshot_close(sv);
	return (CLI_OK);
}

/* ---- revert, delete, rename, note ----------------------------------------- */

static int
cli_snapshot_revert(struct cli *cli, int argc, char **argv)
{
	struct snapshot_vm	*sv;
	struct settings		*set;
	const struct snap_node	*n;
	const char		*name, *snap;
	char			*cause = NULL;
	int			 k, rc, alive, started;

	if ((k = cli_snapshot_args("revert", argc, argv, "", NULL, NULL,
	    NULL)) == -1)
		return (CLI_USAGE);
	name = argv[k];
	snap = argv[k + 1];
	if ((set = cli_settings(cli)) == NULL ||
	    (sv = cli_snapshot_open(cli, name)) == NULL)
		return (CLI_FAIL);
	alive = vmstate_is_alive(sv->state);
	if (snapshot_revert(sv, snap, set, &started, &cause) != 0) {
		rc = cli_fail(cause);
		snapshot_close(sv);
		return (rc);
	}
	n = snaptree_node(sv->tree, sv->tree->current);
	if (alive)
		printf("VM %s is back at snapshot %s: RAM, devices and "
		    "disks.\n", name, n->name);
	else if (started)
		printf("VM %s is back at snapshot %s: disks restored, and "
		    "resumed from its saved RAM (pid %ld).\n", name, n->name,
		    (long)sv->pid);
	else
		printf("VM %s is back at snapshot %s: disks restored; it boots "
		    "from them at the next start.\n", name, n->name);
	snapshot_close(sv);
	return (CLI_OK);
}

static int
cli_snapshot_delete(struct cli *cli, int argc, char **argv)
{
	struct snapshot_vm	*sv;
	const struct snap_node	*n, *p;
	unsigned		*kids;
	char			*cause = NULL, *what, *parent;
	size_t			 nk;
	int			 k, rc;

	if ((k = cli_snapshot_args("delete", argc, argv, "", NULL, NULL,
	    NULL)) == -1)
		return (CLI_USAGE);
	if ((sv = cli_snapshot_open(cli, argv[k])) == NULL)
		return (CLI_FAIL);
	if ((n = snapshot_find(sv, argv[k + 1], &cause)) == NULL) {
		snapshot_close(sv);
		return (cli_fail(cause));
	}
	what = xstrdup(n->name);
	p = snaptree_node(sv->tree, n->parent);
	parent = p != NULL ? xasprintf("snapshot %s", p->name) :
	    xstrdup("the top");
	nk = snaptree_children(sv->tree, n->id, &kids);
	free(kids);
	if (snapshot_delete(sv, argv[k + 1], &cause) != 0)
		rc = cli_fail(cause);
	else {
		rc = CLI_OK;
		if (nk > 0)
			printf("Deleted snapshot %s of VM %s; its %zu "
			    "child%s now hang%s from %s.\n", what, argv[k], nk,
			    nk == 1 ? "" : "ren", nk == 1 ? "s" : "", parent);
		else
			printf("Deleted snapshot %s of VM %s.\n", what,
			    argv[k]);
	}
	free(what);
	free(parent);
	snapshot_close(sv);
	return (rc);
}

static int
cli_snapshot_rename(struct cli *cli, int argc, char **argv)
{
	struct snapshot_vm	*sv;
	char			*cause = NULL;
	int			 k, rc = CLI_OK;

	if ((k = cli_snapshot_args("rename", argc, argv, "", NULL, NULL,
	    NULL)) == -1)
		return (CLI_USAGE);
	if ((sv = cli_snapshot_open(cli, argv[k])) == NULL)
		return (CLI_FAIL);
	if (snapshot_rename(sv, argv[k + 1], argv[k + 2], &cause) != 0)
		rc = cli_fail(cause);
	else
		printf("Renamed snapshot %s of VM %s to %s.\n", argv[k + 1],
		    argv[k], argv[k + 2]);
	snapshot_close(sv);
	return (rc);
}

static int
cli_snapshot_note(struct cli *cli, int argc, char **argv)
{
	struct snapshot_vm	*sv;
	char			*cause = NULL;
	int			 k, rc = CLI_OK;

	if ((k = cli_snapshot_args("note", argc, argv, "", NULL, NULL,
	    NULL)) == -1)
		return (CLI_USAGE);
	if ((sv = cli_snapshot_open(cli, argv[k])) == NULL)
		return (CLI_FAIL);
	if (snapshot_note(sv, argv[k + 1], argv[k + 2], &cause) != 0)
		rc = cli_fail(cause);
	else if (*argv[k + 2] == '\0')
		printf("Cleared the note of snapshot %s of VM %s.\n",
		    argv[k + 1], argv[k]);
	else
		printf("Set the note of snapshot %s of VM %s.\n", argv[k + 1],
		    argv[k]);
	snapshot_close(sv);
	return (rc);
}

int
cli_snapshot(struct cli *cli, int argc, char **argv)
{
	const struct cli_snapshot_cmd	*c;

	if (argc < 2)
		return (cli_usage("snapshot"));
	if ((c = cli_snapshot_find(argv[1])) == NULL) {
		cli_error("snapshot: unknown subcommand '%s'", argv[1]);
		return (cli_usage("snapshot"));
	}
	return (c->run(cli, argc - 1, argv + 1));
}
