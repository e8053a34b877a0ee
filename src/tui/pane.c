/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A console pane beside the VM list: the selected VM's screen or serial. */
#include "config.h"

#include "tui/pane.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tui/draw.h"
#include "tui/keys.h"
#include "tui/screens.h"
#include "util/xmalloc.h"

struct pane {
	enum pane_kind	 kind;
	struct embed	 em;		/* where the console sits; its focus */
	struct screen	*con;		/* the console shown, or NULL */
	char		*name;		/* its VM */
};

struct pane *
pane_create(struct screen *host)
{
	struct pane	*p;

	p = xcalloc(1, sizeof *p);
	p->em.host = host;
	return (p);
}

/* Close the console; the next draw on top opens what is wanted then. */
static void
pane_close(struct pane *p)
{
	if (p->con != NULL) {
		if (p->con->ops->free != NULL)
			p->con->ops->free(p->con);
		free(p->con);
		p->con = NULL;
	}
	free(p->name);
	p->name = NULL;
	p->em.focused = 0;
	p->em.left = 0;
}

void
pane_free(struct pane *p)
{
	if (p == NULL)
		return;
	pane_close(p);
	free(p);
}

void
pane_toggle(struct pane *p, enum pane_kind kind)
{
	pane_close(p);
	p->kind = p->kind == kind ? PANE_OFF : kind;
}

enum pane_kind
pane_kind(const struct pane *p)
{
	return (p->kind);
}

int
pane_focused(const struct pane *p)
{
	return (p->con != NULL && p->em.focused);
}

int
pane_focus(struct pane *p, int on)
{
	p->em.focused = on && p->con != NULL;
	return (p->em.focused);
}

void
pane_suspend(struct pane *p)
{
	pane_close(p);
}

/* Why this VM shows nothing in the pane, or NULL. Caller frees. */
static char *
pane_why(const struct pane *p, const struct app_vm *vm)
{
	const struct tui_key	*k;

	if (vm == NULL)
		return (xstrdup("No VM selected."));
	if (vm->def == NULL)
		return (xasprintf("%s is invalid: %s", vm->name,
		    vm->error != NULL ? vm->error : "no definition"));
	if (!vmstate_is_alive(vm->st.state)) {
		k = keys_for(ACT_START, KEYS_MAIN);
		return (xasprintf("%s is %s: not running (%s starts it).",
		    vm->name, vmstate_name(vm->st.state), k != NULL ?
		    k->name : "F4"));
	}
	if (p->kind == PANE_SCREEN && (vm->def->display == VM_DISPLAY_NONE ||
	    vm->def->machine == VM_MACHINE_MICROVM || vm->paths.vnc == NULL)) {
		k = keys_for(ACT_PANE_SERIAL, KEYS_MAIN);
		return (xasprintf("%s has no display: %s shows its serial "
		    "console here.", vm->name, k != NULL ? k->name : "T"));
	}
	if (p->kind == PANE_SERIAL && vm->paths.serial == NULL)
		return (xasprintf("%s has no serial port.", vm->name));
	return (NULL);
}

/* The pane's own title and a message, when no console is shown. */
static void
pane_draw_empty(struct app_vm *vm, const char *why, int y, int x, int h,
    int w)
{
	attrset(draw_attr(ROLE_DIM));
	mvhline(y, x, ' ', w);
	draw_textf(y, x + 1, w - 2, "%s%s", vm != NULL ? vm->name : "",
	    vm != NULL ? "  " : "");
	attrset(A_NORMAL);
	if (h > 2)
		draw_text(y + 2, x + 2, w - 4, why);
}

void
pane_draw(struct app *app, struct pane *p, struct app_vm *vm, int y, int x,
    int h, int w)
{
	char	*why;
	int	 top = app->stack[app->depth - 1] == p->em.host;

	p->em.y = y;
	p->em.x = x;
	p->em.h = h;
	p->em.w = w;
	/* The console's menu or Ctrl-] gave the focus back. */
	if (p->em.left) {
		p->em.left = 0;
		p->em.focused = 0;
	}
	why = pane_why(p, vm);
	/*
	 * It follows the selection only while nothing covers the list: a
	 * menu over the console may still point at it.
	 */
	if (top && p->con != NULL && (why != NULL ||
	    strcmp(p->name, vm->name) != 0))
		pane_close(p);
	if (top && p->con == NULL && why == NULL) {
		p->name = xstrdup(vm->name);
		p->con = p->kind == PANE_SCREEN ? screen_console_pane(app,
		    vm->name, &p->em) : screen_serial_pane(app, vm->name,
		    &p->em);
	}
	if (p->con != NULL)
		p->con->ops->draw(app, p->con);
	else
		pane_draw_empty(vm, why != NULL ? why : "", y, x, h, w);
	free(why);
}

void
pane_repaint(struct pane *p)
{
	p->em.repaint = 1;
}

int
pane_key(struct app *app, struct pane *p, int key)
{
	int	used;

	if (p->con == NULL) {
		p->em.focused = 0;
		return (1);
	}
	used = p->con->ops->key(app, p->con, key);
	if (p->em.left) {
		p->em.left = 0;
		p->em.focused = 0;
		used = 1;
	}
	return (used);
}

int
pane_fd(struct pane *p)
{
	return (p->con != NULL && p->con->io != NULL ?
	    p->con->io->fd(p->con) : -1);
}

int
pane_wait_ms(struct pane *p)
{
	return (p->con != NULL && p->con->io != NULL ?
	    p->con->io->wait_ms(p->con) : -1);
}

void
pane_ready(struct app *app, struct pane *p, int revents)
{
	if (p->con != NULL && p->con->io != NULL)
		p->con->io->ready(app, p->con, revents);
}

void
pane_drawn(struct app *app, struct pane *p, int covered)
{
	if (p->con == NULL || p->con->io == NULL)
		return;
	/*
	 * QEMU's serial port takes one client: a full-screen console over
	 * the list gets it. The VNC session stays (QEMU shares the screen)
	 * and sends nothing while covered.
	 */
	if (covered && p->kind == PANE_SERIAL) {
		pane_close(p);
		return;
	}
	p->con->io->drawn(app, p->con);
}
