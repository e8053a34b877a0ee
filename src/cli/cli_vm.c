/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VM commands: list, create, start, stop, kill, pause, status, info ... */
#include "config.h"

#include "cli/cli_vm.h"

#include <sys/stat.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/accel.h"
#include "backend/qemu_img.h"
#include "backend/vmproc.h"
#include "cli/cli_bundle.h"
#include "cli/cli_console.h"
#include "cli/cli_disk.h"
#include "cli/cli_image.h"
#include "cli/cli_share.h"
#include "cli/cli_usb.h"
#include "core/names.h"
#include "images/template.h"
#include "ops/hwdisk.h"
#include "ops/hostres.h"
#include "ops/hwnet.h"
#include "ops/vmcreate.h"
#include "ops/vmctl.h"
#include "util/fsutil.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* Parse "NAME" plus flags; returns the name or NULL after a usage error. */
static const char *
cli_vm_args(const char *cmd, int argc, char **argv, const char *optstr,
    const struct option *longopts, int (*flag)(int, const char *, void *),
    void *arg, int *rc)
{
	int	c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstr, longopts, NULL)) != -1) {
		if (c == '?' || c == ':' || flag == NULL ||
		    flag(c, optarg, arg) != 0) {
			if (c == '?' || c == ':')
				cli_error("%s: unknown or incomplete option "
				    "'%s'", cmd, argv[optind - 1]);
			*rc = cli_usage(cmd);
			return (NULL);
		}
	}
	if (optind != argc - 1) {
		*rc = cli_usage(cmd);
		return (NULL);
	}
	*rc = CLI_OK;
	return (argv[optind]);
}

static int
cli_json_flag(int c, const char *optarg_, void *arg)
{
	if (c != 'j')
		return (-1);
	*(int *)arg = 1;
	return (0);
}

static const struct option json_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

/* Open the library and load one VM; NULL after printing why. */
static struct vm_def *
cli_vm_load(struct cli *cli, const char *name)
{
	struct vm_def	*def;
	char		*cause = NULL;

	if (cli_library(cli) == NULL)
		return (NULL);
	if ((def = library_load(cli->lib, name, &cause)) == NULL)
		cli_fail(cause);
	return (def);
}

static void
cli_vm_warnings(const struct vm_def *def)
{
	size_t	i;

	for (i = 0; i < def->warnings.n; i++)
		cli_error("warning: %s", def->warnings.v[i]);
}

/* ---- list ---------------------------------------------------------------- */

static json_t *
cli_vm_status_json(const char *name, const struct vm_status *st)
{
	json_t	*j;

	j = json_object();
	json_object_set_new(j, "name", json_string(name));
	json_object_set_new(j, "state", json_string(vmstate_name(st->state)));
	json_object_set_new(j, "pid", st->pid > 0 ?
	    json_integer(st->pid) : json_null());
	json_object_set_new(j, "uptime", st->pid > 0 ?
	    json_integer((json_int_t)(time(NULL) - (time_t)st->started)) :
	    json_null());
	json_object_set_new(j, "accel", st->kvm == -1 ? json_null() :
	    json_string(st->kvm ? "kvm" : "tcg"));
	json_object_set_new(j, "qemu_status", st->status != NULL ?
	    json_string(st->status) : json_null());
	return (j);
}

