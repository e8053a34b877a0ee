/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/snapshot.h"
#include "backend/vmproc.h"
#include "core/names.h"
#include "core/settings.h"
#include "ops/hostres.h"
#include "ops/hwdisk.h"
#include "ops/lab.h"
#include "ops/labguest.h"
#include "ops/vmcreate.h"
#include "ops/vmctl.h"
#include "util/cancel.h"
#include "util/fsutil.h"
#include "util/ini.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

#define LAB_DIR		"labs"
#define LAB_STOP_WAIT	60	/* seconds a guest has to power off */

/* One run of an action: the lab, what it did, how to tell. */
struct lab_ctx {
	const struct library	*lib;
	const struct lab_hooks	*hooks;
	struct lab		*lab;	/* NULL: the record only */
	char			*name;
	char			*baseline;
	struct settings		 set;
	struct strv		 done;		/* "made web-1", ... */
	struct strv		 failed;	/* "web-2: why" */
};

static const char *const lab_verb_names[] = {
	"nothing", "create", "change", "start"
};

const char *
lab_verb_name(enum lab_verb v)
{
	return (lab_verb_names[v]);
}

static void
lab_say(struct lab_ctx *c, const char *vm, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
lab_say(struct lab_ctx *c, const char *vm, const char *fmt, ...)
{
	va_list	 ap;
	char	*text;

	if (c->hooks->progress == NULL)
		return;
	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	c->hooks->progress(c->hooks->arg, vm, text);
	free(text);
}

/* The record of lab name: home/labs/NAME.conf. Caller frees. */
static char *
lab_record_path(const struct library *lib, const char *name)
{
	char	*dir, *file, *path;

	dir = fs_path_join(lib->home, LAB_DIR);
	file = xasprintf("%s.conf", name);
	path = fs_path_join(dir, file);
	free(dir);
	free(file);
	return (path);
}

static int
lab_record_write(const struct library *lib, const struct lab *lab,
    char **cause)
{
	char	*dir, *path, *text, *qf, *qb;
	int	 rc;

	dir = fs_path_join(lib->home, LAB_DIR);
	if (fs_mkdir_p(dir, 0700, cause) != 0) {
		free(dir);
		return (-1);
	}
	free(dir);
	qf = ini_quote(lab->file);
	qb = ini_quote(lab->baseline);
	text = xasprintf("# Written by vmdesk up: the lab's file and its "
	    "baseline snapshot.\n[lab]\nname = %s\nfile = %s\nbaseline = %s\n",
	    lab->name, qf, qb);
	path = lab_record_path(lib, lab->name);
	rc = fs_write_atomic(path, text, strlen(text), 0600, cause);
	free(path);
	free(text);
	free(qf);
	free(qb);
	return (rc);
}

/* A key of the record of lab name. Caller frees. */
static char *
lab_record_get(const struct library *lib, const char *name, const char *key,
    char **cause)
{
	struct ini	*ini;
	char		*path, *value = NULL;
	size_t		 i;

	path = lab_record_path(lib, name);
	if (!fs_exists(path)) {
		*cause = xasprintf("no lab %s (vmdesk lab list shows them)",
		    name);
		free(path);
		return (NULL);
	}
	ini = ini_load(path, cause);
	free(path);
	if (ini == NULL)
		return (NULL);
	for (i = 0; i < ini->nentries && value == NULL; i++) {
		if (strcmp(ini->entries[i].key, key) == 0)
			value = xstrdup(ini->entries[i].value);
	}
	ini_free(ini);
	if (value == NULL)
		*cause = xasprintf("lab %s's record has no %s", name, key);
	return (value);
}

char *
lab_file_of(const struct library *lib, const char *name, char **cause)
{
	return (lab_record_get(lib, name, "file", cause));
}

static int
lab_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

int
lab_names(const struct library *lib, struct strv *out, char **cause)
{
	struct dirent	*de;
	DIR		*d;
	char		*dir;
	size_t		 i;

	(void)cause;
	dir = fs_path_join(lib->home, LAB_DIR);
	d = opendir(dir);
	free(dir);
	if (d == NULL)
		return (0);
	while ((de = readdir(d)) != NULL) {
		if (str_has_suffix(de->d_name, ".conf") &&
		    de->d_name[0] != '.')
			strv_push(out, de->d_name);
	}
	closedir(d);
	for (i = 0; i < out->n; i++)
		out->v[i][strlen(out->v[i]) - 5] = '\0';
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, lab_cmp);
	return (0);
}

