/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The desktop's key bindings: one table that drives dispatch, the key bar,
 * the help screen and `vmdesk keys` (from which the man page is checked).
 */
#ifndef VMDESK_TUI_KEYS_H
#define VMDESK_TUI_KEYS_H

enum tui_action {
	ACT_NONE,
	ACT_HELP,
	ACT_QUIT,
	ACT_UP,
	ACT_DOWN,
	ACT_PAGE_UP,
	ACT_PAGE_DOWN,
	ACT_HOME,
	ACT_END,
	ACT_START,
	ACT_STOP,
	ACT_FORCE_STOP,
	ACT_RESET,
	ACT_PAUSE,
	ACT_CREATE,
	ACT_DELETE,
	ACT_CONSOLE,
	ACT_GRAPHS,
	ACT_FILTER,
	ACT_SORT,
	ACT_MARK,
	ACT_MARK_ALL,
	ACT_UNDER_HOOD,
	ACT_EDIT,
	ACT_SNAPSHOTS,
	ACT_CLONE,
	ACT_CLONE_FULL,
	ACT_SNAP_TAKE,
	ACT_SNAP_REVERT,
	ACT_SNAP_DELETE,
	ACT_SNAP_RENAME,
	ACT_SNAP_NOTE,
	ACT_SNAP_CLONE,
	ACT_CLOSE,
	ACT_CONFIRM,
	ACT_VIEW,
	ACT_CONSOLE_MENU,
	ACT_WALL,
	ACT_LEFT,
	ACT_RIGHT,
	ACT_PANE_SCREEN,
	ACT_PANE_SERIAL,
	ACT_PANE_FOCUS,
	ACT_DEVICES,
	ACT_DEV_DISK,
	ACT_DEV_RESIZE,
	ACT_DEV_INSERT,
	ACT_DEV_EJECT,
	ACT_DEV_SHARE,
	ACT_DEV_USB,
	ACT_DEV_NIC,
	ACT_DEV_FORWARD,
	ACT_DEV_REMOVE,
	ACT_LAB_UP,
	ACT_LAB_DOWN,
	ACT_LAB_RESET
};

/* Where a binding applies. */
#define KEYS_MAIN	0x1	/* the VM list */
#define KEYS_VIEW	0x2	/* help, graphs, command line: scrolling views */
#define KEYS_DIALOG	0x4	/* dialogs */
#define KEYS_SNAP	0x8	/* the snapshot tree */
#define KEYS_CONSOLE	0x10	/* a VM's screen: every other key goes in */
#define KEYS_SERIAL	0x20	/* a serial console: every other key goes in */
#define KEYS_WALL	0x40	/* the wall of running VMs' screens */
#define KEYS_DEVICES	0x80	/* a VM's devices */

struct tui_key {
	int		 key;		/* ncurses key code */
	const char	*name;		/* as people write it: "F4", "s" */
	enum tui_action	 action;
	const char	*label;		/* key bar label, or NULL */
	const char	*help;
	int		 where;		/* KEYS_* */
};

/*
 * Add a binding from the config: an action's name (as in the help's
 * words: "start", "stop", ...) and a key ("S", "F12", "Enter"). It is
 * added where the action's first binding applies.
 */
int			 keys_bind(const char *, const char *, char **);
/* The names actions have in the config. */
const char		*keys_action_name(enum tui_action);
/* The table; *n gets its length. */
const struct tui_key	*keys_table(int *);
/* The action of a key where the focus is, or ACT_NONE. */
enum tui_action		 keys_lookup(int, int);
/* The first key bound to an action somewhere in where, or NULL. */
const struct tui_key	*keys_for(enum tui_action, int);

#endif
