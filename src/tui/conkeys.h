/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Terminal keys (ncurses codes) to the keysyms and modifiers a VM's
 * screen gets: one table for the special keys, rules for the rest.
 */
#ifndef VMDESK_TUI_CONKEYS_H
#define VMDESK_TUI_CONKEYS_H

#include <stddef.h>
#include <stdint.h>

struct conkey {
	uint32_t	keysym;
	int		mods;		/* VNC_MOD_* */
};

/* One key event: a keysym pressed (down 1) or released (0). */
struct conkey_event {
	uint32_t	keysym;
	int		down;
};

/* Room conkeys_events() needs: four modifiers and the key, each twice. */
#define CONKEYS_EVENTS	10

/* The key to send for an ncurses key code; 0 when it has none. */
int	conkeys_map(int, struct conkey *);
/*
 * The events that type a key with its own modifiers and the latched ones
 * (VNC_MOD_*) held: modifiers pressed (Ctrl, Alt, Shift, Super), the key
 * pressed and released, the modifiers released in reverse order; a
 * letter with Shift is sent as its capital. Fills ev (CONKEYS_EVENTS
 * long) and returns how many.
 */
int	conkeys_events(const struct conkey *, int, struct conkey_event *);
/* Modifiers as "Ctrl+Alt+" into a buffer of len bytes; "" for none. */
void	conkeys_mods_name(int, char *, size_t);

#endif
