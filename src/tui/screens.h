/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The desktop's screens and dialogs. Each is made here and pushed on the
 * app's stack; the stack owns it. Screens share this one header because
 * each exports a single constructor.
 */
#ifndef VMDESK_TUI_SCREENS_H
#define VMDESK_TUI_SCREENS_H

#include "tui/app.h"

typedef void (*dialog_fn)(struct app *, const char *, void *);
/* Whether the text typed so far is acceptable; *why says why not. */
typedef int (*dialog_check_fn)(struct app *, const char *, void *, char **);

/* The VM list with its details pane and graphs. */
struct screen	*screen_main(struct app *);
/* Every key binding, from the key table. */
struct screen	*screen_help(void);
/* Full-screen graphs of one VM. */
struct screen	*screen_graphs(const char *);
/* The QEMU command line of one VM, each argument explained. */
struct screen	*screen_under_hood(struct app *, const char *);
/* The snapshot tree of one VM. */
struct screen	*screen_snapshots(const char *);
/* A VM's devices: add, remove, grow, insert, eject, live where it can. */
struct screen	*screen_devices(const char *);
/* Edit a stopped VM's hardware. */
struct screen	*screen_edit(const struct vm_def *);
/* A VM's screen, full screen: keys go to the guest. */
struct screen	*screen_console(struct app *, const char *);
/* A VM's serial console, full screen, through libvterm. */
struct screen	*screen_serial(struct app *, const char *);
/*
 * Every running VM's screen, live, in tiles; this VM (may be NULL)
 * selected first.
 */
struct screen	*screen_wall(const char *);

/*
 * Where a console sits when it is a pane beside the list rather than full
 * screen. The pane owns it and sets it before each draw; the console
 * reads it, and sets left when the user asks to go back to the list.
 */
struct embed {
	struct screen	*host;		/* the screen it is drawn in */
	int		 y, x, h, w;	/* its rectangle, title row first */
	int		 focused;	/* keys go to it */
	int		 left;		/* it gave the focus back */
	int		 repaint;	/* rows moved under it: send all again */
};
/* A VM's screen in a pane: drawn by host, keys when it has the focus. */
struct screen	*screen_console_pane(struct app *, const char *,
		     struct embed *);
/* A VM's serial console in a pane; its terminal follows the pane's size. */
struct screen	*screen_serial_pane(struct app *, const char *,
		     struct embed *);
/* The console's menu (its hotkey): keys the terminal cannot send, leave. */
struct screen	*screen_console_menu(void *);
/* The create wizard. */
struct screen	*screen_wizard(struct app *);

/* A message; Enter or Esc closes it. */
struct screen	*dialog_message(const char *, const char *, int);
/* A yes/no question; yes runs fn(app, NULL, arg). arg is freed with free(). */
struct screen	*dialog_confirm(const char *, const char *, dialog_fn, void *);
/*
 * A line of input; Enter runs fn(app, text, arg) when check (may be NULL)
 * accepts the text. arg is freed with free().
 */
struct screen	*dialog_input(const char *, const char *, const char *,
		     dialog_check_fn, dialog_fn, void *);
/* Follows a job: progress, Esc cancels, b sends it to the background. */
struct screen	*dialog_job(struct job *);
/* Whether a screen is the dialog following this job. */
int		 dialog_job_is(const struct screen *, const struct job *);

#endif
