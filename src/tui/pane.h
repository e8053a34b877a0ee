/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A console pane beside the VM list: the selected VM's screen or serial
 * console, live, following the selection; keys go to it when it has the
 * focus.
 */
#ifndef VMDESK_TUI_PANE_H
#define VMDESK_TUI_PANE_H

#include "tui/app.h"

enum pane_kind {
	PANE_OFF,
	PANE_SCREEN,		/* the VM's screen (VNC) */
	PANE_SERIAL		/* its serial console (libvterm) */
};

struct pane;

/* A closed pane for the screen host (the list) to draw it in. */
struct pane	*pane_create(struct screen *);
void		 pane_free(struct pane *);
/* What it shows: opening gives the list the focus, the same kind closes. */
void		 pane_toggle(struct pane *, enum pane_kind);
enum pane_kind	 pane_kind(const struct pane *);
/* Whether keys go to the pane. */
int		 pane_focused(const struct pane *);
/* Give (1) or take the focus; 0 when it has none (nothing shown). */
int		 pane_focus(struct pane *, int);
/*
 * Close its console now (a full-screen one is about to take the serial
 * port); the next draw opens it again.
 */
void		 pane_suspend(struct pane *);
/*
 * Draw it in the rectangle (a title row, then the console) for this VM
 * (may be NULL): it follows the VM, or says why there is nothing to show.
 */
void		 pane_draw(struct app *, struct pane *, struct app_vm *,
		     int, int, int, int);
/* The rows beside it moved (the list scrolled): its cells go again. */
void		 pane_repaint(struct pane *);
/* A key while it has the focus; 1 when the screen changed. */
int		 pane_key(struct app *, struct pane *, int);
/* Its descriptor, or -1; milliseconds until it wants pane_ready(), or -1. */
int		 pane_fd(struct pane *);
int		 pane_wait_ms(struct pane *);
void		 pane_ready(struct app *, struct pane *, int);
/* After each draw: its cells to the terminal; covered, its session goes. */
void		 pane_drawn(struct app *, struct pane *, int);

#endif
