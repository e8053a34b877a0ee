/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The desktop's key bindings: one table for dispatch, key bar and help. */
#include "config.h"

#include "tui/keys.h"

#include <curses.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xmalloc.h"

#define CTRL(c)	((c) & 0x1f)

/*
 * F-keys first, in key bar order (htop's and mc's habit); letters next to
 * them for terminals and fingers without F-keys.
 */
static struct tui_key keys_builtin[] = {
	{ KEY_F(1), "F1", ACT_HELP, "Help", "show this help",
	  KEYS_MAIN|KEYS_VIEW|KEYS_SNAP|KEYS_DEVICES },
	{ '?', "?", ACT_HELP, NULL, "show this help",
	  KEYS_MAIN|KEYS_VIEW|KEYS_SNAP },
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
	  "(Ctrl-] comes back)", KEYS_MAIN|KEYS_WALL },
	{ CTRL(']'), "Ctrl-]", ACT_CLOSE, NULL, "(on a serial console) leave "
	  "it; the VM keeps running", KEYS_SERIAL },
	{ KEY_SPREVIOUS, "Shift-PgUp", ACT_PAGE_UP, NULL, "(on a serial "
	  "console) scroll back", KEYS_SERIAL },
	{ KEY_SNEXT, "Shift-PgDn", ACT_PAGE_DOWN, NULL, "(on a serial "
	  "console) scroll forward", KEYS_SERIAL },
	{ 'v', "v", ACT_VIEW, NULL, "the screen of the selected VM, full "
	  "screen; keys go to the guest", KEYS_MAIN|KEYS_WALL },
	{ '\n', "Enter", ACT_VIEW, "Screen", "the selected VM's screen, full "
	  "screen", KEYS_WALL },
	{ 'w', "w", ACT_WALL, NULL, "the wall: every running VM's screen, "
	  "live, in tiles", KEYS_MAIN },
	{ 'w', "w", ACT_CLOSE, NULL, "back to the list, the wall's VM "
	  "selected", KEYS_WALL },
	{ KEY_LEFT, "Left", ACT_LEFT, NULL, "the tile to the left",
	  KEYS_WALL },
	{ 'h', "h", ACT_LEFT, NULL, "the tile to the left", KEYS_WALL },
	{ KEY_RIGHT, "Right", ACT_RIGHT, NULL, "the tile to the right",
	  KEYS_WALL },
	{ 'l', "l", ACT_RIGHT, NULL, "the tile to the right", KEYS_WALL },
	{ CTRL(']'), "Ctrl-]", ACT_CONSOLE_MENU, NULL, "(on a VM's screen) "
	  "menu: Ctrl-Alt-Del, Ctrl-Alt-F1..F12, Ctrl, Alt, Shift or Super "
	  "held for the next key, zoom and pan, SysRq, screenshot, leave",
	  KEYS_CONSOLE },
	{ 'V', "V", ACT_PANE_SCREEN, NULL, "the selected VM's screen in a "
	  "pane beside the list, live; again closes it", KEYS_MAIN },
	{ 'T', "T", ACT_PANE_SERIAL, NULL, "the selected VM's serial console "
	  "in a pane beside the list; again closes it", KEYS_MAIN },
	{ '\t', "Tab", ACT_PANE_FOCUS, NULL, "(with a pane open) keys go to "
	  "the guest in the pane; its Ctrl-] menu (q) or Ctrl-] on a serial "
	  "pane gives them back to the list", KEYS_MAIN },
	{ '\n', "Enter", ACT_GRAPHS, NULL, "full-screen graphs of the selected "
	  "VM", KEYS_MAIN },
	{ 'g', "g", ACT_GRAPHS, NULL, "full-screen graphs", KEYS_MAIN },
	{ 'e', "e", ACT_EDIT, NULL, "edit the hardware of the selected VM "
	  "(stopped): CPUs, memory, display, port forwards", KEYS_MAIN },
	{ 'S', "S", ACT_SNAPSHOTS, NULL, "the snapshot tree of the selected "
	  "VM", KEYS_MAIN },
	{ 'D', "D", ACT_DEVICES, NULL, "the devices of the selected VM: "
	  "disks, CD, network cards, port forwards, shared folders, USB; "
	  "add, remove, grow, insert, eject (live where QEMU can)", KEYS_MAIN },
	{ 'd', "d", ACT_DEV_DISK, "Disk", "(devices) add a disk: a new one of "
	  "a size, or an image file", KEYS_DEVICES },
	{ 'r', "r", ACT_DEV_RESIZE, "Grow", "(devices) grow the selected disk",
	  KEYS_DEVICES },
	{ 'i', "i", ACT_DEV_INSERT, "Insert", "(devices) put an ISO in the CD "
	  "drive", KEYS_DEVICES },
	{ 'o', "o", ACT_DEV_EJECT, "Eject", "(devices) empty the CD drive",
	  KEYS_DEVICES },
	{ 's', "s", ACT_DEV_SHARE, "Share", "(devices) share a host folder "
	  "with the guest", KEYS_DEVICES },
	{ 'u', "u", ACT_DEV_USB, "USB", "(devices) plug a USB stick image or "
	  "a host USB device", KEYS_DEVICES },
	{ 'n', "n", ACT_DEV_NIC, "NIC", "(devices) add a network card: user, "
	  "private:NET or bridge:BR", KEYS_DEVICES },
	{ 'f', "f", ACT_DEV_FORWARD, "Forward", "(devices) forward a host "
	  "port on 127.0.0.1 to a guest port", KEYS_DEVICES },
	{ 'x', "x", ACT_DEV_REMOVE, "Remove", "(devices) remove the selected "
	  "device (confirm)", KEYS_DEVICES },
	{ KEY_DC, "Delete", ACT_DEV_REMOVE, NULL, "(devices) remove the "
	  "selected device", KEYS_DEVICES },
	{ 'C', "C", ACT_CLONE, NULL, "linked clone of the selected VM "
	  "(stopped): instant, both share a frozen base", KEYS_MAIN },
	{ 'F', "F", ACT_CLONE_FULL, NULL, "full clone of the selected VM "
	  "(stopped): a copy of every disk", KEYS_MAIN },
	{ 't', "t", ACT_SNAP_TAKE, "Take", "take a snapshot under the current "
	  "one (live with RAM when running)", KEYS_SNAP },
	{ 'r', "r", ACT_SNAP_REVERT, "Revert", "revert to the selected "
	  "snapshot (confirm)", KEYS_SNAP },
	{ 'd', "d", ACT_SNAP_DELETE, "Delete", "delete the selected snapshot; "
	  "its children move up (confirm)", KEYS_SNAP },
	{ 'n', "n", ACT_SNAP_RENAME, "Rename", "rename the selected snapshot",
	  KEYS_SNAP },
	{ 'e', "e", ACT_SNAP_NOTE, "Note", "edit the selected snapshot's note",
	  KEYS_SNAP },
	{ 'c', "c", ACT_SNAP_CLONE, "Clone", "a new VM from the selected "
	  "snapshot", KEYS_SNAP },
	{ 'u', "u", ACT_UNDER_HOOD, NULL, "under the hood: the QEMU command "
	  "line, each argument explained, and the live QMP traffic", KEYS_MAIN },
	{ ' ', "Space", ACT_MARK, NULL, "mark or unmark the selected VM (on "
	  "a lab's header: all its VMs)", KEYS_MAIN },
	{ 'U', "U", ACT_LAB_UP, NULL, "(on a lab or one of its VMs) bring the "
	  "lab up from its lab file, as vmdesk up does; progress on its "
	  "header", KEYS_MAIN },
	{ 'X', "X", ACT_LAB_DOWN, NULL, "(on a lab) take the lab down: stop "
	  "its VMs, as vmdesk down does", KEYS_MAIN },
	{ 'B', "B", ACT_LAB_RESET, NULL, "(on a lab) reset every VM of the "
	  "lab to its baseline snapshot, as vmdesk lab reset does (confirm)",
	  KEYS_MAIN },
	{ 'a', "a", ACT_MARK_ALL, NULL, "mark all shown VMs, or none",
	  KEYS_MAIN },
	{ KEY_UP, "Up", ACT_UP, NULL, "move up",
	  KEYS_MAIN|KEYS_VIEW|KEYS_DIALOG|KEYS_SNAP|KEYS_WALL|KEYS_DEVICES },
	{ 'k', "k", ACT_UP, NULL, "move up",
	  KEYS_MAIN|KEYS_VIEW|KEYS_SNAP|KEYS_WALL|KEYS_DEVICES },
	{ KEY_DOWN, "Down", ACT_DOWN, NULL, "move down",
	  KEYS_MAIN|KEYS_VIEW|KEYS_DIALOG|KEYS_SNAP|KEYS_WALL|KEYS_DEVICES },
	{ 'j', "j", ACT_DOWN, NULL, "move down",
	  KEYS_MAIN|KEYS_VIEW|KEYS_SNAP|KEYS_WALL|KEYS_DEVICES },
	{ KEY_PPAGE, "PgUp", ACT_PAGE_UP, NULL, "a page up",
	  KEYS_MAIN|KEYS_VIEW|KEYS_DIALOG|KEYS_SERIAL },
	{ KEY_NPAGE, "PgDn", ACT_PAGE_DOWN, NULL, "a page down",
	  KEYS_MAIN|KEYS_VIEW|KEYS_DIALOG|KEYS_SERIAL },
	{ KEY_HOME, "Home", ACT_HOME, NULL, "the first",
	  KEYS_MAIN|KEYS_VIEW|KEYS_DIALOG },
	{ KEY_END, "End", ACT_END, NULL, "the last",
	  KEYS_MAIN|KEYS_VIEW|KEYS_DIALOG },
	{ 27, "Esc", ACT_CLOSE, "Close", "close the view or dialog",
	  KEYS_VIEW|KEYS_DIALOG|KEYS_SNAP|KEYS_WALL|KEYS_DEVICES },
	{ 'q', "q", ACT_CLOSE, NULL, "close the view",
	  KEYS_VIEW|KEYS_SNAP|KEYS_WALL|KEYS_DEVICES },
	{ KEY_F(10), "F10", ACT_CLOSE, NULL, "close the view", KEYS_VIEW },
	{ '\n', "Enter", ACT_CONFIRM, "OK", "confirm", KEYS_DIALOG },
	{ CTRL('l'), "Ctrl-L", ACT_NONE, NULL, "redraw the screen",
	  KEYS_MAIN|KEYS_VIEW|KEYS_DIALOG },
};

