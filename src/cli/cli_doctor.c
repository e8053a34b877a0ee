/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk doctor: checks what vmdesk needs, and says how to mend it. */
#include "config.h"

#include "cli/cli_doctor.h"

#include <sys/stat.h>
#include <sys/statvfs.h>

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

#include "backend/accel.h"
#include "backend/qemu_img.h"
#include "backend/vmproc.h"
#include "cli/cli_vm.h"
#include "core/names.h"
#include "util/fsutil.h"
#include "util/proc.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

enum doctor_level {
	DOCTOR_OK,
	DOCTOR_WARN,
	DOCTOR_FAIL
};

struct doctor {
	int	fails;
	int	warns;
	int	fix;		/* --fix: remove what crashes left behind */
	int	busy;		/* a create or clone is under way */
};

static void
doctor_say(struct doctor *d, enum doctor_level lvl, const char *what,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
doctor_say(struct doctor *d, enum doctor_level lvl, const char *what,
    const char *fmt, ...)
{
	static const char *const	 words[] = { "ok", "warn", "FAIL" };
	va_list				 ap;

	if (lvl == DOCTOR_FAIL)
		d->fails++;
	else if (lvl == DOCTOR_WARN)
		d->warns++;
	printf("%-5s %-10s ", words[lvl], what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* The first line a program prints for --version, or NULL. Caller frees. */
static char *
doctor_version(const char *prog, char **cause)
{
	struct strv	 av;
	char		*out = NULL;
	int		 status;

	strv_init(&av);
	strv_push(&av, prog);
	strv_push(&av, "--version");
	status = proc_run(&av, &out, NULL, cause);
	strv_clear(&av);
	if (status != 0) {
		if (status > 0)
			*cause = xasprintf("%s --version failed (exit %d)",
			    prog, status);
		free(out);
		return (NULL);
	}
	out[strcspn(out, "\n")] = '\0';
	return (out);
}

static void
doctor_programs(struct doctor *d, const struct settings *set)
{
	char	*v, *cause = NULL;

	if ((v = doctor_version(set->qemu, &cause)) != NULL)
		doctor_say(d, DOCTOR_OK, "qemu", "%s: %s", set->qemu, v);
	else
		doctor_say(d, DOCTOR_FAIL, "qemu", "%s (install "
		    "qemu-system-x86, or set VMDESK_QEMU)", cause);
	free(v);
	free(cause);
	cause = NULL;
	if ((v = doctor_version(qemu_img_program(), &cause)) != NULL)
		doctor_say(d, DOCTOR_OK, "qemu-img", "%s", v);
	else
		doctor_say(d, DOCTOR_FAIL, "qemu-img", "%s (install qemu-utils)",
		    cause);
	free(v);
	free(cause);
}

static void
doctor_firmware(struct doctor *d)
{
	const char	*bios = vmproc_bios_file();
	char		*code = NULL, *vars = NULL, *cause = NULL;

	if (bios != NULL)
		doctor_say(d, DOCTOR_OK, "bios", "%s", bios);
	else
		doctor_say(d, DOCTOR_FAIL, "bios", "SeaBIOS not found (install "
		    "seabios)");
	if (vmproc_uefi_firmware(&code, &vars, &cause) == 0)
		doctor_say(d, DOCTOR_OK, "uefi", "%s", code);
	else {
		doctor_say(d, DOCTOR_WARN, "uefi", "%s", cause);
		free(cause);
	}
	free(code);
	free(vars);
	code = vars = cause = NULL;
	if (vmproc_uefi_firmware_secure(&code, &vars, &cause) == 0)
		doctor_say(d, DOCTOR_OK, "secureboot", "%s", code);
	else {
		doctor_say(d, DOCTOR_WARN, "secureboot", "%s", cause);
		free(cause);
	}
	free(code);
	free(vars);
}

static void
doctor_accel(struct doctor *d, struct cli *cli, const struct settings *set)
{
	enum accel	 a;
	char		*why = NULL, *cause = NULL;

	if (accel_kvm_works(set->qemu, cli->lib->runtime, 5000, &why))
		doctor_say(d, DOCTOR_OK, "kvm", "%s", why);
	else
		doctor_say(d, DOCTOR_WARN, "kvm", "%s: guests run under TCG "
		    "(slower)", why);
	free(why);
	why = NULL;
	if (accel_resolve(set->accel, set->qemu, cli->lib->runtime, &a, &why,
	    &cause) == 0)
		doctor_say(d, DOCTOR_OK, "accel", "VMs set to auto use %s (%s)",
		    accel_name(a), why);
	else
		doctor_say(d, DOCTOR_FAIL, "accel", "%s", cause);
	free(why);
	free(cause);
}

static void
doctor_folders(struct doctor *d, struct cli *cli)
{
	struct statvfs	 sv;
	struct vm_paths	 p;
	char		*run, *vmdir, *cause = NULL, *s, longest[NAME_MAX_LEN + 1];
	uint64_t	 avail;

	if (access(cli->lib->vms, W_OK) == 0)
		doctor_say(d, DOCTOR_OK, "library", "%s", cli->lib->home);
	else
		doctor_say(d, DOCTOR_FAIL, "library", "%s is not writable",
		    cli->lib->vms);
	memset(longest, 'x', NAME_MAX_LEN);
	longest[NAME_MAX_LEN] = '\0';
	run = library_run_dir(cli->lib, longest);
	vmdir = library_vm_dir(cli->lib, longest);
	if (vm_paths_init(&p, vmdir, run, &cause) == 0) {
		doctor_say(d, DOCTOR_OK, "runtime", "%s (private, socket paths "
		    "fit)", cli->lib->runtime);
		vm_paths_clear(&p);
	} else {
		doctor_say(d, DOCTOR_FAIL, "runtime", "%s", cause);
		free(cause);
	}
	free(run);
	free(vmdir);
	if (statvfs(cli->lib->home, &sv) != 0) {
		doctor_say(d, DOCTOR_WARN, "disk", "cannot tell free space on "
		    "%s", cli->lib->home);
		return;
	}
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	s = str_size_short(avail);
	if (avail < (256ULL << 20))
		doctor_say(d, DOCTOR_FAIL, "disk", "only %s free under %s", s,
		    cli->lib->home);
	else if (avail < (2ULL << 30))
		doctor_say(d, DOCTOR_WARN, "disk", "only %s free under %s", s,
		    cli->lib->home);
	else
		doctor_say(d, DOCTOR_OK, "disk", "%s free under %s", s,
		    cli->lib->home);
	free(s);
}

static void
doctor_vms(struct doctor *d, struct cli *cli)
{
	struct strv		 names;
	struct vm_def		*def;
	struct vm_paths		 p;
	struct vm_status	 st;
	char			*cause = NULL;
	size_t			 i, good = 0;

	strv_init(&names);
	if (library_list(cli->lib, &names, &cause) != 0) {
		doctor_say(d, DOCTOR_FAIL, "vms", "%s", cause);
		free(cause);
		return;
	}
	for (i = 0; i < names.n; i++) {
		if ((def = library_load(cli->lib, names.v[i],
		    &cause)) == NULL) {
			doctor_say(d, DOCTOR_FAIL, "vm", "%s", cause);
			free(cause);
			cause = NULL;
			continue;
		}
		if (cli_paths(cli, names.v[i], &p) != CLI_OK) {
			vmdef_free(def);
			d->fails++;
			continue;
		}
		if (vmdef_validate(def, p.vmdir, &cause) != 0) {
			doctor_say(d, DOCTOR_FAIL, "vm", "%s", cause);
			free(cause);
			cause = NULL;
		} else
			good++;
		vmproc_status(&p, 0, &st);
		if (st.state == VM_CRASHED)
			doctor_say(d, DOCTOR_WARN, "vm", "%s crashed (see %s); "
			    "vmdesk start or stop cleans it up", names.v[i],
			    p.qemu_log);
		vm_status_clear(&st);
		vm_paths_clear(&p);
		for (size_t w = 0; w < def->warnings.n; w++)
			doctor_say(d, DOCTOR_WARN, "vm", "%s",
			    def->warnings.v[w]);
		vmdef_free(def);
	}
	doctor_say(d, DOCTOR_OK, "vms", "%zu of %zu VM definitions valid", good,
	    names.n);
	strv_clear(&names);
}

/* ---- What crashes leave behind ------------------------------------------ */

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

static int
doctor_unlink(const char *path, char **cause)
{
	if (unlink(path) != 0 && errno != ENOENT) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	return (0);
}

/* Report a leftover, or with --fix remove it and say so. */
static void
doctor_leftover(struct doctor *d, const char *path, const char *what,
    int (*mend)(const char *, char **))
{
	char	*cause = NULL;

	if (!d->fix) {
		doctor_say(d, DOCTOR_WARN, "leftover", "%s: %s (doctor --fix "
		    "removes it)", path, what);
		return;
	}
	if (mend(path, &cause) != 0) {
		doctor_say(d, DOCTOR_FAIL, "leftover", "%s", cause);
		free(cause);
		return;
	}
	doctor_say(d, DOCTOR_OK, "fixed", "removed %s (%s)", path, what);
}

/* Whether a folder entry is a temp file of an interrupted write. */
static const char *
doctor_temp_kind(const char *name)
{
	if (strstr(name, ".tmp.") != NULL)
		return ("temp file of an interrupted write");
	if (name[0] == '.' && strstr(name, ".clone-") != NULL)
		return ("overlay of an interrupted linked clone");
	return (NULL);
}

/* Temp files in a VM folder (and its snapshots folder). */
static void
doctor_temps(struct doctor *d, const char *dir, int deeper)
{
	struct dirent	*de;
	DIR		*dp;
	const char	*kind;
	char		*path;

	if ((dp = opendir(dir)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (deeper && strcmp(de->d_name, "snapshots") == 0) {
			path = fs_path_join(dir, de->d_name);
			doctor_temps(d, path, 0);
			free(path);
			continue;
		}
		if ((kind = doctor_temp_kind(de->d_name)) == NULL ||
		    doctor_owner_alive(de->d_name))
			continue;
		path = fs_path_join(dir, de->d_name);
		doctor_leftover(d, path, kind, doctor_unlink);
		free(path);
	}
	closedir(dp);
}

/* Staging folders of creates and moved-aside folders of deletes. */
static void
doctor_staging(struct doctor *d, struct cli *cli)
{
	struct dirent	*de;
	DIR		*dp;
	const char	*kind;
	char		*path;

	if ((dp = opendir(cli->lib->vms)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (strncmp(de->d_name, ".new-", 5) == 0)
			kind = "staging folder of an interrupted create or "
			    "clone";
		else if (strncmp(de->d_name, ".deleted-", 9) == 0)
			kind = "folder of an interrupted delete";
		else {
			if (de->d_name[0] != '.') {
				path = fs_path_join(cli->lib->vms, de->d_name);
				doctor_temps(d, path, 1);
				free(path);
			} else if ((kind = doctor_temp_kind(
			    de->d_name)) != NULL &&
			    !doctor_owner_alive(de->d_name)) {
				path = fs_path_join(cli->lib->vms, de->d_name);
				doctor_leftover(d, path, kind, doctor_unlink);
				free(path);
			}
			continue;
		}
		if (doctor_owner_alive(de->d_name)) {
			d->busy = 1;
			continue;
		}
		path = fs_path_join(cli->lib->vms, de->d_name);
		doctor_leftover(d, path, kind, fs_rm_rf);
		free(path);
	}
	closedir(dp);
}

/* Add a disk and the backing files under it to the set of used files. */
static void
doctor_chain(struct strv *used, const char *disk)
{
	json_t		*info;
	const char	*back;
	char		*path, *next, *cause = NULL, real[PATH_MAX];
	int		 depth;

	path = xstrdup(disk);
	for (depth = 0; depth < 64 && path != NULL; depth++) {
		if (realpath(path, real) == NULL)
			break;
		strv_push(used, real);
		if ((info = qemu_img_info(real, "qcow2", 1, &cause)) == NULL) {
			free(cause);
			cause = NULL;
			break;
		}
		back = json_string_value(json_object_get(info,
		    "full-backing-filename"));
		if (back == NULL)
			back = json_string_value(json_object_get(info,
			    "backing-filename"));
		next = NULL;
		if (back != NULL && back[0] == '/')
			next = xstrdup(back);
		else if (back != NULL) {
			*strrchr(real, '/') = '\0';
			next = fs_path_join(real, back);
		}
		json_decref(info);
		free(path);
		path = next;
	}
	free(path);
}

static int
doctor_used(const struct strv *used, const char *path)
{
	char	real[PATH_MAX];
	size_t	i;

	if (realpath(path, real) == NULL)
		return (1);
	for (i = 0; i < used->n; i++) {
		if (strcmp(used->v[i], real) == 0)
			return (1);
	}
	return (0);
}

static int
doctor_has_suffix(const char *name, const char *suffix)
{
	size_t	n = strlen(name), k = strlen(suffix);

	return (n > k && strcmp(name + n - k, suffix) == 0);
}

/*
 * Disks in VM folders that vm.conf does not name, and linked-clone bases
 * that no VM's disk stands on.
 */
static void
doctor_orphans(struct doctor *d, struct cli *cli)
{
	struct strv	 names, used;
	struct vm_def	*def;
	struct dirent	*de;
	DIR		*dp;
	char		*dir, *path, *bases, *cause = NULL, real[PATH_MAX];
	size_t		 i, k;
	int		 mine;

	strv_init(&names);
	strv_init(&used);
	if (library_list(cli->lib, &names, &cause) != 0) {
		free(cause);
		return;
	}
	for (i = 0; i < names.n; i++) {
		def = library_load(cli->lib, names.v[i], &cause);
		if (def == NULL) {
			/* Cannot tell what it uses: keep every base. */
			free(cause);
			cause = NULL;
			d->busy = 1;
			continue;
		}
		dir = library_vm_dir(cli->lib, names.v[i]);
		for (k = 0; k < def->ndisks; k++) {
			path = vmdef_disk_path(&def->disks[k], dir);
			if (def->disks[k].format == VM_FORMAT_QCOW2)
				doctor_chain(&used, path);
			else if (realpath(path, real) != NULL)
				strv_push(&used, real);
			free(path);
		}
		if ((dp = opendir(dir)) != NULL) {
			while ((de = readdir(dp)) != NULL) {
				if (de->d_name[0] == '.' ||
				    !doctor_has_suffix(de->d_name, ".qcow2"))
					continue;
				path = fs_path_join(dir, de->d_name);
				mine = 0;
				for (k = 0; k < def->ndisks && !mine; k++) {
					char *p = vmdef_disk_path(
					    &def->disks[k], dir);
					mine = strcmp(p, path) == 0;
					free(p);
				}
				if (!mine)
					doctor_leftover(d, path, "disk that "
					    "vm.conf does not name",
					    doctor_unlink);
				free(path);
			}
			closedir(dp);
		}
		free(dir);
		vmdef_free(def);
	}
	bases = fs_path_join(cli->lib->images, "bases");
	if (!d->busy && (dp = opendir(bases)) != NULL) {
		while ((de = readdir(dp)) != NULL) {
			if (de->d_name[0] == '.' ||
			    !doctor_has_suffix(de->d_name, ".qcow2"))
				continue;
			path = fs_path_join(bases, de->d_name);
			if (!doctor_used(&used, path))
				doctor_leftover(d, path, "linked-clone base no "
				    "VM stands on", doctor_unlink);
			free(path);
		}
		closedir(dp);
	}
	free(bases);
	strv_clear(&used);
	strv_clear(&names);
}

static int
doctor_clean_run(const char *run, char **cause)
{
	return (fs_rm_rf(run, cause));
}

/* Runtime folders with no QEMU behind them. */
static void
doctor_runtime(struct doctor *d, struct cli *cli)
{
	struct dirent	*de;
	struct vm_paths	 p;
	struct vm_lock	*lock;
	struct stat	 sb;
	DIR		*dp;
	char		*run, *vmdir, *cause = NULL, *why = NULL;
	int		 used;

	if ((dp = opendir(cli->lib->runtime)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (name_check(de->d_name, "VM", &why) != 0) {
			free(why);
			why = NULL;
			continue;
		}
		run = library_run_dir(cli->lib, de->d_name);
		if (lstat(run, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
			free(run);
			continue;
		}
		vmdir = library_vm_dir(cli->lib, de->d_name);
		if (vm_paths_init(&p, vmdir, run, &cause) != 0) {
			free(cause);
			cause = NULL;
			free(run);
			free(vmdir);
			continue;
		}
		/* An empty folder is harmless, and may be a start's. */
		used = fs_exists(p.pidfile) || fs_exists(p.qmp) ||
		    fs_exists(p.qmp_cli) || fs_exists(p.vnc) ||
		    fs_exists(p.serial) || fs_exists(p.swtpm_pid);
		/*
		 * A name this library does not know may be another
		 * library's VM (the runtime folder is per user): with no
		 * lock of ours to take, only one untouched for a minute.
		 */
		if (!library_exists(cli->lib, de->d_name))
			used = sb.st_mtime + 60 < time(NULL);
		lock = NULL;
		if (used && vmproc_pid(&p) == 0 && (!library_exists(cli->lib,
		    de->d_name) || (lock = library_lock(cli->lib, de->d_name,
		    0, &cause)) != NULL) && vmproc_pid(&p) == 0) {
			if (d->fix && vmproc_cleanup(&p, &cause) != 0) {
				doctor_say(d, DOCTOR_FAIL, "leftover", "%s: %s",
				    run, cause);
				free(cause);
				cause = NULL;
			} else
				doctor_leftover(d, run, "runtime folder of a "
				    "VM that is not running", doctor_clean_run);
		}
		free(cause);
		cause = NULL;
		library_unlock(lock);
		vm_paths_clear(&p);
		free(run);
		free(vmdir);
	}
	closedir(dp);
}

int
cli_doctor(struct cli *cli, int argc, char **argv)
{
	struct settings	*set;
	struct doctor	 d;

	memset(&d, 0, sizeof d);
	if (argc == 2 && strcmp(argv[1], "--fix") == 0)
		d.fix = 1;
	else if (argc != 1)
		return (cli_usage("doctor"));
	if ((set = cli_settings(cli)) == NULL || cli_library(cli) == NULL)
		return (CLI_FAIL);
	doctor_programs(&d, set);
	doctor_firmware(&d);
	doctor_accel(&d, cli, set);
	doctor_folders(&d, cli);
	doctor_staging(&d, cli);
	doctor_orphans(&d, cli);
	doctor_runtime(&d, cli);
	doctor_vms(&d, cli);
	printf("%d problem%s, %d warning%s.\n", d.fails, d.fails == 1 ? "" :
	    "s", d.warns, d.warns == 1 ? "" : "s");
	return (d.fails > 0 ? CLI_FAIL : CLI_OK);
}