int
cli_vm_list(struct cli *cli, int argc, char **argv)
{
	struct strv		 names;
	struct vm_def		*def;
	struct vm_paths		 p;
	struct vm_status	 st;
	json_t			*arr = NULL, *j;
	char			*cause = NULL, *why = NULL, *mem, *up;
	size_t			 i;
	int			 json = 0, rc;

	optind = 1;
	opterr = 0;
	while ((rc = getopt_long(argc, argv, "j", json_opts, NULL)) != -1) {
		if (rc != 'j')
			return (cli_usage("list"));
		json = 1;
	}
	if (optind != argc)
		return (cli_usage("list"));
	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	strv_init(&names);
	if (library_list(cli->lib, &names, &cause) != 0)
		return (cli_fail(cause));
	if (json)
		arr = json_array();
	else if (names.n == 0)
		printf("No VMs yet: vmdesk create NAME --template tinylinux, "
		    "or vmdesk demo.\n");
	else
		printf("%-20s %-13s %-7s %4s %7s  %-12s %s\n", "NAME",
		    "STATE", "ARCH", "CPUS", "MEMORY", "TEMPLATE", "UPTIME");
	for (i = 0; i < names.n; i++) {
		def = library_load(cli->lib, names.v[i], &cause);
		if (vmctl_paths_listed(cli->lib, names.v[i], &p,
		    &why) != 0) {
			cli_error("%s", why);
			free(why);
			why = NULL;
			vmdef_free(def);
			free(cause);
			cause = NULL;
			continue;
		}
		vmproc_status(&p, VMPROC_QMP_QUICK, &st);
		vm_paths_clear(&p);
		if (json) {
			j = cli_vm_status_json(names.v[i], &st);
			if (def != NULL) {
				json_object_set_new(j, "template",
				    def->template != NULL ?
				    json_string(def->template) : json_null());
				json_object_set_new(j, "os", def->os != NULL ?
				    json_string(def->os) : json_null());
				json_object_set_new(j, "arch",
				    json_string(def->arch));
				json_object_set_new(j, "cpus",
				    json_integer(def->cpus));
				json_object_set_new(j, "memory",
				    json_integer((json_int_t)def->memory));
			} else {
				json_object_set_new(j, "error",
				    json_string(cause));
			}
			json_array_append_new(arr, j);
		} else if (def == NULL) {
			printf("%-20s %-13s %s\n", names.v[i],
			    vmstate_name(st.state), cause);
		} else {
			mem = str_size_short(def->memory);
			up = st.pid > 0 ? str_duration((uint64_t)(time(NULL) -
			    (time_t)st.started)) : xstrdup("-");
			printf("%-20s %-13s %-7s %4d %7s  %-12s %s\n",
			    names.v[i], vmstate_name(st.state), def->arch,
			    def->cpus, mem, def->template != NULL ?
			    def->template : "-", up);
			free(mem);
			free(up);
		}
		free(cause);
		cause = NULL;
		vm_status_clear(&st);
		vmdef_free(def);
	}
	strv_clear(&names);
	if (json)
		cli_json_print(arr);
	return (CLI_OK);
}

/* ---- create -------------------------------------------------------------- */

struct create_args {
	const char		*template;
	struct template_opts	 opt;
	struct vm_forward	 fw[16];
	int			 quiet;
	int			 ask_password;
	const char		*password_file;
	struct strv		 ssh_keys;
};

static int
cli_create_flag(int c, const char *val, void *arg)
{
	struct create_args	*a = arg;
	char			*cause = NULL;
	long			 l;

	switch (c) {
	case 't':
		a->template = val;
		return (0);
	case 'a':
		a->opt.arch = val;
		return (0);
	case 'c':
		if (str_to_long(val, 1, VMDEF_CPUS_MAX, &l, &cause) != 0)
			break;
		a->opt.cpus = (int)l;
		return (0);
	case 'm':
		if (str_to_size(val, 1ULL << 20, &a->opt.memory, &cause) != 0)
			break;
		if (a->opt.memory < VMDEF_MEMORY_MIN ||
		    a->opt.memory > VMDEF_MEMORY_MAX) {
			cause = xstrdup("memory must be between 16M and 1T");
			break;
		}
		return (0);
	case 'f':
		if (a->opt.nforwards == sizeof a->fw / sizeof a->fw[0]) {
			cause = xstrdup("too many --forward");
			break;
		}
		if (vmdef_parse_forward(val, &a->fw[a->opt.nforwards],
		    &cause) != 0)
			break;
		a->opt.forwards = a->fw;
		a->opt.nforwards++;
		return (0);
	case 'i':
		a->opt.image = val;
		return (0);
	case 'o':
		a->opt.iso = val;
		return (0);
	case 's':
		a->opt.sha256 = val;
		return (0);
	case 'u':
		a->opt.user = val;
		return (0);
	case 'P':
		a->ask_password = 1;
		return (0);
	case 'p':
		a->password_file = val;
		return (0);
	case 'k':
		strv_push(&a->ssh_keys, val);
		a->opt.ssh_keys = &a->ssh_keys;
		return (0);
	case 'd':
		if (str_to_size(val, 1ULL << 30, &a->opt.disk_size,
		    &cause) != 0)
			break;
		if (a->opt.disk_size < (1ULL << 20)) {
			cause = xstrdup("disk size must be at least 1M");
			break;
		}
		return (0);
	default:
		return (-1);
	}
	cli_error("create: %s", cause);
	free(cause);
	return (-1);
}