int
lab_members(const struct library *lib, const char *name, struct strv *out,
    char **cause)
{
	struct strv	 all;
	struct vm_def	*def;
	char		*why = NULL;
	size_t		 i;

	strv_init(&all);
	if (library_list(lib, &all, cause) != 0)
		return (-1);
	for (i = 0; i < all.n; i++) {
		if ((def = library_load(lib, all.v[i], &why)) == NULL) {
			free(why);
			why = NULL;
			continue;
		}
		if (def->lab != NULL && strcmp(def->lab, name) == 0)
			strv_push(out, all.v[i]);
		vmdef_free(def);
	}
	strv_clear(&all);
	return (0);
}

/* What differs between a VM's definition and what the lab says. */
static int
lab_plan_changes(const struct lab *lab, struct lab_plan_vm *p,
    struct vm_def *def, char **cause)
{
	struct vm_def	*want;
	char		*text, *from, *to, *why = NULL;
	size_t		 i;
	int		 rc = 0, differs;

	text = vmdef_format(def);
	want = vmdef_parse(text, strlen(text), def->name, cause);
	free(text);
	if (want == NULL || labfile_apply(want, p->vm, lab->file, cause) != 0) {
		vmdef_free(want);
		return (-1);
	}
	for (i = 0; i < p->vm->nkeys && rc == 0; i++) {
		/* No such section yet: the lab adds it. */
		if (vmdef_get(def, p->vm->keys[i].key, &from, &why) != 0) {
			free(why);
			why = NULL;
		}
		if ((rc = vmdef_get(want, p->vm->keys[i].key, &to,
		    cause)) != 0) {
			free(from);
			break;
		}
		differs = (from == NULL) != (to == NULL) || (from != NULL &&
		    strcmp(from, to) != 0);
		if (differs) {
			p->changes = xreallocarray(p->changes, p->nchanges + 1,
			    sizeof *p->changes);
			p->changes[p->nchanges].key =
			    xstrdup(p->vm->keys[i].key);
			p->changes[p->nchanges].from = from;
			p->changes[p->nchanges++].to = to;
		} else {
			free(from);
			free(to);
		}
	}
	vmdef_free(want);
	return (rc);
}

/* A VM that exists: whose it is, what differs, whether it runs. */
static int
lab_plan_existing(const struct library *lib, const struct lab *lab,
    struct lab_plan_vm *p, char **cause)
{
	struct vm_def	*def;
	size_t		 i;
	int		 rc;

	if ((def = library_load(lib, p->vm->name, cause)) == NULL)
		return (-1);
	if (def->lab == NULL || strcmp(def->lab, lab->name) != 0) {
		*cause = xasprintf("VM %s exists and is not lab %s's%s%s%s: "
		    "rename it or the lab's VM", p->vm->name, lab->name,
		    def->lab != NULL ? " (it is lab " : "",
		    def->lab != NULL ? def->lab : "",
		    def->lab != NULL ? "'s)" : "");
		vmdef_free(def);
		return (-1);
	}
	rc = lab_plan_changes(lab, p, def, cause);
	for (i = 0; rc == 0 && i < p->vm->ndisks; i++) {
		if (vmdef_section(def, "disk", p->vm->disks[i].name) == NULL)
			strv_push(&p->disks, p->vm->disks[i].name);
	}
	vmdef_free(def);
	p->running = vmctl_running(lib, p->vm->name);
	if (p->nchanges > 0 || p->disks.n > 0)
		p->verb = LAB_CHANGE;
	else
		p->verb = p->running ? LAB_NOTHING : LAB_START;
	return (rc);
}

static void
lab_plan_strays(const struct library *lib, const struct lab *lab,
    struct lab_plan *plan)
{
	struct strv	 members;
	char		*why = NULL;
	size_t		 i;

