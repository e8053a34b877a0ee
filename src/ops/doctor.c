/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The library's leftovers and damage, found by files, mended with care. */
#include "config.h"

#include "ops/doctor.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/qemu_img.h"
#include "backend/vmproc.h"
#include "core/names.h"
#include "core/snaptree.h"
#include "images/imgcache.h"
#include "ops/vmctl.h"
#include "util/fsutil.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* A file some chain reaches. */
struct doctor_use {
	dev_t	dev;
	ino_t	ino;
};

/*
 * A folder entry some chain names: its folder (device and inode, after
 * resolving) and its name there. A second (hard) link to a used file is
 * not used: removing it frees nothing, and a crashed linked clone leaves
 * just that.
 */
struct doctor_entry {
	dev_t	 dev;
	ino_t	 ino;
	char	*name;
};

struct doctor_ctx {
	const struct library	*lib;
	struct doctor_findings	*out;
	struct doctor_use	*uses;
	size_t			 nuses;
	struct doctor_entry	*entries;
	size_t			 nentries;
	struct strv		 running;	/* VMs alive: never touched */
	char			*unsure;	/* why strays must be kept */
};

static const char *const doctor_reasons[] = {
	[DOCTOR_TEMP] = "temp file of an interrupted write",
	[DOCTOR_CLONE_TEMP] = "overlay of an interrupted linked clone",
	[DOCTOR_STAGING] = "staging folder of an interrupted create or clone",
	[DOCTOR_DELETED] = "folder of an interrupted delete",
	[DOCTOR_STRAY_DISK] = "disk that no VM's backing chain reaches",
	[DOCTOR_STRAY_BASE] = "linked-clone base no VM's backing chain "
	    "reaches",
	[DOCTOR_RUNTIME] = "runtime folder of a VM that is not running",
	[DOCTOR_BROKEN_CHAIN] = NULL,
	[DOCTOR_BAD_CHAIN] = NULL,
	[DOCTOR_BAD_SNAPTREE] = NULL,
};

int
doctor_is_damage(enum doctor_kind kind)
{
	return (doctor_reasons[kind] == NULL);
}

/* Add a finding; reason NULL takes the kind's words. */
static struct doctor_finding *
doctor_add(struct doctor_ctx *ctx, enum doctor_kind kind, const char *path,
    char *reason)
{
	struct doctor_findings	*o = ctx->out;
	struct doctor_finding	*f;

	o->v = xreallocarray(o->v, o->n + 1, sizeof *o->v);
	f = &o->v[o->n++];
	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->path = xstrdup(path);
	f->reason = reason != NULL ? reason : xstrdup(doctor_reasons[kind]);
	f->fixable = !doctor_is_damage(kind);
	return (f);
}

void
doctor_findings_clear(struct doctor_findings *o)
{
	size_t	i;

	for (i = 0; i < o->n; i++) {
		free(o->v[i].path);
		free(o->v[i].reason);
		free(o->v[i].why_kept);
		free(o->v[i].error);
	}
	free(o->v);
	memset(o, 0, sizeof *o);
}

/* ---- Temp files and staging folders ------------------------------------- */

/*
 * Whether the vmdesk whose pid ends NAME ("-PID" or ".PID") still runs.
 * A live pid that is not a vmdesk was reused: the owner is gone.
 */
static int
doctor_owner_alive(const char *name)
{
	const char	*p;
	char		*end, path[64], comm[64];
	long		 pid;
	FILE		*f;
	int		 alive;

	if ((p = strrchr(name, '-')) == NULL ||
	    (strrchr(name, '.') != NULL && strrchr(name, '.') > p))
		p = strrchr(name, '.');
	if (p == NULL)
		return (0);
	pid = strtol(p + 1, &end, 10);
	if (*end != '\0' || pid <= 0 || pid > INT_MAX)
		return (0);
	if (kill((pid_t)pid, 0) != 0 && errno != EPERM)
		return (0);
	snprintf(path, sizeof path, "/proc/%ld/comm", pid);
	if ((f = fopen(path, "r")) == NULL)
		return (1);
	alive = fgets(comm, sizeof comm, f) == NULL ||
	    strstr(comm, "vmdesk") != NULL;
	fclose(f);
	return (alive);
}

