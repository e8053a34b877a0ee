/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Snapshots of a VM: live ones (RAM and every writable qcow2 disk, QMP
 * snapshot-save/load/delete jobs) while QEMU runs, disk-only ones
 * (qemu-img snapshot) while it does not, and the tree of core/snaptree
 * kept in step with the disks. Nothing here prints.
 */
#ifndef VMDESK_BACKEND_SNAPSHOT_H
#define VMDESK_BACKEND_SNAPSHOT_H

#include <sys/types.h>

#include "backend/qemu_argv.h"
#include "backend/qmp.h"
#include "backend/vmstate.h"
#include "core/library.h"
#include "core/settings.h"
#include "core/snaptree.h"
#include "core/vmdef.h"
#include "util/strv.h"

/* A disk that snapshots cover: writable and qcow2. */
struct snapshot_disk {
	char	*name;		/* [disk NAME] */
	char	*path;		/* absolute */
	char	*node;		/* QEMU's node name while it runs, else NULL */
};

/* A VM opened for snapshot work: locked, its tree reconciled. */
struct snapshot_vm {
	char			*name;
	char			*runtime;	/* the library's runtime folder */
	struct vm_def		*def;
	struct vm_paths		 paths;
	struct vm_lock		*lock;
	char			*tree_file;
	struct snaptree		*tree;
	enum vm_state		 state;		/* stopped, or alive */
	pid_t			 pid;		/* QEMU, or 0 */
	struct qmp		*qmp;		/* while QEMU runs */
	struct snapshot_disk	*disks;
	size_t			 ndisks;
	struct snap_disk_tags	*tags;		/* what each disk holds */
	/* Why this VM can take no snapshot at all (raw disk ...), or NULL. */
	char			*refusal;
	/* What reconcile found and mended, for people. */
	struct strv		 notes;
};

/*
 * Open a VM: load its definition, take its lock (waiting up to lock_ms),
 * see whether QEMU runs, read the tags each disk holds (query-block from
 * a running QEMU, qemu-img info -U otherwise), reconcile the tree with
 * them and save it if that changed it. A snapshot job an earlier vmdesk
 * left running in QEMU is waited for first.
 */
struct snapshot_vm *snapshot_open(const struct library *, const char *, int,
		     char **);
/*
 * Open a VM only to look at it (snapshot list, tree): the same, but the
 * reconciled tree stays in memory. Nothing is written, so it works on a
 * full disk.
 */
struct snapshot_vm *snapshot_view(const struct library *, const char *, int,
		     char **);
/* Unlock and free. */
void		 snapshot_close(struct snapshot_vm *);
/*
 * Take a snapshot under the current node: live (RAM included) when QEMU
 * runs, unless disk_only; disk-only when it does not. note may be NULL.
 */
int		 snapshot_create(struct snapshot_vm *, const char *,
		     const char *, int, char **);
/*
 * Why QEMU cannot save the VM's RAM, read from its definition, or NULL:
 * a host USB device (QEMU cannot migrate it, and a live snapshot is a
 * migration to a file). Says what works instead. (A share blocks it only
 * while mounted, so QEMU is asked and its refusal explained.)
 * Caller frees.
 */
char		*snapshot_live_blocker(const struct vm_def *);
/*
 * Go back to a snapshot. Running: QMP snapshot-load (a disk-only
 * snapshot is refused: it has no RAM). Stopped: every disk restored,
 * and for a live snapshot QEMU started from its saved RAM (-loadvm),
 * using set for the emulator and accelerator; *started (may be NULL)
 * says whether it was.
 */
int		 snapshot_revert(struct snapshot_vm *, const char *,
		     const struct settings *, int *, char **);
/* Delete a snapshot from every disk; its children hang from its parent. */
int		 snapshot_delete(struct snapshot_vm *, const char *, char **);
/* Rename a snapshot (the tag on the disks stays). */
int		 snapshot_rename(struct snapshot_vm *, const char *,
		     const char *, char **);
/* Set a snapshot's note ("" clears it). */
int		 snapshot_note(struct snapshot_vm *, const char *, const char *,
		     char **);
/* Find a snapshot by name or id; *cause says there is none. */
struct snap_node *snapshot_find(struct snapshot_vm *, const char *, char **);

/*
 * The snapshot tags a qcow2 file holds (qemu-img info -U), into d
 * (d->disk is left alone).
 */
int		 snapshot_file_tags(const char *, struct snap_disk_tags *,
		     char **);

#endif
