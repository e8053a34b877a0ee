/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Drawing helpers for the desktop: colours, text, boxes, bars. */
#ifndef VMDESK_TUI_DRAW_H
#define VMDESK_TUI_DRAW_H

#include "backend/vmstate.h"
#include "core/settings.h"

struct app;

/* Colour pairs, by role. */
enum draw_role {
	ROLE_NORMAL,
	ROLE_TITLE,		/* top bar */
	ROLE_HEADER,		/* column headers */
	ROLE_SELECTED,		/* the cursor row */
	ROLE_KEY,		/* key bar: the key */
	ROLE_KEYLABEL,		/* key bar: its label */
	ROLE_DIM,
	ROLE_RUNNING,
	ROLE_PAUSED,
	ROLE_STOPPED,
	ROLE_CRASHED,
	ROLE_SHUTTING,
	ROLE_GRAPH,
	ROLE_GRAPH2,
	ROLE_ERROR,
	ROLE_DIALOG,
	ROLE_MARK,
	ROLE_COUNT
};

/* Set colours up as the settings and NO_COLOR say; returns 0, 8 or 256. */
int	 draw_init_colors(const struct settings *);
/* The attribute of a role. */
int	 draw_attr(enum draw_role);
/* The role for a VM state. */
enum draw_role draw_state_role(enum vm_state);
/* Text at y, x clipped to width cells (UTF-8 counted by characters). */
void	 draw_text(int, int, int, const char *);
/* Formatted text clipped to width. */
void	 draw_textf(int, int, int, const char *, ...)
	     __attribute__((format(printf, 4, 5)));
/* A border, in the attribute set. */
void	 draw_frame(int, int, int, int);
/* A filled box with a border and a title. */
void	 draw_box(int, int, int, int, const char *);
/* The key bar on the last line, from the key table. */
void	 draw_keybar(struct app *, int);
/* The status line above the key bar, if there is something to say. */
void	 draw_status(struct app *);
/* Display width of a UTF-8 string. */
int	 draw_width(const char *);

#endif
