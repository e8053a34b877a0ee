/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What crashes and half-done operations leave in the library, and what
 * is damaged: found by following every backing chain of every disk and
 * comparing files (device and inode), never path strings. A file any
 * chain reaches, or that a running VM may hold, is never removed.
 */
#ifndef VMDESK_OPS_DOCTOR_H
#define VMDESK_OPS_DOCTOR_H

#include <stddef.h>

#include "core/library.h"

enum doctor_kind {
	DOCTOR_TEMP,		/* temp file of an interrupted write */
	DOCTOR_CLONE_TEMP,	/* overlay of an interrupted linked clone */
	DOCTOR_STAGING,		/* staging folder of a create or clone */
	DOCTOR_DELETED,		/* folder of an interrupted delete */
	DOCTOR_STRAY_DISK,	/* disk in a VM folder no chain reaches */
	DOCTOR_STRAY_BASE,	/* linked-clone base no chain reaches */
	DOCTOR_RUNTIME,		/* runtime folder of a VM not running */
	DOCTOR_BROKEN_CHAIN,	/* a disk names a file that is missing */
	DOCTOR_BAD_CHAIN,	/* a disk's chain cannot be read */
	DOCTOR_BAD_SNAPTREE	/* snapshots.conf cannot be read */
};

/* One thing found. */
struct doctor_finding {
	enum doctor_kind	 kind;
	char			*path;
	char			*reason;	/* what it is, in words */
	int			 fixable;	/* --fix may remove it */
	char			*why_kept;	/* fixable but kept: why */
	int			 fixed;		/* removed by doctor_run */
	char			*error;		/* removing it failed */
};

struct doctor_findings {
	struct doctor_finding	*v;
	size_t			 n;
};

/*
 * Look through the library. With fix, hold the image cache exclusively
 * (no create, clone, import or prune runs meanwhile; while one does,
 * strays are kept) and remove what is fixable, each removal marked in
 * its finding. It never fails: what cannot be looked at is a finding.
 */
void		 doctor_run(const struct library *, int,
		     struct doctor_findings *);
void		 doctor_findings_clear(struct doctor_findings *);
/* Whether a kind is damage (a problem) rather than something left over. */
int		 doctor_is_damage(enum doctor_kind);

#endif