	strv_init(&members);
	if (lab_members(lib, lab->name, &members, &why) != 0)
		free(why);
	for (i = 0; i < members.n; i++) {
		if (labfile_vm(lab, members.v[i]) == NULL)
			strv_push(&plan->strays, members.v[i]);
	}
	strv_clear(&members);
}

int
lab_plan(const struct library *lib, const struct lab *lab,
    struct lab_plan *plan, char **cause)
{
	struct lab_plan_vm	*p;
	size_t			 i;

	memset(plan, 0, sizeof *plan);
	strv_init(&plan->strays);
	plan->vms = xcalloc(lab->nvms, sizeof *plan->vms);
	for (i = 0; i < lab->nvms; i++) {
		p = &plan->vms[plan->nvms++];
		p->vm = &lab->vms[i];
		strv_init(&p->disks);
		if (!library_exists(lib, p->vm->name))
			p->verb = LAB_CREATE;
		else if (lab_plan_existing(lib, lab, p, cause) != 0) {
			lab_plan_clear(plan);
			return (-1);
		}
	}
	lab_plan_strays(lib, lab, plan);
	return (0);
}

void
lab_plan_clear(struct lab_plan *plan)
{
	size_t	i, j;

	for (i = 0; i < plan->nvms; i++) {
		for (j = 0; j < plan->vms[i].nchanges; j++) {
			free(plan->vms[i].changes[j].key);
			free(plan->vms[i].changes[j].from);
			free(plan->vms[i].changes[j].to);
		}
		free(plan->vms[i].changes);
		strv_clear(&plan->vms[i].disks);
	}
	free(plan->vms);
	strv_clear(&plan->strays);
	memset(plan, 0, sizeof *plan);
}

size_t
lab_plan_actions(const struct lab_plan *plan)
{
	size_t	i, n = 0;

	for (i = 0; i < plan->nvms; i++)
		n += plan->vms[i].verb != LAB_NOTHING;
	return (n);
}

/* Whether a signal asked the run to stop. */
static int
lab_stopped(struct lab_ctx *c)
{
	(void)c;
	return (cancel_signal() != 0);
}

/* A new VM's definition: the lab's keys and its name on it. */
static int
lab_create_edit(struct vm_def *def, void *arg, char **cause)
{
	struct lab_ctx		*c = arg;
	const struct lab_vm	*vm = labfile_vm(c->lab, def->name);

	if (labfile_apply(def, vm, c->lab->file, cause) != 0)
		return (-1);
	free(def->lab);
	def->lab = xstrdup(c->lab->name);
	return (0);
}

static int
lab_create_progress(void *arg, const char *what, uint64_t done,
    uint64_t total)
{
	(void)arg;
	(void)what;
	(void)done;
	(void)total;
	return (cancel_signal() != 0);
}

static int
lab_add_disks(struct lab_ctx *c, const struct lab_vm *vm,
    const struct strv *only, char **cause)
{
	struct hwdisk_add	 add;
	enum vmctl_when		 when;
	int			 bus = 0;
	size_t			 i;

	for (i = 0; i < vm->ndisks; i++) {
		if (only != NULL && strv_find(only, vm->disks[i].name) < 0)
			continue;
		memset(&add, 0, sizeof add);
		add.disk = vm->disks[i].name;
		add.size = vm->disks[i].size;
		if (vm->disks[i].bus != NULL && vmdef_enum_value("bus",
		    vm->disks[i].bus, &bus, cause) != 0)
			return (-1);
		add.bus = (enum vm_disk_bus)bus;
		if (hwdisk_add(c->lib, vm->name, &add, &when, cause) != 0) {
			hwdisk_add_clear(&add);
			return (-1);
		}
		lab_say(c, vm->name, "added disk %s", add.name);
		hwdisk_add_clear(&add);
	}
	return (0);
}

