/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A VM's shared folders: add one (its host folder resolved and checked
 * once, never vmdesk's own files), remove one, and how each reaches the
 * guest (virtio-fs or 9p) with the command that mounts it there.
 */
#ifndef VMDESK_OPS_HWSHARE_H
#define VMDESK_OPS_HWSHARE_H

#include "core/library.h"
#include "core/vmdef.h"
#include "ops/vmctl.h"

/* A share to add. */
struct hwshare_add {
	const char		*dir;	/* the host folder as given */
	const char		*tag;	/* or NULL: from the folder */
	int			 readonly;
	enum vm_share_mode	 mode;
};

/* How one share of a definition reaches the guest. */
struct hwshare_view {
	const struct vm_share	*share;
	int			 mode;	/* VIRTIOFS, 9P, or -1 */
	char			*why;	/* why 9p, or why -1 */
	char			*mount;	/* the guest's command */
	int			 pending; /* not in the running QEMU */
};

/*
 * Add a share to VM name; *share (caller frees) gets its name (the tag,
 * else the folder's name). A running VM gets it at its next start.
 */
int	hwshare_add(const struct library *, const char *,
	    const struct hwshare_add *, char **, enum vmctl_when *, char **);
/* Remove share (by name or tag); a running VM loses it at next start. */
int	hwshare_remove(const struct library *, const char *, const char *,
	    enum vmctl_when *, char **);
/*
 * The views of def's shares (def->nshares of them): for a running VM
 * (p may be NULL) the mode its QEMU was started with, else the mode the
 * next start would choose.
 */
struct hwshare_view *hwshare_views(const struct vm_def *,
	    const struct vm_paths *);
void	hwshare_views_free(struct hwshare_view *, size_t);
/* The command that mounts a share in a Linux guest. Caller frees. */
char	*hwshare_mount_command(const struct vm_share *, int);

#endif