/* The kind of a folder entry left by an interrupted write, or -1. */
static int
doctor_temp_kind(const char *name)
{
	if (strstr(name, ".tmp.") != NULL)
		return (DOCTOR_TEMP);
	if (name[0] == '.' && strstr(name, ".clone-") != NULL)
		return (DOCTOR_CLONE_TEMP);
	return (-1);
}

/*
 * Temp files in a VM folder (and its snapshots folder). Those of a
 * vmdesk that is gone go even while the VM runs: QEMU never opens them.
 */
static void
doctor_temps(struct doctor_ctx *ctx, const char *dir, int deeper)
{
	struct dirent		*de;
	DIR			*dp;
	char			*path;
	int			 kind;

	if ((dp = opendir(dir)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		path = fs_path_join(dir, de->d_name);
		if (deeper && strcmp(de->d_name, "snapshots") == 0)
			doctor_temps(ctx, path, 0);
		else if ((kind = doctor_temp_kind(de->d_name)) >= 0 &&
		    !doctor_owner_alive(de->d_name))
			doctor_add(ctx, kind, path, NULL);
		free(path);
	}
	closedir(dp);
}

/* Staging folders of creates and moved-aside folders of deletes. */
static void
doctor_staging(struct doctor_ctx *ctx)
{
	struct dirent	*de;
	DIR		*dp;
	char		*path;
	int		 kind;

	if ((dp = opendir(ctx->lib->vms)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		path = fs_path_join(ctx->lib->vms, de->d_name);
		kind = -1;
		if (strncmp(de->d_name, ".new-", 5) == 0)
			kind = DOCTOR_STAGING;
		else if (strncmp(de->d_name, ".deleted-", 9) == 0)
			kind = DOCTOR_DELETED;
		else if (de->d_name[0] != '.')
			doctor_temps(ctx, path, 1);
		else if ((kind = doctor_temp_kind(de->d_name)) < 0)
			kind = -1;
		if (kind >= 0 && doctor_owner_alive(de->d_name)) {
			if (kind == DOCTOR_STAGING && ctx->unsure == NULL)
				ctx->unsure = xstrdup("a create or clone is "
				    "under way");
		} else if (kind >= 0)
			doctor_add(ctx, kind, path, NULL);
		free(path);
	}
	closedir(dp);
}

/* ---- What every VM uses ------------------------------------------------- */

static void
doctor_use(struct doctor_ctx *ctx, dev_t dev, ino_t ino)
{
	ctx->uses = xreallocarray(ctx->uses, ctx->nuses + 1,
	    sizeof *ctx->uses);
	ctx->uses[ctx->nuses].dev = dev;
	ctx->uses[ctx->nuses++].ino = ino;
}

/* The folder a path's entry is in, and its name there. */
static int
doctor_entry_of(const char *path, struct stat *dsb, const char **name)
{
	char	*dir, *slash;
	int	 rc;

	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) == NULL) {
		free(dir);
		dir = xstrdup(".");
		*name = path;
	} else {
		*slash = '\0';
		*name = path + (slash - dir) + 1;
	}
	rc = stat(*dir == '\0' ? "/" : dir, dsb);
	free(dir);
	return (rc);
}

static void
doctor_entry_add(struct doctor_ctx *ctx, const char *path)
{
	struct doctor_entry	*e;
	struct stat		 dsb;
	const char		*name;

	if (doctor_entry_of(path, &dsb, &name) != 0)
		return;
	ctx->entries = xreallocarray(ctx->entries, ctx->nentries + 1,
	    sizeof *ctx->entries);
	e = &ctx->entries[ctx->nentries++];
	e->dev = dsb.st_dev;
	e->ino = dsb.st_ino;
	e->name = xstrdup(name);
}

/* A file is used: its inode, the entry naming it and the one it is. */
static void
doctor_use_link(struct doctor_ctx *ctx, const char *named, const char *real,
    const struct stat *sb)
{
	doctor_use(ctx, sb->st_dev, sb->st_ino);
	doctor_entry_add(ctx, named);
	doctor_entry_add(ctx, real);
}

static void
doctor_use_path(struct doctor_ctx *ctx, const char *path)
{
	struct stat	sb;
	char		real[PATH_MAX];

	if (stat(path, &sb) == 0 && realpath(path, real) != NULL)
		doctor_use_link(ctx, path, real, &sb);
}