static int
lab_create(struct lab_ctx *c, const struct lab_vm *vm, char **cause)
{
	struct template_opts	 opt;
	struct template		*t;
	struct strv		 dirs;
	char			*note = NULL;
	int			 rc;

	strv_init(&dirs);
	template_dirs(c->lib, &dirs);
	t = template_find(&dirs, vm->template, cause);
	strv_clear(&dirs);
	if (t == NULL)
		return (-1);
	memset(&opt, 0, sizeof opt);
	opt.edit = lab_create_edit;
	opt.edit_arg = c;
	if (vm->cloud_init) {
		opt.user = vm->user;
		opt.password = vm->password;
		opt.ssh_keys = &vm->ssh_keys;
		opt.runcmds = &vm->provision;
	}
	lab_say(c, vm->name, "creating from %s", vm->template);
	rc = vmcreate_from_template(c->lib, t, vm->name, &opt,
	    lab_create_progress, c, &note, cause);
	template_free(t);
	if (note != NULL)
		lab_say(c, vm->name, "%s", note);
	free(note);
	if (rc == 0) {
		strv_pushf(&c->done, "made %s", vm->name);
		rc = lab_add_disks(c, vm, NULL, cause);
	}
	return (rc);
}

/* Set the changed keys of a stopped VM. */
static int
lab_change_edit(struct vm_def *def, void *arg, char **cause)
{
	const struct lab_plan_vm	*p = arg;
	size_t				 i;

	for (i = 0; i < p->nchanges; i++) {
		if (vmdef_assign(def, p->changes[i].key, p->changes[i].to,
		    VMDEF_KEY_SET, cause) != 0)
			return (-1);
	}
	return (0);
}

/* Apply a VM's changes; a running one is stopped first with --restart. */
static int
lab_change(struct lab_ctx *c, struct lab_plan_vm *p, char **cause)
{
	enum vmctl_outcome	out;

	if (p->nchanges > 0 && p->running) {
		if (!(c->hooks->flags & LAB_RESTART)) {
			strv_pushf(&c->failed, "%s runs: %s and %zu more "
			    "change(s) need a restart (up --restart)",
			    p->vm->name, p->changes[0].key, p->nchanges - 1);
			lab_say(c, p->vm->name, "runs: not changed (up "
			    "--restart stops it to change it)");
			return (lab_add_disks(c, p->vm, &p->disks, cause));
		}
		lab_say(c, p->vm->name, "stopping to apply %zu change(s)",
		    p->nchanges);
		if (vmctl_stop(c->lib, p->vm->name, LAB_STOP_WAIT, 1, &out,
		    cause) != 0)
			return (-1);
		p->running = 0;
	}
	if (p->nchanges > 0) {
		if (vmctl_update(c->lib, p->vm->name, VMCTL_LOCK_WAIT,
		    lab_change_edit, p, cause) != 0)
			return (-1);
		strv_pushf(&c->done, "changed %s", p->vm->name);
		lab_say(c, p->vm->name, "changed %zu key(s)", p->nchanges);
	}
	return (lab_add_disks(c, p->vm, &p->disks, cause));
}

/* Say what of the host the VMs up makes or changes reach. */
static void
lab_say_host_access(struct lab_ctx *c, const struct lab_plan *plan)
{
	const struct lab_vm	*vm;
	const char		*what;
	size_t			 i, j;

	for (i = 0; i < plan->nvms; i++) {
		vm = plan->vms[i].vm;
		for (j = 0; j < vm->nkeys; j++) {
			if ((plan->vms[i].verb == LAB_CREATE ||
			    plan->vms[i].verb == LAB_CHANGE) &&
			    (what = labfile_host_access(&vm->keys[j])) != NULL)
				lab_say(c, vm->name, "reaches the host: %s = %s "
				    "(%s)", vm->keys[j].key, vm->keys[j].value,
				    what);
		}
	}
}

/* Make and change what the plan says, VM by VM. */
static int
lab_up_make(struct lab_ctx *c, struct lab_plan *plan, char **cause)
{
	struct lab_plan_vm	*p;
	char			*why = NULL;
	size_t			 i;
	int			 rc = 0;

	for (i = 0; i < plan->nvms && rc == 0; i++) {
		p = &plan->vms[i];
		if (lab_stopped(c))
			return (-1);
		if (p->verb == LAB_CREATE)
			rc = lab_create(c, p->vm, &why);
		else if (p->verb == LAB_CHANGE)
			rc = lab_change(c, p, &why);
		if (rc != 0) {
			*cause = xasprintf("%s: %s", p->vm->name, why);
			free(why);
		}
	}
	return (rc);
}

