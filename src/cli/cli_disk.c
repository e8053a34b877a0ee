/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk disk (add, resize, remove, list) and media (insert, eject). */
#include "config.h"

#include "cli/cli_disk.h"

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/hwdisk.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* The options of every subcommand, each taking what it knows. */
struct cli_disk_opts {
	const char	*name;		/* --name */
	const char	*size;		/* --size */
	const char	*file;		/* --file */
	const char	*bus;		/* --bus */
	int		 readonly;
	int		 keep_file;
	int		 boot_disk;
	int		 json;
	int		 force;
};

struct cli_disk_cmd {
	const char	*family;	/* "disk" or "media" */
	const char	*name;
	int		(*run)(struct cli *, struct cli_disk_opts *, char **);
	int		 nargs;		/* operands after the subcommand */
	const char	*optstr;	/* the options it takes */
	const char	*usage;
};

static int	cli_disk_add(struct cli *, struct cli_disk_opts *, char **);
static int	cli_disk_resize(struct cli *, struct cli_disk_opts *, char **);
static int	cli_disk_remove(struct cli *, struct cli_disk_opts *, char **);
static int	cli_disk_list(struct cli *, struct cli_disk_opts *, char **);
static int	cli_media_insert(struct cli *, struct cli_disk_opts *, char **);
static int	cli_media_eject(struct cli *, struct cli_disk_opts *, char **);

static const struct cli_disk_cmd cli_disk_cmds[] = {
	{ "disk", "add", cli_disk_add, 1, "n:s:f:b:r",
	  "NAME [--size SIZE | --file PATH] [--bus virtio|sata|scsi|nvme|usb] "
	  "[--readonly] [--name DISK]" },
	{ "disk", "resize", cli_disk_resize, 3, "", "NAME DISK SIZE" },
	{ "disk", "remove", cli_disk_remove, 2, "kB",
	  "NAME DISK [--keep-file] [--boot-disk]" },
	{ "disk", "list", cli_disk_list, 1, "j", "NAME [--json]" },
	{ "media", "insert", cli_media_insert, 2, "", "NAME FILE.iso" },
	{ "media", "eject", cli_media_eject, 1, "F", "NAME [--force]" },
};

static const struct option cli_disk_longopts[] = {
	{ "name", required_argument, NULL, 'n' },
	{ "size", required_argument, NULL, 's' },
	{ "file", required_argument, NULL, 'f' },
	{ "bus", required_argument, NULL, 'b' },
	{ "readonly", no_argument, NULL, 'r' },
	{ "keep-file", no_argument, NULL, 'k' },
	{ "boot-disk", no_argument, NULL, 'B' },
	{ "json", no_argument, NULL, 'j' },
	{ "force", no_argument, NULL, 'F' },
	{ NULL, 0, NULL, 0 }
};

#define CLI_DISK_NCMDS	(sizeof cli_disk_cmds / sizeof cli_disk_cmds[0])

static const struct cli_disk_cmd *
cli_disk_find(const char *family, const char *name)
{
	size_t	i;

	for (i = 0; i < CLI_DISK_NCMDS; i++) {
		if (strcmp(cli_disk_cmds[i].family, family) == 0 &&
		    strcmp(cli_disk_cmds[i].name, name) == 0)
			return (&cli_disk_cmds[i]);
	}
	return (NULL);
}

/* Where each option lands: a string, or a flag set to 1. */
static const struct {
	int	 ch;
	size_t	 off;
	int	 text;
} cli_disk_flags[] = {
	{ 'n', offsetof(struct cli_disk_opts, name), 1 },
	{ 's', offsetof(struct cli_disk_opts, size), 1 },
	{ 'f', offsetof(struct cli_disk_opts, file), 1 },
	{ 'b', offsetof(struct cli_disk_opts, bus), 1 },
	{ 'r', offsetof(struct cli_disk_opts, readonly), 0 },
	{ 'k', offsetof(struct cli_disk_opts, keep_file), 0 },
	{ 'B', offsetof(struct cli_disk_opts, boot_disk), 0 },
	{ 'j', offsetof(struct cli_disk_opts, json), 0 },
	{ 'F', offsetof(struct cli_disk_opts, force), 0 },
};

