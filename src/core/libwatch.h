/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Changes to the library seen as they happen (inotify), so the desktop
 * reads the library and probes a VM only when something there changed:
 * its cost stays flat as the library grows. A VM is watched in its folder
 * (vm.conf replaced) and its runtime folder (QEMU's pidfile, sockets);
 * the library's vms/ and runtime/ folders for VMs that come and go.
 */
#ifndef VMDESK_CORE_LIBWATCH_H
#define VMDESK_CORE_LIBWATCH_H

#include "core/library.h"
#include "util/strv.h"

struct libwatch;

/* Watch a library; NULL and *cause when inotify cannot be had. */
struct libwatch	*libwatch_open(const struct library *, char **);
void		 libwatch_free(struct libwatch *);
/* The descriptor to poll for input. */
int		 libwatch_fd(const struct libwatch *);
/*
 * Watch one VM's folders too (again after it was renamed or its runtime
 * folder appeared). -1 when the kernel allows no more watches.
 */
int		 libwatch_add(struct libwatch *, const char *);
/*
 * Read what happened: names of VMs whose folders changed are added to
 * vms; the return is 1 when VMs may have come or gone (or events were
 * lost), else 0.
 */
int		 libwatch_read(struct libwatch *, struct strv *);

#endif