/* Whether vm has a snapshot named name. */
static int
lab_has_snapshot(const struct library *lib, const char *vm, const char *name)
{
	struct snapshot_vm	*sv;
	char			*why = NULL;
	int			 found;

	if ((sv = snapshot_view(lib, vm, VMCTL_LOCK_WAIT, &why)) == NULL) {
		free(why);
		return (0);
	}
	found = snapshot_find(sv, name, &why) != NULL;
	free(why);
	snapshot_close(sv);
	return (found);
}

static int
lab_baseline(struct lab_ctx *c, const char *vm, int again, char **cause)
{
	struct snapshot_vm	*sv;
	char			*note, *why = NULL;
	int			 rc = 0;

	if ((sv = snapshot_open(c->lib, vm, VMCTL_LOCK_WAIT, cause)) == NULL)
		return (-1);
	if (again && snapshot_find(sv, c->baseline, &why) != NULL)
		rc = snapshot_delete(sv, c->baseline, cause);
	free(why);
	note = xasprintf("lab %s's baseline (vmdesk lab reset)", c->name);
	if (rc == 0)
		rc = snapshot_create(sv, c->baseline, note, 0, cause);
	free(note);
	snapshot_close(sv);
	if (rc == 0)
		lab_say(c, vm, "baseline snapshot %s taken", c->baseline);
	return (rc);
}

/*
 * Whether the host has the memory for the VMs about to start: short of
 * it, -1 and *cause name them with the figures (LAB_FORCE goes on).
 */
static int
lab_up_fits(struct lab_ctx *c, const struct lab_plan *plan, char **cause)
{
	struct hostres_check	 chk;
	struct strv		 names;
	char			*mem, *cpus;
	size_t			 i;
	int			 rc;

	strv_init(&names);
	for (i = 0; i < plan->nvms; i++) {
		if (!vmctl_running(c->lib, plan->vms[i].vm->name))
			strv_push(&names, plan->vms[i].vm->name);
	}
	if (names.n == 0) {
		strv_clear(&names);
		return (0);	/* nothing starts: nothing to weigh */
	}
	rc = hostres_check(c->lib, &names, &chk, cause);
	strv_clear(&names);
	if (rc != 0)
		return (-1);
	mem = hostres_memory_message(&chk);
	cpus = hostres_cpus_message(&chk);
	hostres_check_clear(&chk);
	if (cpus != NULL)
		lab_say(c, NULL, "warning: %s", cpus);
	free(cpus);
	if (mem != NULL && (c->hooks->flags & LAB_FORCE))
		lab_say(c, NULL, "warning: %s (--force: starting anyway)", mem);
	else if (mem != NULL) {
		*cause = xasprintf("%s (up --force starts them anyway)", mem);
		rc = -1;
	}
	free(mem);
	return (rc);
}

/* Start the stopped VMs of the plan; offsets[i] marks their serial logs. */
static int
lab_up_start(struct lab_ctx *c, struct lab_plan *plan, int *started,
    long long *offsets, char **cause)
{
	struct lab_plan_vm	*p;
	char			*note = NULL;
	pid_t			 pid;
	size_t			 i;

	for (i = 0; i < plan->nvms; i++) {
		p = &plan->vms[i];
		if (lab_stopped(c))
			return (-1);
		if (p->verb != LAB_CREATE && vmctl_running(c->lib, p->vm->name))
			continue;
		offsets[i] = labguest_log_size(c->lib, p->vm->name);
		lab_say(c, p->vm->name, "starting");
		if (vmctl_start(c->lib, &c->set, p->vm->name, 0, &pid, &note,
		    cause) != 0)
			return (-1);
		free(note);
		note = NULL;
		started[i] = 1;
		strv_pushf(&c->done, "started %s", p->vm->name);
	}
	return (0);
}

/*
 * Wait for every VM up started; type the provision commands of those
 * without cloud-init (at their first boot, or every boot of a VM that
 * keeps its state in RAM); take the baselines that are due.
 */
