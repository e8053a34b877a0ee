/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A lab's guests seen through their serial consoles: waiting for the
 * text that says a guest is ready, and typing provision commands at a
 * shell, each checked by the exit status the guest itself prints.
 */
#ifndef VMDESK_OPS_LABGUEST_H
#define VMDESK_OPS_LABGUEST_H

#include "core/library.h"
#include "ops/labfile.h"

/* The size of a VM's serial log now (0 when it has none). */
long long	labguest_log_size(const struct library *, const char *);
/*
 * Wait until the VM's serial log shows text after offset (its size when
 * the VM was started), at most timeout_s seconds. A signal, a QEMU that
 * ends or the timeout is -1 and *cause.
 */
int		labguest_wait(const struct library *, const char *,
		    const char *, long long, int, char **);
/*
 * Type vm's provision commands on its serial console, one at a time,
 * each followed by a line that prints its exit status; a command that
 * fails (or says nothing in vm's timeout) stops the rest.
 */
int		labguest_provision(const struct library *,
		    const struct lab_vm *, char **);

#endif