static int
cli_create(struct cli *cli, const char *name, const struct create_args *a)
{
	struct cli_progress	 p;
	struct template		*t;
	struct strv		 dirs;
	char			*cause = NULL, *mem, *disk, *note;
	uint64_t		 size;
	int			 rc;

	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	if (name_check(name, "VM", &cause) != 0)
		return (cli_fail(cause));
	if (a->template != NULL) {
		strv_init(&dirs);
		template_dirs(cli->lib, &dirs);
		t = template_find(&dirs, a->template, &cause);
		strv_clear(&dirs);
		if (t == NULL)
			return (cli_fail(cause));
	} else
		t = vmcreate_bare_template(a->opt.iso != NULL);
	cli_progress_begin(&p);
	rc = vmcreate_from_template(cli->lib, t, name, &a->opt,
	    cli_progress_cb, &p, &note, &cause);
	cli_progress_end(&p);
	if (note != NULL)
		fprintf(stderr, "vmdesk: note: %s\n", note);
	free(note);
	if (rc != 0) {
		if (cli_progress_interrupted()) {
			free(cause);
			cause = xstrdup("interrupted; nothing was created");
		}
		template_free(t);
		return (cli_fail_vm(name, cause));
	}
	if (!a->quiet) {
		mem = str_size_short(a->opt.memory > 0 ? a->opt.memory :
		    t->memory);
		size = a->opt.disk_size > 0 ? a->opt.disk_size : t->disk_size;
		disk = size > 0 ? str_size_short(size) : xstrdup("image's");
		printf("Created VM %s from %s %s (%s%s%d CPU, %s memory, %s "
		    "disk).\n", name, a->template != NULL ? "template" :
		    a->opt.iso != NULL ? "ISO" : "image", a->template != NULL ?
		    t->name : a->opt.iso != NULL ? a->opt.iso : a->opt.image,
		    a->opt.arch != NULL ? a->opt.arch : "",
		    a->opt.arch != NULL ? ", " : "",
		    a->opt.cpus > 0 ? a->opt.cpus : t->cpus, mem, disk);
		free(mem);
		free(disk);
		if (t->cloud_init)
			printf("cloud-init sets it up at first boot; then "
			    "vmdesk ssh %s logs in as %s.\n", name,
			    a->opt.user != NULL ? a->opt.user : t->user != NULL ?
			    t->user : "the image's user");
		if (t->notes != NULL)
			printf("Note: %s\n", t->notes);
	}
	template_free(t);
	return (CLI_OK);
}