static void
cli_disk_flag(struct cli_disk_opts *o, int ch, const char *val)
{
	size_t	i;

	for (i = 0; i < sizeof cli_disk_flags / sizeof cli_disk_flags[0];
	    i++) {
		if (cli_disk_flags[i].ch != ch)
			continue;
		if (cli_disk_flags[i].text)
			*(const char **)((char *)o + cli_disk_flags[i].off) =
			    val;
		else
			*(int *)((char *)o + cli_disk_flags[i].off) = 1;
	}
}

/* Parse a subcommand's options; its operands, or NULL after a usage error. */
static char **
cli_disk_args(const struct cli_disk_cmd *c, int argc, char **argv,
    struct cli_disk_opts *o)
{
	int	ch;

	memset(o, 0, sizeof *o);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, c->optstr, cli_disk_longopts,
	    NULL)) != -1) {
		if (ch == '?' || ch == ':' || strchr(c->optstr, ch) == NULL) {
			cli_error("%s %s: unknown or incomplete option '%s'",
			    c->family, c->name, argv[optind - 1]);
			break;
		}
		cli_disk_flag(o, ch, optarg);
	}
	if (ch != -1 || argc - optind != c->nargs) {
		fprintf(stderr, "usage: vmdesk %s %s %s\n", c->family, c->name,
		    c->usage);
		return (NULL);
	}
	return (argv + optind);
}

static int
cli_disk_family(struct cli *cli, const char *family, int argc, char **argv)
{
	const struct cli_disk_cmd	*c;
	struct cli_disk_opts		 o;
	char				**args;

	if (argc < 2)
		return (cli_usage(family));
	if ((c = cli_disk_find(family, argv[1])) == NULL) {
		cli_error("%s: unknown subcommand '%s'", family, argv[1]);
		return (cli_usage(family));
	}
	if ((args = cli_disk_args(c, argc - 1, argv + 1, &o)) == NULL)
		return (CLI_USAGE);
	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	return (c->run(cli, &o, args));
}

int
cli_disk(struct cli *cli, int argc, char **argv)
{
	return (cli_disk_family(cli, "disk", argc, argv));
}

int
cli_media(struct cli *cli, int argc, char **argv)
{
	return (cli_disk_family(cli, "media", argc, argv));
}

/* What a running VM makes of a change written for its next start. */
static void
cli_disk_when(enum vmctl_when when, const char *vm, const char *what)
{
	if (when == VMCTL_WHEN_RESTART)
		printf("VM %s is running and cannot take this now (%s): it "
		    "takes effect at next start.\n", vm, what);
}

/* ---- disk ---------------------------------------------------------------- */

static int
cli_disk_add(struct cli *cli, struct cli_disk_opts *o, char **args)
{
	struct hwdisk_add	 a;
	enum vmctl_when		 when;
	char			*cause = NULL, *s;
	int			 bus;

	memset(&a, 0, sizeof a);
	a.disk = o->name;
	a.file = o->file;
	a.readonly = o->readonly;
	if (vmdef_enum_value("bus", o->bus != NULL ? o->bus : "virtio", &bus,
	    &cause) != 0)
		return (cli_fail(cause));
	a.bus = bus;
	if (o->size != NULL && (str_to_size(o->size, 1ULL << 30, &a.size,
	    &cause) != 0 || a.size == 0)) {
		free(cause);
		cli_error("disk add: --size '%s' is not a size (as 10G)",
		    o->size);
		return (CLI_USAGE);
	}
	if (hwdisk_add(cli->lib, args[0], &a, &when, &cause) != 0) {
		hwdisk_add_clear(&a);
		return (cli_fail_vm(args[0], cause));
	}
	s = a.size != 0 ? str_size_short(a.size) : xstrdup("attached");
	printf("Added disk %s to VM %s: %s (%s, %s bus%s).\n", a.name, args[0],
	    a.path, s, vmdef_bus_name(a.bus), a.readonly ? ", readonly" : "");
	cli_disk_when(when, args[0], "no hot-plug for this bus or no free "
	    "slot");
	free(s);
	hwdisk_add_clear(&a);
	return (CLI_OK);
}

static int
cli_disk_resize(struct cli *cli, struct cli_disk_opts *o, char **args)
{
	enum vmctl_when	 when;
	uint64_t	 bytes;
	char		*cause = NULL, *s;

	(void)o;
	if (hwdisk_resize(cli->lib, args[0], args[1], args[2], &bytes, &when,
	    &cause) != 0)
		return (cli_fail_vm(args[0], cause));
	s = str_size_short(bytes);
	printf("Disk %s of VM %s is now %s.\n", args[1], args[0], s);
	free(s);
	return (CLI_OK);
}