/* The table in use: the built-in one plus the config's bindings. */
static struct tui_key	*keys = keys_builtin;
static size_t		 keys_n = sizeof keys_builtin / sizeof keys_builtin[0];

static const struct {
	enum tui_action	 action;
	const char	*name;
} keys_names[] = {
	{ ACT_HELP, "help" }, { ACT_QUIT, "quit" }, { ACT_UP, "up" },
	{ ACT_DOWN, "down" }, { ACT_PAGE_UP, "page-up" },
	{ ACT_PAGE_DOWN, "page-down" }, { ACT_HOME, "home" },
	{ ACT_END, "end" }, { ACT_START, "start" }, { ACT_STOP, "stop" },
	{ ACT_FORCE_STOP, "force-stop" }, { ACT_RESET, "reset" },
	{ ACT_PAUSE, "pause" }, { ACT_CREATE, "create" },
	{ ACT_DELETE, "delete" }, { ACT_CONSOLE, "console" },
	{ ACT_GRAPHS, "graphs" }, { ACT_FILTER, "filter" },
	{ ACT_SORT, "sort" }, { ACT_MARK, "mark" },
	{ ACT_MARK_ALL, "mark-all" }, { ACT_UNDER_HOOD, "under-the-hood" },
	{ ACT_EDIT, "edit" }, { ACT_SNAPSHOTS, "snapshots" },
	{ ACT_CLONE, "clone" }, { ACT_CLONE_FULL, "full-clone" },
	{ ACT_SNAP_TAKE, "snapshot-take" },
	{ ACT_SNAP_REVERT, "snapshot-revert" },
	{ ACT_SNAP_DELETE, "snapshot-delete" },
	{ ACT_SNAP_RENAME, "snapshot-rename" },
	{ ACT_SNAP_NOTE, "snapshot-note" },
	{ ACT_SNAP_CLONE, "snapshot-clone" }, { ACT_CLOSE, "close" },
	{ ACT_VIEW, "view" }, { ACT_CONSOLE_MENU, "console-menu" },
	{ ACT_WALL, "wall" }, { ACT_LEFT, "left" }, { ACT_RIGHT, "right" },
	{ ACT_PANE_SCREEN, "pane-screen" }, { ACT_PANE_SERIAL, "pane-serial" },
	{ ACT_PANE_FOCUS, "pane-focus" }, { ACT_DEVICES, "devices" },
	{ ACT_DEV_DISK, "device-disk" }, { ACT_DEV_RESIZE, "device-grow" },
	{ ACT_DEV_INSERT, "device-insert" }, { ACT_DEV_EJECT, "device-eject" },
	{ ACT_DEV_SHARE, "device-share" }, { ACT_DEV_USB, "device-usb" },
	{ ACT_DEV_NIC, "device-nic" }, { ACT_DEV_FORWARD, "device-forward" },
	{ ACT_DEV_REMOVE, "device-remove" }, { ACT_LAB_UP, "lab-up" },
	{ ACT_LAB_DOWN, "lab-down" }, { ACT_LAB_RESET, "lab-reset" },
};

