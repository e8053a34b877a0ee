/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The signals that ask a long command to stop (Ctrl-C, a kill, a closed
 * terminal): caught while it works, remembered, and the old handlers
 * given back. One place instead of a copy per command.
 */
#ifndef VMDESK_UTIL_CANCEL_H
#define VMDESK_UTIL_CANCEL_H

#include <signal.h>

/* cancel_catch() flags: which signals ask to stop. */
#define CANCEL_INT	0x1
#define CANCEL_TERM	0x2
#define CANCEL_HUP	0x4

/* The handlers to give back. */
struct cancel {
	int			flags;
	struct sigaction	old[3];
};

/* Catch the signals of flags until cancel_release(). */
void			 cancel_catch(struct cancel *, int);
void			 cancel_release(struct cancel *);
/* The signal that asked to stop since cancel_catch(), or 0. */
int			 cancel_signal(void);
/* The same, as the flag a loop may poll (serial_relay). */
volatile sig_atomic_t	*cancel_flag(void);

#endif