static int
cli_disk_remove(struct cli *cli, struct cli_disk_opts *o, char **args)
{
	struct hwdisk_removed	 r;
	enum vmctl_when		 when;
	char			*cause = NULL;
	int			 flags = 0;

	if (o->keep_file)
		flags |= HWDISK_KEEP_FILE;
	if (o->boot_disk)
		flags |= HWDISK_BOOT_DISK;
	if (hwdisk_remove(cli->lib, args[0], args[1], flags, &r, &when,
	    &cause) != 0)
		return (cli_fail_vm(args[0], cause));
	printf("Removed disk %s from VM %s.\n", args[1], args[0]);
	cli_disk_when(when, args[0], "its bus cannot unplug it");
	if (r.deleted)
		printf("Deleted its file %s.\n", r.path);
	else if (r.kept_why != NULL)
		printf("Kept its file %s: %s.\n", r.path, r.kept_why);
	else
		printf("Kept its file %s.\n", r.path);
	hwdisk_removed_clear(&r);
	return (CLI_OK);
}

/* One disk as a line of disk list. */
static void
cli_disk_line(json_t *d, const char *indent)
{
	json_t	*v = json_object_get(d, "virtual_size");
	char	*s, *t;

	if (json_is_integer(v)) {
		s = str_size_short((uint64_t)json_integer_value(v));
		t = str_size_short((uint64_t)json_integer_value(
		    json_object_get(d, "actual_size")));
	} else {
		s = xstrdup("?");
		t = xstrdup(json_string_value(json_object_get(d, "error")));
	}
	printf("%s%s: %s (%s %s, %s, %s used%s)\n", indent,
	    json_string_value(json_object_get(d, "name")),
	    json_string_value(json_object_get(d, "file")),
	    json_string_value(json_object_get(d, "bus")),
	    json_string_value(json_object_get(d, "format")), s, t,
	    json_is_true(json_object_get(d, "readonly")) ? ", readonly" : "");
	free(s);
	free(t);
}

static int
cli_disk_list(struct cli *cli, struct cli_disk_opts *o, char **args)
{
	struct vm_def	*def;
	json_t		*j, *d;
	char		*cause = NULL, *dir;
	size_t		 i;

	if ((def = library_load(cli->lib, args[0], &cause)) == NULL)
		return (cli_fail(cause));
	dir = library_vm_dir(cli->lib, args[0]);
	j = hwdisk_list_json(def, dir);
	free(dir);
	vmdef_free(def);
	if (o->json) {
		cli_json_print(j);
		return (CLI_OK);
	}
	json_array_foreach(j, i, d)
		cli_disk_line(d, "");
	json_decref(j);
	return (CLI_OK);
}

void
cli_disk_info_print(json_t *j)
{
	json_t	*d, *cd;
	size_t	 i;

	json_array_foreach(json_object_get(j, "disks"), i, d)
		cli_disk_line(d, "  disk       ");
	cd = json_object_get(json_object_get(j, "cdrom"), "file");
	printf("  cdrom      %s\n", json_is_string(cd) ?
	    json_string_value(cd) : "(empty)");
}

/* ---- media --------------------------------------------------------------- */

static int
cli_media_insert(struct cli *cli, struct cli_disk_opts *o, char **args)
{
	enum vmctl_when	 when;
	char		*cause = NULL, *path;

	(void)o;
	if (hwdisk_media_insert(cli->lib, args[0], args[1], &path, &when,
	    &cause) != 0)
		return (cli_fail_vm(args[0], cause));
	printf("Inserted %s in VM %s's CD drive.\n", path, args[0]);
	cli_disk_when(when, args[0], "it has no CD drive");
	free(path);
	return (CLI_OK);
}

static int
cli_media_eject(struct cli *cli, struct cli_disk_opts *o, char **args)
{
	enum vmctl_when	 when;
	char		*cause = NULL;

	if (hwdisk_media_eject(cli->lib, args[0], o->force, &when,
	    &cause) != 0)
		return (cli_fail_vm(args[0], cause));
	printf("Ejected the CD of VM %s.\n", args[0]);
	return (CLI_OK);
}