const char *
keys_action_name(enum tui_action a)
{
	size_t	i;

	for (i = 0; i < sizeof keys_names / sizeof keys_names[0]; i++) {
		if (keys_names[i].action == a)
			return (keys_names[i].name);
	}
	return (NULL);
}

/* A key's code from its name: one printable character, F1-F12, or a word. */
static int
keys_code(const char *name)
{
	static const struct {
		const char	*name;
		int		 code;
	} words[] = {
		{ "Enter", '\n' }, { "Space", ' ' }, { "Tab", '\t' },
		{ "Delete", KEY_DC }, { "Insert", KEY_IC },
		{ "Backspace", KEY_BACKSPACE },
	};
	size_t	i;
	int	n;

	if (strlen(name) == 1 && name[0] > 32 && name[0] < 127)
		return (name[0]);
	if (strncasecmp(name, "Ctrl-", 5) == 0 && strlen(name) == 6 &&
	    name[5] >= '@' && name[5] < 127)
		return (name[5] & 0x1f);
	if ((name[0] == 'F' || name[0] == 'f') && (n = atoi(name + 1)) >= 1 &&
	    n <= 12 && strspn(name + 1, "0123456789") == strlen(name + 1))
		return (KEY_F(n));
	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		if (strcasecmp(words[i].name, name) == 0)
			return (words[i].code);
	}
	return (-1);
}

