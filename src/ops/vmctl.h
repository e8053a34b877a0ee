/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VM operations by name, as the command line and the desktop both run
 * them: each takes the VM's lock (kill excepted), observes the state and
 * says what it did. Nothing here prints.
 */
#ifndef VMDESK_OPS_VMCTL_H
#define VMDESK_OPS_VMCTL_H

#include <sys/types.h>

#include "backend/qmp.h"
#include "backend/vmproc.h"
#include "core/library.h"
#include "core/settings.h"
#include "ops/bundle.h"
#include "ops/clone.h"
#include "util/strv.h"

/* How long a state change waits for another vmdesk holding the VM. */
#define VMCTL_LOCK_WAIT	30000

/* What an operation found and did. */
enum vmctl_outcome {
	VMCTL_DONE,		/* did what was asked */
	VMCTL_ALREADY,		/* nothing to do: already in that state */
	VMCTL_CLEANED,		/* QEMU had crashed; its files were cleaned */
	VMCTL_FORCED,		/* stop: the guest ignored ACPI; killed */
	VMCTL_FORCED_NOMON	/* stop: no monitor for ACPI; QEMU was ended */
};

/* The runtime paths of a VM by name. */
int	vmctl_paths(const struct library *, const char *, struct vm_paths *,
	    char **);
/* The same for a name library_list() gave: not checked again. */
int	vmctl_paths_listed(const struct library *, const char *,
	    struct vm_paths *, char **);
/* Whether a VM's QEMU runs (its pidfile is locked); 0 for no such VM. */
int	vmctl_running(const struct library *, const char *);
/*
 * Start a stopped VM. *pid gets QEMU's pid and *note (caller frees) the
 * accelerator and why it was chosen, as "tcg: KVM does not work here".
 */
int	vmctl_start(const struct library *, const struct settings *,
	    const char *, int, pid_t *, char **, char **);
/* Power off with ACPI, waiting up to timeout_s; force kills after it. */
int	vmctl_stop(const struct library *, const char *, int, int,
	    enum vmctl_outcome *, char **);
/* End QEMU now. Takes no lock, so it works while a stop waits. */
int	vmctl_kill(const struct library *, const char *, enum vmctl_outcome *,
	    char **);
/* "pause", "resume" or "reset" a live VM. */
int	vmctl_command(const struct library *, const char *, const char *,
	    enum vmctl_outcome *, char **);
/* Rename a stopped VM. */
int	vmctl_rename(const struct library *, const char *, const char *,
	    char **);
/* A change to a definition; -1 and *cause to refuse it. */
typedef int (*vmctl_update_fn)(struct vm_def *, void *, char **);
/*
 * Change a stopped VM's definition: lock, load, fn, validate, write
 * atomically. A running VM is refused (QEMU would not see the change).
 */
int	vmctl_update(const struct library *, const char *, int,
	    vmctl_update_fn, void *, char **);
/*
 * A change to a VM that may be running: edit changes the definition (as
 * vmctl_update's fn); live, when the VM runs, makes QEMU do the same
 * through its monitor (hot-plug, resize, a new medium ...) before the
 * definition is written. live NULL: a running VM gets it at its next
 * start. A failed live step writes nothing.
 */
struct vmctl_change {
	vmctl_update_fn	  edit;
	int		(*live)(struct qmp *, const struct vm_paths *,
			    const struct vm_def *, void *, char **);
	void		 *arg;
};
/* When a change to a running VM takes effect. */
enum vmctl_when {
	VMCTL_WHEN_NOW,		/* the VM was stopped, or took it live */
	VMCTL_WHEN_RESTART	/* written; the running VM gets it at restart */
};
/* Lock, load, edit, validate, apply live if running, write atomically. */
int	vmctl_change(const struct library *, const char *,
	    const struct vmctl_change *, enum vmctl_when *, char **);
/*
 * Clone a stopped VM: linked (a frozen shared base) or full, or a full
 * copy as of a snapshot (snap, a name or id, may be NULL). Takes src's
 * lock, refuses a running source with the reason, and checks the
 * snapshot is whole. What was done is added to notes.
 */
int	vmctl_clone(const struct library *, const char *, const char *,
	    enum clone_mode, const char *, clone_progress_cb, void *,
	    struct strv *, char **);
/* Delete a VM; a live one only with force (it is killed first). */
int	vmctl_delete(const struct library *, const char *, int, char **);

/*
 * Export a VM as a bundle (images/bundle.h) under its lock; a running or
 * paused VM is refused.
 */
int	vmctl_export(const struct library *, const char *, const char *,
	    bundle_progress_cb, void *, char **);

#endif