/*
 * Whether the entry name in folder dir is used: some chain names it, or
 * it is the only name of a file some chain reaches.
 */
static int
doctor_used(const struct doctor_ctx *ctx, const struct stat *dsb,
    const char *name, const struct stat *sb)
{
	size_t	i;

	for (i = 0; i < ctx->nentries; i++) {
		if (ctx->entries[i].dev == dsb->st_dev &&
		    ctx->entries[i].ino == dsb->st_ino &&
		    strcmp(ctx->entries[i].name, name) == 0)
			return (1);
	}
	for (i = 0; i < ctx->nuses && sb->st_nlink <= 1; i++) {
		if (ctx->uses[i].dev == sb->st_dev &&
		    ctx->uses[i].ino == sb->st_ino)
			return (1);
	}
	return (0);
}

static void
doctor_unsure(struct doctor_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Strays cannot be told apart from what an unread chain uses. */
static void
doctor_unsure(struct doctor_ctx *ctx, const char *fmt, ...)
{
	va_list	ap;

	if (ctx->unsure != NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(&ctx->unsure, fmt, ap) < 0)
		ctx->unsure = xstrdup("cannot tell what every VM uses");
	va_end(ap);
}

/* Every file of a disk's chain is used; a broken chain is damage. */
static void
doctor_disk(struct doctor_ctx *ctx, const char *vm, const char *path,
    const char *format)
{
	struct qemu_img_chain	 c;
	struct stat		 sb;
	const char		*last;
	size_t			 i;

	qemu_img_chain(path, format, 1, &c);
	for (i = 0; i < c.n; i++) {
		sb.st_dev = c.v[i].dev;
		sb.st_ino = c.v[i].ino;
		if (!c.v[i].missing)
			doctor_use_link(ctx, c.v[i].named, c.v[i].path, &sb);
	}
	if (c.broken != NULL && c.v[c.n - 1].missing) {
		last = c.v[c.n - 1].path;
		doctor_add(ctx, DOCTOR_BROKEN_CHAIN, path, c.n == 1 ?
		    xasprintf("VM %s: disk %s is missing", vm, last) :
		    xasprintf("VM %s: broken backing chain: %s, which the "
		    "disk stands on, is missing", vm, last));
	} else if (c.broken != NULL) {
		doctor_add(ctx, DOCTOR_BAD_CHAIN, path, xasprintf("VM %s: "
		    "cannot read the backing chain: %s", vm, c.broken));
		doctor_unsure(ctx, "VM %s's backing chain cannot be read", vm);
	}
	qemu_img_chain_clear(&c);
}

static void
doctor_snaptree(struct doctor_ctx *ctx, const char *vm, const char *dir)
{
	struct snaptree	*t;
	char		*path, *cause = NULL;

	path = fs_path_join(dir, SNAPTREE_FILE);
	if ((t = snaptree_load(path, &cause)) == NULL) {
		doctor_add(ctx, DOCTOR_BAD_SNAPTREE, path, xasprintf("VM %s: "
		    "snapshot tree damaged: %s", vm, cause));
		free(cause);
	}
	snaptree_free(t);
	free(path);
}

static int
doctor_running(const struct library *lib, const char *vm)
{
	struct vm_paths		 p;
	struct vm_status	 st;
	char			*cause = NULL;
	int			 alive;

	if (vmctl_paths(lib, vm, &p, &cause) != 0) {
		free(cause);
		return (1);	/* cannot tell: as if it ran */
	}
	vmproc_status(&p, 0, &st);
	alive = vmstate_is_alive(st.state);
	vm_status_clear(&st);
	vm_paths_clear(&p);
	return (alive);
}

/* What one VM uses: its disks' chains, its ISO, its kernel files. */
static void
doctor_vm(struct doctor_ctx *ctx, const char *vm)
{
	struct vm_def	*def;
	char		*dir, *path, *cause = NULL;
	size_t		 i;

	if (doctor_running(ctx->lib, vm))
		strv_push(&ctx->running, vm);
	if ((def = library_load(ctx->lib, vm, &cause)) == NULL) {
		doctor_unsure(ctx, "VM %s cannot be read (%s)", vm, cause);
		free(cause);
		return;
	}
	dir = library_vm_dir(ctx->lib, vm);
	for (i = 0; i < def->ndisks; i++) {
		path = vmdef_disk_path(&def->disks[i], dir);
		doctor_disk(ctx, vm, path, vmdef_format_name(
		    def->disks[i].format));
		free(path);
	}
	if (def->boot.iso != NULL) {
		path = *def->boot.iso == '/' ? xstrdup(def->boot.iso) :
		    fs_path_join(dir, def->boot.iso);
		doctor_use_path(ctx, path);
		free(path);
	}
	doctor_snaptree(ctx, vm, dir);
	free(dir);
	vmdef_free(def);
}

/* ---- Strays -------------------------------------------------------------- */

/* Regular *.qcow2 files in a folder that no chain reaches. */
static void
doctor_strays(struct doctor_ctx *ctx, const char *dir, enum doctor_kind kind,
    const char *vm)
{
	struct doctor_finding	*f;
	struct dirent		*de;
	struct stat		 sb, dsb;
	DIR			*dp;
	char			*path;

	if (stat(dir, &dsb) != 0 || (dp = opendir(dir)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.' ||
		    !str_has_suffix(de->d_name, ".qcow2"))
			continue;
		path = fs_path_join(dir, de->d_name);
		/* Only files: a symbolic link frees nothing. */
		if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    !doctor_used(ctx, &dsb, de->d_name, &sb)) {
			f = doctor_add(ctx, kind, path, NULL);
			if (vm != NULL && strv_find(&ctx->running, vm) >= 0)
				f->why_kept = xasprintf("VM %s is running",
				    vm);
			else if (ctx->unsure != NULL)
				f->why_kept = xstrdup(ctx->unsure);
			f->fixable = f->why_kept == NULL;
		}
		free(path);
	}
	closedir(dp);
}