int
keys_bind(const char *action, const char *keyname, char **cause)
{
	const struct tui_key	*first;
	struct tui_key		*k;
	size_t			 i;
	int			 code;

	for (i = 0; i < sizeof keys_names / sizeof keys_names[0]; i++) {
		if (strcmp(keys_names[i].name, action) == 0)
			break;
	}
	if (i == sizeof keys_names / sizeof keys_names[0]) {
		*cause = xasprintf("unknown action '%s'", action);
		return (-1);
	}
	if ((code = keys_code(keyname)) == -1) {
		*cause = xasprintf("'%s' is not a key (a character, Ctrl-X, F1 "
		    "to F12, Enter, Space, Tab, Delete, Insert or Backspace)",
		    keyname);
		return (-1);
	}
	first = keys_for(keys_names[i].action, KEYS_MAIN|KEYS_VIEW|
	    KEYS_DIALOG|KEYS_SNAP|KEYS_CONSOLE|KEYS_SERIAL|KEYS_WALL);
	/* The new binding goes first, so it wins over a built-in one. */
	k = xreallocarray(NULL, keys_n + 1, sizeof *k);
	k[0].key = code;
	k[0].name = xstrdup(keyname);
	k[0].action = keys_names[i].action;
	k[0].label = NULL;
	k[0].help = first->help;
	k[0].where = first->where;
	memcpy(k + 1, keys, keys_n * sizeof *k);
	if (keys != keys_builtin)
		free(keys);
	keys = k;
	keys_n++;
	return (0);
}

const struct tui_key *
keys_table(int *n)
{
	*n = (int)keys_n;
	return (keys);
}

enum tui_action
keys_lookup(int key, int where)
{
	size_t	i;

	if (key == KEY_ENTER || key == '\r')
		key = '\n';
	for (i = 0; i < keys_n; i++) {
		if (keys[i].key == key && (keys[i].where & where))
			return (keys[i].action);
	}
	return (ACT_NONE);
}

const struct tui_key *
keys_for(enum tui_action action, int where)
{
	size_t	i;

	for (i = 0; i < keys_n; i++) {
		if (keys[i].action == action && (keys[i].where & where))
			return (&keys[i]);
	}
	return (NULL);
}
