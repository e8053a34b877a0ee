/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk doctor: checks what vmdesk needs, and says how to mend it. */
#include "config.h"

#include "cli/cli_doctor.h"

#include <sys/statvfs.h>

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/accel.h"
#include "backend/qemu_img.h"
#include "backend/vmproc.h"
#include "cli/cli_vm.h"
#include "core/names.h"
#include "ops/doctor.h"
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

/* Each other architecture: its emulator (beside the x86 one) and firmware. */
static void
doctor_arches(struct doctor *d, const struct settings *set)
{
	const struct vmarch	*a;
	char			*qemu, *v, *cause = NULL, *f[3];
	size_t			 i;

	for (i = VM_ARCH_X86_64 + 1; vmarch_names[i] != NULL; i++) {
		a = vmarch_get((enum vm_arch)i);
		qemu = vmarch_qemu((enum vm_arch)i, set->qemu);
		if ((v = doctor_version(qemu, &cause)) == NULL) {
			doctor_say(d, DOCTOR_WARN, a->name, "%s: %s guests "
			    "cannot start (Debian: apt-get install %s)", cause,
			    a->name, a->qemu_pkg);
		} else if (vmproc_arch_firmware((enum vm_arch)i, &f[0], &f[1],
		    &f[2], &cause) != 0)
			doctor_say(d, DOCTOR_WARN, a->name, "%s", cause);
		else {
			doctor_say(d, DOCTOR_OK, a->name, "%s, %s", qemu,
			    f[0]);
			free(f[0]);
			free(f[1]);
			free(f[2]);
		}
		free(cause);
		cause = NULL;
		free(v);
		free(qemu);
	}
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

/* ---- What crashes leave behind, and damage ------------------------------ */

static void
doctor_finding(struct doctor *d, const struct doctor_finding *f)
{
	if (doctor_is_damage(f->kind))
		doctor_say(d, DOCTOR_FAIL, "damaged", "%s", f->reason);
	else if (f->fixed)
		doctor_say(d, DOCTOR_OK, "fixed", "removed %s (%s)", f->path,
		    f->reason);
	else if (f->error != NULL)
		doctor_say(d, DOCTOR_FAIL, "leftover", "%s (%s): not removed: "
		    "%s", f->path, f->reason, f->error);
	else if (f->why_kept != NULL)
		doctor_say(d, DOCTOR_WARN, "leftover", "%s: %s (kept: %s)",
		    f->path, f->reason, f->why_kept);
	else
		doctor_say(d, DOCTOR_WARN, "leftover", "%s: %s (doctor --fix "
		    "removes it)", f->path, f->reason);
}

static void
doctor_library(struct doctor *d, struct cli *cli)
{
	struct doctor_findings	 found;
	size_t			 i;

	doctor_run(cli->lib, d->fix, &found);
	for (i = 0; i < found.n; i++)
		doctor_finding(d, &found.v[i]);
	doctor_findings_clear(&found);
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
	doctor_arches(&d, set);
	doctor_accel(&d, cli, set);
	doctor_folders(&d, cli);
	doctor_library(&d, cli);
	doctor_vms(&d, cli);
	printf("%d problem%s, %d warning%s.\n", d.fails, d.fails == 1 ? "" :
	    "s", d.warns, d.warns == 1 ? "" : "s");
	return (d.fails > 0 ? CLI_FAIL : CLI_OK);
}
