/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Terminal keys to keysyms for a VM's screen. */
#include "config.h"

#include "tui/conkeys.h"

#include <curses.h>
#include <stddef.h>
#include <stdio.h>

#include "backend/vnc.h"

static const struct {
	int		key;
	uint32_t	keysym;
	int		mods;
} conkeys_table[] = {
	{ '\r', VNC_KEY_RETURN, 0 },
	{ '\n', VNC_KEY_RETURN, 0 },
	{ KEY_ENTER, VNC_KEY_RETURN, 0 },
	{ '\t', VNC_KEY_TAB, 0 },
	{ KEY_BTAB, VNC_KEY_TAB, VNC_MOD_SHIFT },
	{ 27, VNC_KEY_ESCAPE, 0 },
	{ 127, VNC_KEY_BACKSPACE, 0 },
	{ KEY_BACKSPACE, VNC_KEY_BACKSPACE, 0 },
	{ KEY_UP, VNC_KEY_UP, 0 },
	{ KEY_DOWN, VNC_KEY_DOWN, 0 },
	{ KEY_LEFT, VNC_KEY_LEFT, 0 },
	{ KEY_RIGHT, VNC_KEY_RIGHT, 0 },
	{ KEY_SR, VNC_KEY_UP, VNC_MOD_SHIFT },
	{ KEY_SF, VNC_KEY_DOWN, VNC_MOD_SHIFT },
	{ KEY_SLEFT, VNC_KEY_LEFT, VNC_MOD_SHIFT },
	{ KEY_SRIGHT, VNC_KEY_RIGHT, VNC_MOD_SHIFT },
	{ KEY_HOME, VNC_KEY_HOME, 0 },
	{ KEY_END, VNC_KEY_END, 0 },
	{ KEY_PPAGE, VNC_KEY_PAGE_UP, 0 },
	{ KEY_NPAGE, VNC_KEY_PAGE_DOWN, 0 },
	{ KEY_IC, VNC_KEY_INSERT, 0 },
	{ KEY_DC, VNC_KEY_DELETE, 0 },
	{ 0, ' ', VNC_MOD_CTRL },
	{ 28, '\\', VNC_MOD_CTRL },
	{ 29, ']', VNC_MOD_CTRL },
	{ 30, '6', VNC_MOD_CTRL },
	{ 31, '-', VNC_MOD_CTRL },
};

/* Modifiers in the order they go down (and up in reverse). */
static const struct {
	int		 mod;
	uint32_t	 keysym;
	const char	*name;
} conkeys_mods[] = {
	{ VNC_MOD_CTRL, VNC_KEY_CONTROL_L, "Ctrl" },
	{ VNC_MOD_ALT, VNC_KEY_ALT_L, "Alt" },
	{ VNC_MOD_SHIFT, VNC_KEY_SHIFT_L, "Shift" },
	{ VNC_MOD_SUPER, VNC_KEY_SUPER_L, "Super" },
};

#define CONKEYS_NMODS	(sizeof conkeys_mods / sizeof conkeys_mods[0])

int
conkeys_map(int key, struct conkey *k)
{
	size_t	i;
	int	n;

	for (i = 0; i < sizeof conkeys_table / sizeof conkeys_table[0]; i++) {
		if (conkeys_table[i].key == key) {
			k->keysym = conkeys_table[i].keysym;
			k->mods = conkeys_table[i].mods;
			return (1);
		}
	}
	/*
	 * xterm's terminfo: F13-F24 are Shift+F1-F12, F25-F36 Ctrl, F37-F48
	 * Ctrl+Shift, F49-F60 Alt.
	 */
	if (key >= KEY_F(1) && key <= KEY_F(60)) {
		n = key - KEY_F(1);
		k->keysym = VNC_KEY_F1 + (uint32_t)(n % 12);
		k->mods = (const int[]){ 0, VNC_MOD_SHIFT, VNC_MOD_CTRL,
		    VNC_MOD_CTRL|VNC_MOD_SHIFT, VNC_MOD_ALT }[n / 12];
		return (1);
	}
	/* Ctrl-A .. Ctrl-Z (those not in the table: Tab, Enter are). */
	if (key >= 1 && key <= 26) {
		k->keysym = (uint32_t)('a' + key - 1);
		k->mods = VNC_MOD_CTRL;
		return (1);
	}
	if (key >= 32 && key < 127) {
		k->keysym = (uint32_t)key;
		k->mods = vnc_keysym_shifted((uint32_t)key) ? VNC_MOD_SHIFT : 0;
		return (1);
	}
	return (0);
}

int
conkeys_events(const struct conkey *k, int latched, struct conkey_event *ev)
{
	uint32_t	keysym = k->keysym;
	int		mods = k->mods | latched, n = 0;
	size_t		i;

	/*
	 * QEMU keeps a letter's case as its keysym says: a lower-case letter
	 * with Shift down toggles the guest's CapsLock and comes out lower
	 * case. Shift held on a letter means its capital.
	 */
	if ((mods & VNC_MOD_SHIFT) && keysym >= 'a' && keysym <= 'z')
		keysym -= 'a' - 'A';
	for (i = 0; i < CONKEYS_NMODS; i++) {
		if (mods & conkeys_mods[i].mod) {
			ev[n].keysym = conkeys_mods[i].keysym;
			ev[n++].down = 1;
		}
	}
	ev[n].keysym = keysym;
	ev[n++].down = 1;
	ev[n].keysym = keysym;
	ev[n++].down = 0;
	for (i = CONKEYS_NMODS; i > 0; i--) {
		if (mods & conkeys_mods[i - 1].mod) {
			ev[n].keysym = conkeys_mods[i - 1].keysym;
			ev[n++].down = 0;
		}
	}
	return (n);
}

void
conkeys_mods_name(int mods, char *buf, size_t len)
{
	size_t	i, at = 0;
	int	n;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < CONKEYS_NMODS && at < len; i++) {
		if ((mods & conkeys_mods[i].mod) == 0)
			continue;
		n = snprintf(buf + at, len - at, "%s+", conkeys_mods[i].name);
		if (n < 0)
			break;
		at += (size_t)n;
	}
}
