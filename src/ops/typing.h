/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Typing text into a running guest as key presses (QMP input-send-event,
 * US layout), for the command line and the screen view's paste.
 */
#ifndef VMDESK_OPS_TYPING_H
#define VMDESK_OPS_TYPING_H

#include <stddef.h>

#include "backend/qmp.h"
#include "core/library.h"

/*
 * Pause after each key's press and after its release, so that the
 * guest's PS/2 keyboard (16 bytes of queue in QEMU) never overflows.
 */
#define TYPING_PACE_MS	8

/*
 * Whether every byte of text has a key: 0, or -1 and *cause naming the
 * first that has none (its offset, and the character or its code).
 */
int	typing_check(const char *, size_t, char **);
/* Type text through a connected monitor, checked first. */
int	typing_send(struct qmp *, const char *, size_t, char **);
/* Type text into running VM name. */
int	typing_type(const struct library *, const char *, const char *,
	    size_t, char **);

#endif