static void
doctor_all_strays(struct doctor_ctx *ctx, const struct strv *names)
{
	char	*dir;
	size_t	 i;

	for (i = 0; i < names->n; i++) {
		dir = library_vm_dir(ctx->lib, names->v[i]);
		doctor_strays(ctx, dir, DOCTOR_STRAY_DISK, names->v[i]);
		free(dir);
	}
	dir = fs_path_join(ctx->lib->images, LIBRARY_BASES_DIR);
	doctor_strays(ctx, dir, DOCTOR_STRAY_BASE, NULL);
	free(dir);
}

/* ---- Runtime folders ----------------------------------------------------- */

/* Whether a runtime folder holds anything of a QEMU that is gone. */
static int
doctor_run_stale(const struct library *lib, const char *name,
    const struct stat *sb)
{
	struct vm_paths	 p;
	char		*run, *vmdir, *cause = NULL;
	int		 used;

	run = library_run_dir(lib, name);
	vmdir = library_vm_dir(lib, name);
	if (vm_paths_init(&p, vmdir, run, &cause) != 0) {
		free(cause);
		free(run);
		free(vmdir);
		return (0);
	}
	/* An empty folder is harmless, and may be a start's. */
	used = fs_exists(p.pidfile) || fs_exists(p.qmp) ||
	    fs_exists(p.qmp_cli) || fs_exists(p.vnc) ||
	    fs_exists(p.serial) || fs_exists(p.swtpm_pid);
	/*
	 * A name this library does not know may be another library's VM
	 * (the runtime folder is per user): only one untouched for a
	 * minute.
	 */
	if (!library_exists(lib, name))
		used = sb->st_mtime + 60 < time(NULL);
	used = used && vmproc_pid(&p) == 0;
	vm_paths_clear(&p);
	free(run);
	free(vmdir);
	return (used);
}