int
cli_vm_create(struct cli *cli, int argc, char **argv)
{
	static const struct option	opts[] = {
		{ "template", required_argument, NULL, 't' },
		{ "arch", required_argument, NULL, 'a' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "memory", required_argument, NULL, 'm' },
		{ "disk-size", required_argument, NULL, 'd' },
		{ "forward", required_argument, NULL, 'f' },
		{ "image", required_argument, NULL, 'i' },
		{ "iso", required_argument, NULL, 'o' },
		{ "sha256", required_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'u' },
		{ "password", no_argument, NULL, 'P' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "ssh-key", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	struct create_args		a;
	const char			*name;
	char				*password = NULL;
	int				 rc;

	memset(&a, 0, sizeof a);
	strv_init(&a.ssh_keys);
	name = cli_vm_args("create", argc, argv, "t:a:c:m:d:f:i:o:s:u:Pp:k:",
	    opts, cli_create_flag, &a, &rc);
	if (name == NULL)
		goto out;
	rc = CLI_USAGE;
	if (a.template == NULL && a.opt.image == NULL && a.opt.iso == NULL) {
		cli_error("create: --template, --image or --iso is needed "
		    "(vmdesk templates lists the templates)");
		rc = cli_usage("create");
		goto out;
	}
	if (a.opt.sha256 != NULL && a.opt.image == NULL &&
	    a.opt.iso == NULL) {
		cli_error("create: --sha256 goes with --image or --iso");
		rc = cli_usage("create");
		goto out;
	}
	if (a.ask_password || a.password_file != NULL) {
		if ((rc = cli_password_read(a.password_file,
		    &password)) != CLI_OK)
			goto out;
		a.opt.password = password;
	}
	rc = cli_create(cli, name, &a);
out:
	if (password != NULL) {
		explicit_bzero(password, strlen(password));
		free(password);
	}
	strv_clear(&a.ssh_keys);
	return (rc);
}

/* ---- start --------------------------------------------------------------- */

int
cli_vm_start_one(struct cli *cli, const char *name, int paused)
{
	struct settings	*set;
	struct vm_def	*def;
	char		*cause = NULL, *note = NULL;
	pid_t		 pid;

	if ((set = cli_settings(cli)) == NULL ||
	    (def = cli_vm_load(cli, name)) == NULL)
		return (CLI_FAIL);
	cli_vm_warnings(def);
	vmdef_free(def);
	if (vmctl_start(cli->lib, set, name, paused, &pid, &note,
	    &cause) != 0)
		return (cli_fail(cause));
	printf("Started VM %s (pid %ld, %s%s).\n", name, (long)pid, note,
	    paused ? ", paused" : "");
	free(note);
	return (CLI_OK);
}

/*
 * The host's check before starting VMs: 0 to go on (a warning about
 * vCPUs said), CLI_FAIL after saying that memory would run short.
 */
int
cli_vm_host_check(struct cli *cli, const struct strv *names, int force)
{
	struct hostres_check	 c;
	char			*cause = NULL, *mem, *cpus;

	if (hostres_check(cli->lib, names, &c, &cause) != 0)
		return (cli_fail(cause));
	mem = hostres_memory_message(&c);
	cpus = hostres_cpus_message(&c);
	hostres_check_clear(&c);
	if (cpus != NULL)
		cli_error("warning: %s", cpus);
	free(cpus);
	if (mem != NULL && force)
		cli_error("warning: %s (--force: starting anyway)", mem);
	else if (mem != NULL)
		cli_error("%s (--force starts anyway)", mem);
	free(mem);
	return (mem != NULL && !force ? CLI_FAIL : CLI_OK);
}

struct start_args {
	int	paused;
	int	force;
};

int
cli_vm_start(struct cli *cli, int argc, char **argv)
{
	static const struct option	opts[] = {
		{ "paused", no_argument, NULL, 'p' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct start_args		 a = { 0, 0 };
	struct strv			 names;
	int				 c, i, rc = CLI_OK;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "pf", opts, NULL)) != -1) {
		if (c == 'p')
			a.paused = 1;
		else if (c == 'f')
			a.force = 1;
		else {
			cli_error("start: unknown or incomplete option '%s'",
			    argv[optind - 1]);
			return (cli_usage("start"));
		}
	}
	if (optind == argc)
		return (cli_usage("start"));
	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	strv_init(&names);
	for (i = optind; i < argc; i++)
		strv_push(&names, argv[i]);
	if (cli_vm_host_check(cli, &names, a.force) != CLI_OK) {
		strv_clear(&names);
		return (CLI_FAIL);
	}
	for (i = 0; i < (int)names.n; i++) {
		if (cli_vm_start_one(cli, names.v[i], a.paused) != CLI_OK)
			rc = CLI_FAIL;
	}
	strv_clear(&names);
	return (rc);
}

/* ---- stop, kill, pause, resume, reset ------------------------------------ */

struct stop_args {
	int	timeout;
	int	force;
};

static int
cli_stop_flag(int c, const char *val, void *arg)
{
	struct stop_args	*a = arg;
	char			*cause = NULL;
	long			 l;

	if (c == 'f') {
		a->force = 1;
		return (0);
	}
	if (c != 't')
		return (-1);
	if (str_to_long(val, 1, 3600, &l, &cause) != 0) {
		cli_error("stop: --timeout: %s", cause);
		free(cause);
		return (-1);
	}
	a->timeout = (int)l;
	return (0);
}

int
cli_vm_stop(struct cli *cli, int argc, char **argv)
{
	static const struct option	opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct settings			*set;
	struct stop_args		 a;
	enum vmctl_outcome		 out;
	const char			*name;
	char				*cause = NULL;
	int				 rc;

	a.timeout = 0;
	a.force = 0;
	name = cli_vm_args("stop", argc, argv, "t:f", opts, cli_stop_flag, &a,
	    &rc);
	if (name == NULL)
		return (rc);
	if ((set = cli_settings(cli)) == NULL || cli_library(cli) == NULL)
		return (CLI_FAIL);
	if (a.timeout == 0)
		a.timeout = set->stop_timeout;
	if (vmctl_stop(cli->lib, name, a.timeout, a.force, &out, &cause) != 0)
		return (cli_fail_vm(name, cause));
	switch (out) {
	case VMCTL_ALREADY:
		printf("VM %s is not running.\n", name);
		break;
	case VMCTL_CLEANED:
		printf("VM %s had crashed; its stale runtime files are cleaned "
		    "up.\n", name);
		break;
	case VMCTL_FORCED:
		printf("VM %s did not power off within %d s and was killed.\n",
		    name, a.timeout);
		break;
	case VMCTL_FORCED_NOMON:
		printf("VM %s: its monitor is gone, so no power button: QEMU "
		    "was ended.\n", name);
		break;
	case VMCTL_DONE:
		printf("VM %s powered off.\n", name);
		break;
	}
	return (CLI_OK);
}

int
cli_vm_kill(struct cli *cli, int argc, char **argv)
{
	enum vmctl_outcome	 out;
	const char		*name;
	char			*cause = NULL;
	int			 rc;

	if ((name = cli_vm_args("kill", argc, argv, "", NULL, NULL, NULL,
	    &rc)) == NULL)
		return (rc);
	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	if (vmctl_kill(cli->lib, name, &out, &cause) != 0)
		return (cli_fail_vm(name, cause));
	if (out == VMCTL_ALREADY)
		printf("VM %s is not running.\n", name);
	else if (out == VMCTL_CLEANED)
		printf("VM %s had crashed; its stale runtime files are cleaned "
		    "up.\n", name);
	else
		printf("VM %s killed.\n", name);
	return (CLI_OK);
}

/* pause, resume and reset: one QMP command on a live VM. */
static int
cli_vm_simple(struct cli *cli, int argc, char **argv, const char *cmd,
    const char *done, const char *already)
{
	enum vmctl_outcome	 out;
	const char		*name;
	char			*cause = NULL;
	int			 rc;

	if ((name = cli_vm_args(cmd, argc, argv, "", NULL, NULL, NULL,
	    &rc)) == NULL)
		return (rc);
	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	if (vmctl_command(cli->lib, name, cmd, &out, &cause) != 0)
		return (cli_fail(cause));
	printf("VM %s %s.\n", name, out == VMCTL_ALREADY ? already : done);
	return (CLI_OK);
}

int
cli_vm_pause(struct cli *cli, int argc, char **argv)
{
	return (cli_vm_simple(cli, argc, argv, "pause", "paused",
	    "is already paused"));
}

int
cli_vm_resume(struct cli *cli, int argc, char **argv)
{
	return (cli_vm_simple(cli, argc, argv, "resume", "resumed",
	    "is already running"));
}

int
cli_vm_reset(struct cli *cli, int argc, char **argv)
{
	return (cli_vm_simple(cli, argc, argv, "reset", "reset", "reset"));
}

/* Observe a VM without taking its lock. */
static int
cli_vm_observe(struct cli *cli, const char *name, struct vm_paths *p,
    struct vm_status *st)
{
	if (cli_paths(cli, name, p) != CLI_OK)
		return (CLI_FAIL);
	vmproc_status(p, VMPROC_QMP_TIMEOUT, st);
	return (CLI_OK);
}

/* ---- status and info ----------------------------------------------------- */

int
cli_vm_status(struct cli *cli, int argc, char **argv)
{
	struct vm_paths		 p;
	struct vm_status	 st;
	const char		*name;
	char			*up;
	int			 json = 0, rc;

	if ((name = cli_vm_args("status", argc, argv, "j", json_opts,
	    cli_json_flag, &json, &rc)) == NULL)
		return (rc);
	if (cli_vm_observe(cli, name, &p, &st) != CLI_OK)
		return (CLI_FAIL);
	if (json)
		cli_json_print(cli_vm_status_json(name, &st));
	else {
		printf("%s: %s\n", name, vmstate_name(st.state));
		if (st.pid > 0) {
			up = str_duration((uint64_t)(time(NULL) -
			    (time_t)st.started));
			printf("  pid     %ld\n  uptime  %s\n", (long)st.pid,
			    up);
			free(up);
			if (st.kvm != -1)
				printf("  accel   %s\n", st.kvm ? "kvm" :
				    "tcg");
			if (st.status != NULL)
				printf("  qemu    %s\n", st.status);
		} else if (st.state == VM_CRASHED)
			printf("  QEMU died without cleaning up; see %s\n",
			    p.qemu_log);
	}
	vm_status_clear(&st);
	vm_paths_clear(&p);
	return (CLI_OK);
}

/*
 * VNC over TCP for info: "vnc://127.0.0.1:PORT" while the VM runs with
 * it, "on" when it is set but the VM is not running, null when off.
 */
static json_t *
cli_vm_vnc_address(const struct vm_def *def, const struct vm_paths *p,
    const struct vm_status *st)
{
	json_t	*j;
	char	*pw = NULL, *cause = NULL;
	int	 port;

	if (!def->vnc_tcp)
		return (json_null());
	if (!vmstate_is_alive(st->state))
		return (json_string("on (not running)"));
	if (vmproc_vnc_tcp(p, &port, &pw, &cause) != 0) {
		j = json_sprintf("on (%s)", cause);
		free(cause);
		return (j);
	}
	explicit_bzero(pw, strlen(pw));
	free(pw);
	return (json_sprintf("vnc://127.0.0.1:%d", port));
}

/* The NICs (with where their frames go) and USB devices of info --json. */
static void
cli_vm_info_nets_json(const struct vm_def *def, json_t *j)
{
	json_t	*arr, *d, *fws, *fw;
	char	*desc;
	size_t	 i, k;

	arr = json_array();
	for (i = 0; i < def->nnics; i++) {
		d = json_object();
		json_object_set_new(d, "name", json_string(def->nics[i].name));
		vmdef_section_json("nic", &def->nics[i], d);
		desc = hwnet_describe(&def->nics[i]);
		json_object_set_new(d, "network", json_string(desc));
		free(desc);
		fws = json_array();
		for (k = 0; k < def->nics[i].nforwards; k++) {
			fw = json_object();
			json_object_set_new(fw, "proto", json_string(
			    def->nics[i].forwards[k].udp ? "udp" : "tcp"));
			json_object_set_new(fw, "host_port", json_integer(
			    def->nics[i].forwards[k].host_port));
			json_object_set_new(fw, "guest_port", json_integer(
			    def->nics[i].forwards[k].guest_port));
			json_array_append_new(fws, fw);
		}
		json_object_set_new(d, "forwards", fws);
		json_array_append_new(arr, d);
	}
	json_object_set_new(j, "nics", arr);
	json_object_set_new(j, "usbs", cli_usb_json(def));
}

static json_t *
cli_vm_info_json(const struct vm_def *def, const struct vm_paths *p,
    const struct vm_status *st)
{
	json_t	*j, *arr, *o;
	char	*path;
	size_t	 i;

	j = cli_vm_status_json(def->name, st);
	vmdef_section_json("vm", def, j);
	json_object_set_new(j, "vnc_tcp", cli_vm_vnc_address(def, p, st));
	o = json_object();
	vmdef_section_json("boot", &def->boot, o);
	json_object_set_new(j, "boot", o);

	json_object_set_new(j, "disks", hwdisk_list_json(def, p->vmdir));
	json_object_set_new(j, "cdrom", hwdisk_cdrom_json(def, p->vmdir));

	cli_vm_info_nets_json(def, j);
	json_object_set_new(j, "shares", cli_share_json(def, p));

	o = json_object();
	json_object_set_new(o, "dir", json_string(p->vmdir));
	path = fs_path_join(p->vmdir, "vm.conf");
	json_object_set_new(o, "config", json_string(path));
	free(path);
	json_object_set_new(o, "runtime", json_string(p->run));
	json_object_set_new(o, "qmp", json_string(p->qmp));
	json_object_set_new(o, "qmp_cli", json_string(p->qmp_cli));
	json_object_set_new(o, "vnc", json_string(p->vnc));
	json_object_set_new(o, "serial", json_string(p->serial));
	json_object_set_new(o, "pidfile", json_string(p->pidfile));
	json_object_set_new(o, "serial_log", json_string(p->serial_log));
	json_object_set_new(o, "qemu_log", json_string(p->qemu_log));
	json_object_set_new(j, "paths", o);

	arr = json_array();
	for (i = 0; i < def->warnings.n; i++)
		json_array_append_new(arr, json_string(def->warnings.v[i]));
	json_object_set_new(j, "warnings", arr);
	return (j);
}

/* The NICs and USB devices of info's text. */
static void
cli_vm_info_nets_print(json_t *j)
{
	json_t		*d, *fw;
	char		*s;
	size_t		 i, k;

	json_array_foreach(json_object_get(j, "nics"), i, d) {
		printf("  nic        %s: %s %s, %s",
		    json_string_value(json_object_get(d, "name")),
		    json_string_value(json_object_get(d, "model")),
		    json_string_value(json_object_get(d, "mac")),
		    json_string_value(json_object_get(d, "network")));
		json_array_foreach(json_object_get(d, "forwards"), k, fw) {
			printf(", %s 127.0.0.1:%lld -> %lld",
			    json_string_value(json_object_get(fw, "proto")),
			    (long long)json_integer_value(json_object_get(fw,
			    "host_port")), (long long)json_integer_value(
			    json_object_get(fw, "guest_port")));
		}
		printf("\n");
	}
	json_array_foreach(json_object_get(j, "usbs"), i, d) {
		s = cli_usb_describe(d);
		printf("  usb        %s: %s\n", json_string_value(
		    json_object_get(d, "name")), s);
		free(s);
	}
}

static void
cli_vm_info_print(json_t *j)
{
	json_t		*d, *paths, *v;
	const char	*key;
	char		*s;
	size_t		 i;

	printf("%s: %s\n", json_string_value(json_object_get(j, "name")),
	    json_string_value(json_object_get(j, "state")));
	if (json_is_integer(json_object_get(j, "pid")))
		printf("  pid        %lld\n", (long long)json_integer_value(
		    json_object_get(j, "pid")));
	printf("  template   %s\n", json_is_string(json_object_get(j,
	    "template")) ? json_string_value(json_object_get(j, "template")) :
	    "-");
	s = str_size_short((uint64_t)json_integer_value(json_object_get(j,
	    "memory")));
	printf("  hardware   %s %s, %lld CPU, %s memory, %s firmware, %s "
	    "display, accel %s\n", json_string_value(json_object_get(j,
	    "arch")), json_string_value(json_object_get(j, "machine")),
	    (long long)json_integer_value(json_object_get(j, "cpus")), s,
	    json_string_value(json_object_get(j, "firmware")),
	    json_string_value(json_object_get(j, "display")),
	    json_string_value(json_object_get(j, "accel_wanted")));
	free(s);
	if (json_is_string(json_object_get(j, "vnc_tcp")))
		printf("  vnc tcp    %s (vmdesk vnc %s shows the password)\n",
		    json_string_value(json_object_get(j, "vnc_tcp")),
		    json_string_value(json_object_get(j, "name")));
	v = json_object_get(j, "boot");
	json_object_foreach(v, key, d) {
		if (json_is_string(d))
			printf("  boot       %-8s %s\n", key,
			    json_string_value(d));
	}
	cli_disk_info_print(j);
	cli_vm_info_nets_print(j);
	cli_share_print(json_object_get(j, "shares"));
	paths = json_object_get(j, "paths");
	json_object_foreach(paths, key, v)
		printf("  %-10s %s\n", key, json_string_value(v));
	json_array_foreach(json_object_get(j, "warnings"), i, v)
		printf("  warning    %s\n", json_string_value(v));
}

int
cli_vm_info(struct cli *cli, int argc, char **argv)
{
	struct vm_def		*def;
	struct vm_paths		 p;
	struct vm_status	 st;
	const char		*name;
	json_t			*j;
	int			 json = 0, rc;

	if ((name = cli_vm_args("info", argc, argv, "j", json_opts,
	    cli_json_flag, &json, &rc)) == NULL)
		return (rc);
	if ((def = cli_vm_load(cli, name)) == NULL)
		return (CLI_FAIL);
	if (cli_vm_observe(cli, name, &p, &st) != CLI_OK) {
		vmdef_free(def);
		return (CLI_FAIL);
	}
	j = cli_vm_info_json(def, &p, &st);
	if (json)
		cli_json_print(j);
	else {
		cli_vm_info_print(j);
		json_decref(j);
	}
	vm_status_clear(&st);
	vm_paths_clear(&p);
	vmdef_free(def);
	return (CLI_OK);
}

/* ---- vnc ----------------------------------------------------------------- */

int
cli_vm_vnc(struct cli *cli, int argc, char **argv)
{
	struct vm_def		*def;
	struct vm_paths		 p;
	struct vm_status	 st;
	const char		*name;
	json_t			*j;
	char			*pw = NULL, *cause = NULL;
	int			 json = 0, rc, port, on, alive;

	if ((name = cli_vm_args("vnc", argc, argv, "j", json_opts,
	    cli_json_flag, &json, &rc)) == NULL)
		return (rc);
	if ((def = cli_vm_load(cli, name)) == NULL)
		return (CLI_FAIL);
	on = def->vnc_tcp;
	vmdef_free(def);
	if (!on) {
		cli_error("VM %s has no VNC over TCP (vmdesk set %s "
		    "vnc_tcp=yes turns it on)", name, name);
		return (CLI_FAIL);
	}
	if (cli_vm_observe(cli, name, &p, &st) != CLI_OK)
		return (CLI_FAIL);
	alive = vmstate_is_alive(st.state);
	vm_status_clear(&st);
	if (!alive) {
		vm_paths_clear(&p);
		cli_error("VM %s is not running", name);
		return (CLI_FAIL);
	}
	rc = vmproc_vnc_tcp(&p, &port, &pw, &cause);
	vm_paths_clear(&p);
	if (rc != 0) {
		cli_error("VM %s: VNC over TCP: %s", name, cause);
		free(cause);
		return (CLI_FAIL);
	}
	if (json) {
		j = json_object();
		json_object_set_new(j, "name", json_string(name));
		json_object_set_new(j, "address", json_string("127.0.0.1"));
		json_object_set_new(j, "port", json_integer(port));
		json_object_set_new(j, "url",
		    json_sprintf("vnc://127.0.0.1:%d", port));
		json_object_set_new(j, "password", json_string(pw));
		cli_json_print(j);
	} else
		printf("vnc://127.0.0.1:%d\npassword %s\n", port, pw);
	explicit_bzero(pw, strlen(pw));
	free(pw);
	return (CLI_OK);
}

/* ---- delete and rename --------------------------------------------------- */

static int
cli_force_flag(int c, const char *val, void *arg)
{
	if (c != 'f')
		return (-1);
	*(int *)arg = 1;
	return (0);
}

int
cli_vm_delete(struct cli *cli, int argc, char **argv)
{
	static const struct option	opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	const char			*name;
	char				*cause = NULL;
	int				 force = 0, rc;

	if ((name = cli_vm_args("delete", argc, argv, "f", opts,
	    cli_force_flag, &force, &rc)) == NULL)
		return (rc);
	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	if (vmctl_delete(cli->lib, name, force, &cause) != 0)
		return (cli_fail(cause));
	printf("Deleted VM %s.\n", name);
	return (CLI_OK);
}

int
cli_vm_rename(struct cli *cli, int argc, char **argv)
{
	char	*cause = NULL;

	if (argc != 3)
		return (cli_usage("rename"));
	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	if (vmctl_rename(cli->lib, argv[1], argv[2], &cause) != 0)
		return (cli_fail(cause));
	printf("Renamed VM %s to %s.\n", argv[1], argv[2]);
	return (CLI_OK);
}

/* ---- demo ---------------------------------------------------------------- */

int
cli_vm_demo(struct cli *cli, int argc, char **argv)
{
	struct create_args	 a;
	struct vm_paths		 p;
	struct vm_status	 st;
	const char		*name = argc > 1 ? argv[1] : "demo";
	int			 rc;

	if (argc > 2)
		return (cli_usage("demo"));
	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	if (!library_exists(cli->lib, name)) {
		printf("Creating VM %s from template tinylinux...\n", name);
		memset(&a, 0, sizeof a);
		a.template = "tinylinux";
		if ((rc = cli_create(cli, name, &a)) != CLI_OK)
			return (rc);
	}
	if (cli_paths(cli, name, &p) != CLI_OK)
		return (CLI_FAIL);
	vmproc_status(&p, VMPROC_QMP_QUICK, &st);
	vm_paths_clear(&p);
	if (!vmstate_is_alive(st.state)) {
		printf("Starting VM %s...\n", name);
		if ((rc = cli_vm_start_one(cli, name, 0)) != CLI_OK) {
			vm_status_clear(&st);
			return (rc);
		}
	} else if (st.state == VM_PAUSED)
		printf("VM %s is paused: F5 in the desktop resumes it\n", name);
	vm_status_clear(&st);
	/* Without a terminal (a script), the serial console still works. */
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return (cli_console_attach(cli, name));
	return (cli_desktop_run(cli, name));
}
