/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host folder of a share: resolved, readable, and apart from what
 * vmdesk keeps (library, image cache, runtime folder, VM folders and
 * disks), so a share never exposes vm.conf, disks or monitor sockets.
 */
#ifndef VMDESK_OPS_SHAREPATH_H
#define VMDESK_OPS_SHAREPATH_H

#include "core/library.h"
#include "core/vmdef.h"

/*
 * Resolve a host folder and check it: a readable folder that neither is,
 * holds nor lies in vmdesk's library, image cache, runtime folder or any
 * VM's folder or disk. *real (caller frees) is the resolved path.
 */
int	sharepath_check(const struct library *, const char *, char **,
	    char **);
/*
 * Check every share of a definition again (vm.conf may have been edited
 * by hand, or a link in the path changed): before each start.
 */
int	sharepath_check_def(const struct library *, const struct vm_def *,
	    char **);

#endif