static void
doctor_runtime(struct doctor_ctx *ctx)
{
	struct dirent	*de;
	struct stat	 sb;
	DIR		*dp;
	char		*run, *why = NULL;

	if ((dp = opendir(ctx->lib->runtime)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (name_check(de->d_name, "VM", &why) != 0) {
			free(why);
			why = NULL;
			continue;
		}
		run = library_run_dir(ctx->lib, de->d_name);
		if (lstat(run, &sb) == 0 && S_ISDIR(sb.st_mode) &&
		    doctor_run_stale(ctx->lib, de->d_name, &sb))
			doctor_add(ctx, DOCTOR_RUNTIME, run, NULL);
		free(run);
	}
	closedir(dp);
}

/* ---- Mending ------------------------------------------------------------- */

/* The VM whose folder holds path, or NULL. Caller frees. */
static char *
doctor_owner_vm(const struct library *lib, const char *path)
{
	size_t	 len = strlen(lib->vms);
	char	*vm, *slash;

	if (strncmp(path, lib->vms, len) != 0 || path[len] != '/' ||
	    path[len + 1] == '.')
		return (NULL);
	vm = xstrdup(path + len + 1);
	if ((slash = strchr(vm, '/')) != NULL)
		*slash = '\0';
	return (vm);
}

static int
doctor_remove(const char *path, int folder, char **cause)
{
	if (folder)
		return (fs_rm_rf(path, cause));
	if (unlink(path) != 0 && errno != ENOENT) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	return (0);
}

static int
doctor_fix_runtime(const struct library *lib, const char *run, char **cause)
{
	struct vm_paths	 p;
	char		*name, *vmdir;
	int		 rc;

	name = xstrdup(strrchr(run, '/') + 1);
	vmdir = library_vm_dir(lib, name);
	rc = vm_paths_init(&p, vmdir, run, cause);
	if (rc == 0) {
		if (vmproc_pid(&p) != 0) {
			*cause = xasprintf("%s: VM %s started meanwhile", run,
			    name);
			rc = -1;
		} else if ((rc = vmproc_cleanup(&p, cause)) == 0)
			rc = fs_rm_rf(run, cause);
		vm_paths_clear(&p);
	}
	free(vmdir);
	free(name);
	return (rc);
}

/* Remove one finding, under its VM's lock when it is in a VM folder. */
static void
doctor_fix(const struct library *lib, struct doctor_finding *f)
{
	struct vm_lock	*lock = NULL;
	char		*vm;

	if (f->kind == DOCTOR_RUNTIME)
		vm = xstrdup(strrchr(f->path, '/') + 1);
	else
		vm = doctor_owner_vm(lib, f->path);
	if (vm != NULL && library_exists(lib, vm) &&
	    (lock = library_lock(lib, vm, 0, &f->error)) == NULL)
		goto out;
	if (vm != NULL && f->kind == DOCTOR_STRAY_DISK &&
	    doctor_running(lib, vm)) {
		f->error = xasprintf("%s: VM %s is running", f->path, vm);
		goto out;
	}
	if (f->kind == DOCTOR_RUNTIME) {
		if (doctor_fix_runtime(lib, f->path, &f->error) == 0)
			f->fixed = 1;
	} else if (doctor_remove(f->path, f->kind == DOCTOR_STAGING ||
	    f->kind == DOCTOR_DELETED, &f->error) == 0)
		f->fixed = 1;
out:
	library_unlock(lock);
	free(vm);
}

static void
doctor_find(struct doctor_ctx *ctx)
{
	struct strv	 names;
	char		*cause = NULL;
	size_t		 i;

	strv_init(&names);
	if (library_list(ctx->lib, &names, &cause) != 0) {
		doctor_unsure(ctx, "%s", cause);
		free(cause);
	}
	for (i = 0; i < names.n; i++)
		doctor_vm(ctx, names.v[i]);
	doctor_staging(ctx);
	doctor_all_strays(ctx, &names);
	doctor_runtime(ctx);
	strv_clear(&names);
}

void
doctor_run(const struct library *lib, int fix, struct doctor_findings *out)
{
	struct doctor_ctx	 ctx;
	size_t			 i;
	int			 hold = -1;

	memset(out, 0, sizeof *out);
	memset(&ctx, 0, sizeof ctx);
	ctx.lib = lib;
	ctx.out = out;
	strv_init(&ctx.running);
	/* Busy: what is not a stray can still be mended. */
	if (fix && (hold = imgcache_hold(lib, 1, &ctx.unsure)) < 0 &&
	    ctx.unsure == NULL)
		ctx.unsure = xstrdup("the image cache is busy");
	doctor_find(&ctx);
	for (i = 0; fix && i < out->n; i++) {
		if (out->v[i].fixable)
			doctor_fix(lib, &out->v[i]);
	}
	imgcache_release(hold);
	for (i = 0; i < ctx.nentries; i++)
		free(ctx.entries[i].name);
	free(ctx.entries);
	free(ctx.uses);
	free(ctx.unsure);
	strv_clear(&ctx.running);
}
