/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Cloning a stopped VM: linked (both VMs get a qcow2 overlay on the
 * source's disks, frozen as a shared read-only base), full (independent
 * copies: reflink where the filesystem can, else a sparse in-kernel
 * copy, or qemu-img convert for a disk with a backing file or snapshots
 * to leave behind), or from one of the source's snapshots.
 */
#ifndef VMDESK_OPS_CLONE_H
#define VMDESK_OPS_CLONE_H

#include <stdint.h>

#include "core/library.h"
#include "core/snaptree.h"
#include "util/strv.h"

enum clone_mode {
	CLONE_LINKED,
	CLONE_FULL
};

/*
 * Progress of a copy: what is being copied, bytes done and total.
 * Returning non-zero cancels the clone (it then cleans up).
 */
typedef int (*clone_progress_cb)(void *, const char *, uint64_t, uint64_t);

struct clone_opts {
	enum clone_mode		 mode;
	/*
	 * Start the new VM from this snapshot of the source instead of its
	 * current state (implies a full copy), or NULL.
	 */
	const struct snap_node	*snapshot;
	clone_progress_cb	 progress;	/* may be NULL */
	void			*progress_arg;
};

/*
 * Clone VM src into a new VM dst. The caller holds src's lock and has
 * made sure its QEMU is not running. dst appears in one rename when it
 * is complete; a failure or a cancel leaves nothing of it, and src as it
 * was. What was done (reflinked, copied, converted, frozen) is added to
 * notes, for people.
 */
int	clone_vm(const struct library *, const char *, const char *,
	    const struct clone_opts *, struct strv *, char **);

#endif