static int
lab_up_ready(struct lab_ctx *c, struct lab_plan *plan, const int *started,
    const long long *offsets, char **cause)
{
	struct lab_plan_vm	*p;
	size_t			 i;
	int			 first, again;

	for (i = 0; i < plan->nvms; i++) {
		p = &plan->vms[i];
		first = p->verb == LAB_CREATE;
		if (started[i] && p->vm->ready != NULL) {
			lab_say(c, p->vm->name, "booting");
			if (labguest_wait(c->lib, p->vm->name, p->vm->ready,
			    offsets[i], p->vm->timeout, cause) != 0)
				return (-1);
			lab_say(c, p->vm->name, "ready");
		}
		if (started[i] && !p->vm->cloud_init &&
		    p->vm->provision.n > 0 && (first || p->vm->ram_only)) {
			lab_say(c, p->vm->name, "provisioning");
			if (labguest_provision(c->lib, p->vm, cause) != 0)
				return (-1);
		}
		again = p->nchanges > 0 && started[i];
		if (first || again ||
		    !lab_has_snapshot(c->lib, p->vm->name, c->baseline)) {
			if (lab_baseline(c, p->vm->name, again, cause) != 0)
				return (-1);
		}
	}
	return (0);
}

static int
lab_up(struct lab_ctx *c, char **cause)
{
	struct lab_plan	 plan;
	long long	*offsets;
	int		*started, rc;

	if (lab_plan(c->lib, c->lab, &plan, cause) != 0)
		return (-1);
	if (lab_record_write(c->lib, c->lab, cause) != 0) {
		lab_plan_clear(&plan);
		return (-1);
	}
	started = xcalloc(plan.nvms, sizeof *started);
	offsets = xcalloc(plan.nvms, sizeof *offsets);
	lab_say_host_access(c, &plan);
	rc = lab_up_make(c, &plan, cause);
	if (rc == 0)
		rc = lab_up_fits(c, &plan, cause);
	if (rc == 0)
		rc = lab_up_start(c, &plan, started, offsets, cause);
	if (rc == 0)
		rc = lab_up_ready(c, &plan, started, offsets, cause);
	if (rc == 0 && c->failed.n > 0)
		rc = -1;
	else if (rc == 0)
		lab_say(c, NULL, "Lab %s is up: %zu VM(s).", c->name,
		    plan.nvms);
	free(started);
	free(offsets);
	lab_plan_clear(&plan);
	return (rc);
}

/* The lab's VMs: its members in the library. */
static int
lab_each(struct lab_ctx *c, int (*fn)(struct lab_ctx *, const char *,
    char **), char **cause)
{
	struct strv	 vms;
	char		*why = NULL;
	size_t		 i;

	strv_init(&vms);
	if (lab_members(c->lib, c->name, &vms, cause) != 0)
		return (-1);
	for (i = 0; i < vms.n && !lab_stopped(c); i++) {
		if (fn(c, vms.v[i], &why) != 0) {
			strv_pushf(&c->failed, "%s: %s", vms.v[i], why);
			lab_say(c, vms.v[i], "failed: %s", why);
			free(why);
			why = NULL;
		}
	}
	strv_clear(&vms);
	return (lab_stopped(c) || c->failed.n > 0 ? -1 : 0);
}

static int
lab_down_vm(struct lab_ctx *c, const char *vm, char **cause)
{
	enum vmctl_outcome	out;

	lab_say(c, vm, "stopping");
	if (vmctl_stop(c->lib, vm, LAB_STOP_WAIT, 1, &out, cause) != 0)
		return (-1);
	if (out != VMCTL_ALREADY)
		strv_pushf(&c->done, "stopped %s", vm);
	lab_say(c, vm, out == VMCTL_ALREADY ? "was stopped" : "stopped");
	return (0);
}

