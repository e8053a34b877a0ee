/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The desktop's key bindings: one table for dispatch, key bar and help. */
#include "config.h"

#include "tui/keys.h"

#include <curses.h>
#include <stddef.h>

#define CTRL(c)	((c) & 0x1f)

/*
 * F-keys first, in key bar order (htop's and mc's habit); letters next to
 * them for terminals and fingers without F-keys.
 */
static const struct tui_key keys[] = {
	{ KEY_F(1), "F1", ACT_HELP, "Help", "show this help", KEYS_MAIN|KEYS_VIEW },
	{ '?', "?", ACT_HELP, NULL, "show this help", KEYS_MAIN|KEYS_VIEW },
	{ KEY_F(2), "F2", ACT_CREATE, "New", "create a VM from a template",
	  KEYS_MAIN },
	{ 'n', "n", ACT_CREATE, NULL, "create a VM from a template", KEYS_MAIN },
	{ KEY_F(3), "F3", ACT_FILTER, "Filter", "filter the list by name, "
	  "template or OS", KEYS_MAIN },
	{ '/', "/", ACT_FILTER, NULL, "filter the list", KEYS_MAIN },
	{ KEY_F(4), "F4", ACT_START, "Start", "start the selected or marked VMs",
	  KEYS_MAIN },
	{ 's', "s", ACT_START, NULL, "start the selected or marked VMs",
	  KEYS_MAIN },
	{ KEY_F(5), "F5", ACT_PAUSE, "Pause", "pause or resume the selected VM",
	  KEYS_MAIN },
	{ 'p', "p", ACT_PAUSE, NULL, "pause or resume the selected VM",
	  KEYS_MAIN },
	{ KEY_F(6), "F6", ACT_SORT, "Sort", "sort by the next column",
	  KEYS_MAIN },
	{ 'o', "o", ACT_SORT, NULL, "sort by the next column", KEYS_MAIN },
	{ KEY_F(7), "F7", ACT_STOP, "Stop", "power off the selected or marked "
	  "VMs (ACPI button)", KEYS_MAIN },
	{ 'x', "x", ACT_STOP, NULL, "power off (ACPI button)", KEYS_MAIN },
	{ KEY_F(8), "F8", ACT_DELETE, "Delete", "delete the selected or marked "
	  "VMs (type the name to confirm)", KEYS_MAIN },
	{ KEY_DC, "Delete", ACT_DELETE, NULL, "delete VMs", KEYS_MAIN },
	{ KEY_F(9), "F9", ACT_FORCE_STOP, "Kill", "force stop: end QEMU now "
	  "(confirm)", KEYS_MAIN },
	{ 'K', "K", ACT_FORCE_STOP, NULL, "force stop (confirm)", KEYS_MAIN },
	{ KEY_F(10), "F10", ACT_QUIT, "Quit", "quit the desktop (VMs keep "
	  "running)", KEYS_MAIN },
	{ 'q', "q", ACT_QUIT, NULL, "quit the desktop (VMs keep running)",
	  KEYS_MAIN },
	{ 'R', "R", ACT_RESET, NULL, "hard-reset the selected VM (confirm)",
	  KEYS_MAIN },
	{ 'c', "c", ACT_CONSOLE, NULL, "serial console of the selected VM "
	  "(Ctrl-] comes back)", KEYS_MAIN },
	{ '\n', "Enter", ACT_GRAPHS, NULL, "full-screen graphs of the selected "
	  "VM", KEYS_MAIN },
	{ 'g', "g", ACT_GRAPHS, NULL, "full-screen graphs", KEYS_MAIN },
	{ 'e', "e", ACT_EDIT, NULL, "edit the hardware of the selected VM "
	  "(stopped): CPUs, memory, display, port forwards", KEYS_MAIN },
	{ 'u', "u", ACT_UNDER_HOOD, NULL, "under the hood: the QEMU command "
	  "line, each argument explained, and the live QMP traffic", KEYS_MAIN },
	{ ' ', "Space", ACT_MARK, NULL, "mark or unmark the selected VM",
	  KEYS_MAIN },
	{ 'a', "a", ACT_MARK_ALL, NULL, "mark all shown VMs, or none",
	  KEYS_MAIN },
	{ KEY_UP, "Up", ACT_UP, NULL, "move up", KEYS_MAIN|KEYS_VIEW|KEYS_DIALOG },
	{ 'k', "k", ACT_UP, NULL, "move up", KEYS_MAIN|KEYS_VIEW },
	{ KEY_DOWN, "Down", ACT_DOWN, NULL, "move down",
	  KEYS_MAIN|KEYS_VIEW|KEYS_DIALOG },
	{ 'j', "j", ACT_DOWN, NULL, "move down", KEYS_MAIN|KEYS_VIEW },
	{ KEY_PPAGE, "PgUp", ACT_PAGE_UP, NULL, "a page up",
	  KEYS_MAIN|KEYS_VIEW|KEYS_DIALOG },
	{ KEY_NPAGE, "PgDn", ACT_PAGE_DOWN, NULL, "a page down",
	  KEYS_MAIN|KEYS_VIEW|KEYS_DIALOG },
	{ KEY_HOME, "Home", ACT_HOME, NULL, "the first",
	  KEYS_MAIN|KEYS_VIEW|KEYS_DIALOG },
	{ KEY_END, "End", ACT_END, NULL, "the last",
	  KEYS_MAIN|KEYS_VIEW|KEYS_DIALOG },
	{ 27, "Esc", ACT_CLOSE, "Close", "close the view or dialog",
	  KEYS_VIEW|KEYS_DIALOG },
	{ 'q', "q", ACT_CLOSE, NULL, "close the view", KEYS_VIEW },
	{ KEY_F(10), "F10", ACT_CLOSE, NULL, "close the view", KEYS_VIEW },
	{ '\n', "Enter", ACT_CONFIRM, "OK", "confirm", KEYS_DIALOG },
	{ CTRL('l'), "Ctrl-L", ACT_NONE, NULL, "redraw the screen",
	  KEYS_MAIN|KEYS_VIEW|KEYS_DIALOG },
};

const struct tui_key *
keys_table(int *n)
{
	*n = (int)(sizeof keys / sizeof keys[0]);
	return (keys);
}

enum tui_action
keys_lookup(int key, int where)
{
	size_t	i;

	if (key == KEY_ENTER || key == '\r')
		key = '\n';
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (keys[i].key == key && (keys[i].where & where))
			return (keys[i].action);
	}
	return (ACT_NONE);
}

const struct tui_key *
keys_for(enum tui_action action, int where)
{
	size_t	i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (keys[i].action == action && (keys[i].where & where))
			return (&keys[i]);
	}
	return (NULL);
}
