/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Terminal keys (ncurses codes) to the keysyms and modifiers a VM's
 * screen gets: one table for the special keys, rules for the rest.
 */
#ifndef VMDESK_TUI_CONKEYS_H
#define VMDESK_TUI_CONKEYS_H

#include <stdint.h>

struct conkey {
	uint32_t	keysym;
	int		mods;		/* VNC_MOD_* */
};

/* The key to send for an ncurses key code; 0 when it has none. */
int	conkeys_map(int, struct conkey *);

#endif