static int
lab_reset_vm(struct lab_ctx *c, const char *vm, char **cause)
{
	struct snapshot_vm	*sv;
	int			 rc, started = 0;

	lab_say(c, vm, "reverting to %s", c->baseline);
	if ((sv = snapshot_open(c->lib, vm, VMCTL_LOCK_WAIT, cause)) == NULL)
		return (-1);
	rc = snapshot_revert(sv, c->baseline, &c->set, &started, cause);
	snapshot_close(sv);
	if (rc == 0) {
		strv_pushf(&c->done, "reset %s", vm);
		lab_say(c, vm, "reset");
	}
	return (rc);
}

static int
lab_destroy_vm(struct lab_ctx *c, const char *vm, char **cause)
{
	lab_say(c, vm, "deleting");
	if (vmctl_delete(c->lib, vm, 1, cause) != 0)
		return (-1);
	strv_pushf(&c->done, "deleted %s", vm);
	lab_say(c, vm, "deleted");
	return (0);
}

static int
lab_destroy(struct lab_ctx *c, char **cause)
{
	char	*path;

	if (lab_each(c, lab_destroy_vm, cause) != 0)
		return (-1);
	path = lab_record_path(c->lib, c->name);
	if (unlink(path) != 0 && errno != ENOENT) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		return (-1);
	}
	free(path);
	return (0);
}

/*
 * What the action works on: a lab file, or (but for up) a lab the
 * library records, by name.
 */
static int
lab_ctx_open(struct lab_ctx *c, const char *target, enum lab_action act,
    char **cause)
{
	if (fs_exists(target) || act == LAB_UP || strchr(target, '/') != NULL) {
		if ((c->lab = labfile_load(c->lib, target, cause)) == NULL)
			return (-1);
		c->name = xstrdup(c->lab->name);
		c->baseline = xstrdup(c->lab->baseline);
		return (0);
	}
	if ((c->baseline = lab_record_get(c->lib, target, "baseline",
	    cause)) == NULL)
		return (-1);
	c->name = xstrdup(target);
	return (0);
}

/* What a lab is after each action but up (which says more). */
static const char *const lab_done_words[] = {
	NULL, "down", "reset to its baseline", "destroyed"
};

/* *cause of an interrupted or partly failed run: what was done. */
static void
lab_outcome(struct lab_ctx *c, char **cause)
{
	char	*done, *failed, *why = *cause;

	done = c->done.n > 0 ? strv_join(&c->done, ", ") : xstrdup("nothing");
	if (cancel_signal() != 0)
		*cause = xasprintf("interrupted; done: %s", done);
	else if (why == NULL && c->failed.n > 0) {
		failed = strv_join(&c->failed, "; ");
		*cause = xasprintf("%s (done: %s)", failed, done);
		free(failed);
	} else
		*cause = xasprintf("%s (done: %s)", why, done);
	free(why);
	free(done);
}

int
lab_run(const struct library *lib, const char *target, enum lab_action act,
    const struct lab_hooks *hooks, char **cause)
{
	static const struct lab_hooks	 quiet;
	struct lab_ctx			 c;
	struct cancel			 cc;
	int				 rc;

	memset(&c, 0, sizeof c);
	c.lib = lib;
	c.hooks = hooks != NULL ? hooks : &quiet;
	strv_init(&c.done);
	strv_init(&c.failed);
	if (settings_load(&c.set, cause) != 0)
		return (-1);
	cancel_catch(&cc, CANCEL_INT | CANCEL_TERM | CANCEL_HUP);
	if ((rc = lab_ctx_open(&c, target, act, cause)) == 0) {
		switch (act) {
		case LAB_UP:
			rc = lab_up(&c, cause);
			break;
		case LAB_DOWN:
			rc = lab_each(&c, lab_down_vm, cause);
			break;
		case LAB_RESET:
			rc = lab_each(&c, lab_reset_vm, cause);
			break;
		case LAB_DESTROY:
			rc = lab_destroy(&c, cause);
			break;
		}
		if (rc != 0)
			lab_outcome(&c, cause);
		else if (act != LAB_UP)
			lab_say(&c, NULL, "Lab %s is %s.", c.name,
			    lab_done_words[act]);
	}
	cancel_release(&cc);
	settings_clear(&c.set);
	labfile_free(c.lab);
	free(c.name);
	free(c.baseline);
	strv_clear(&c.done);
	strv_clear(&c.failed);
	return (rc);
}
