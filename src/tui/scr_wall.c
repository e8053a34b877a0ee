/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The wall: every running VM's screen at once, live, in tiles. Each tile
 * is a thumbnail with its own VNC session; the screen polls one epoll
 * descriptor that holds them all, so the app's loop sees one.
 */
#include "config.h"

#include <sys/epoll.h>

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/draw.h"
#include "tui/keys.h"
#include "tui/screens.h"
#include "tui/thumb.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* A tile is at least this big, border included. */
#define WALL_MIN_COLS	24
#define WALL_MIN_ROWS	8

struct tile {
	char		*name;
	struct thumb	*thumb;
	int		 fd;		/* in the epoll set, or -1 */
	int		 seen;		/* drawn this pass */
};

struct wall {
	struct tile	**tiles;
	size_t		  n;
	char		 *selected;
	int		  cols;		/* tiles across, as last drawn */
	int		  ep;		/* the epoll descriptor */
};

/* Whether a VM has a screen to show now. */
static int
wall_shows(const struct app_vm *vm)
{
	return (vm->def != NULL && vmstate_is_alive(vm->st.state) &&
	    vm->def->display != VM_DISPLAY_NONE &&
	    vm->def->machine != VM_MACHINE_MICROVM && vm->paths.vnc != NULL);
}

static void
wall_tile_free(struct wall *w, struct tile *t)
{
	if (t->fd != -1)
		epoll_ctl(w->ep, EPOLL_CTL_DEL, t->fd, NULL);
	thumb_free(t->thumb);
	free(t->name);
	free(t);
}

static struct tile *
wall_tile(struct wall *w, const char *name)
{
	struct tile	*t;
	size_t		 i;

	for (i = 0; i < w->n; i++) {
		if (strcmp(w->tiles[i]->name, name) == 0)
			return (w->tiles[i]);
	}
	t = xcalloc(1, sizeof *t);
	t->name = xstrdup(name);
	t->thumb = thumb_create();
	t->fd = -1;
	w->tiles = xreallocarray(w->tiles, w->n + 1, sizeof *w->tiles);
	w->tiles[w->n++] = t;
	return (t);
}

/*
 * Keep the epoll set equal to the tiles' current descriptors: a session
 * that reconnected has a new one, a closed one has none.
 */
static void
wall_sync(struct wall *w)
{
	struct epoll_event	 ev;
	struct tile		*t;
	size_t			 i;
	int			 fd;

	for (i = 0; i < w->n; i++) {
		t = w->tiles[i];
		fd = thumb_fd(t->thumb);
		if (fd == t->fd)
			continue;
		/* A closed descriptor has left the set already. */
		if (t->fd != -1)
			epoll_ctl(w->ep, EPOLL_CTL_DEL, t->fd, NULL);
		t->fd = -1;
		if (fd == -1)
			continue;
		memset(&ev, 0, sizeof ev);
		ev.events = EPOLLIN;
		ev.data.ptr = t;
		if (epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev) == 0)
			t->fd = fd;
		else
			log_debug("wall: epoll_ctl: %s", strerror(errno));
	}
}

/* The running VMs with a screen, in the list's order. */
static size_t
wall_vms(struct app *app, struct app_vm ***out)
{
	struct app_vm	**v = NULL;
	size_t		  i, n = 0;

	for (i = 0; i < app->nvms; i++) {
		if (!wall_shows(app->vms[i]))
			continue;
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n++] = app->vms[i];
	}
	*out = v;
	return (n);
}

/*
 * Tiles across for n tiles in the area, for pictures gw by gh pixels (a
 * cell is one pixel wide and two tall): the largest pictures win.
 */
static int
wall_columns(size_t n, int width, int height, int gw, int gh)
{
	long	pw, ph, area, bestarea = 0;
	int	cols, rows, best = 1, tw, th;

	for (cols = 1; cols <= (int)n; cols++) {
		rows = (int)((n + (size_t)cols - 1) / (size_t)cols);
		tw = width / cols;
		th = height / rows;
		if (tw < WALL_MIN_COLS || th < WALL_MIN_ROWS)
			break;
		ph = th - 2;
		pw = ph * 2 * gw / gh;
		if (pw > tw - 2) {
			pw = tw - 2;
			ph = pw * gh / gw / 2;
		}
		area = pw * ph;
		if (area > bestarea) {
			bestarea = area;
			best = cols;
		}
	}
	return (best);
}

static void
wall_draw(struct app *app, struct screen *s)
{
	struct wall	 *w = s->data;
	struct app_vm	**vms;
	struct tile	 *t;
	size_t		  n, i, first = 0, sel = 0;
	int		  cols, rows, tw, th, y, x, h, used, top = 1;
	int		  gw = 0, gh = 0, pw, ph, attr;
	int		  bottom = LINES - 2;

	attrset(draw_attr(ROLE_TITLE));
	mvhline(0, 0, ' ', COLS);
	n = wall_vms(app, &vms);
	draw_textf(0, 1, COLS - 2, "The wall: %zu running VM%s, live  (Enter "
	    "opens one, c its serial console)", n, n == 1 ? "" : "s");
	attrset(A_NORMAL);
	draw_keybar(app, KEYS_WALL);
	draw_status(app);
	for (i = 0; i < w->n; i++)
		w->tiles[i]->seen = 0;
	if (n == 0) {
		draw_text(2, 1, COLS - 2, "No VM is running with a screen: "
		    "start one in the list (F4).");
		free(vms);
		return;
	}
	for (i = 0; i < n; i++) {
		if (w->selected != NULL &&
		    strcmp(vms[i]->name, w->selected) == 0)
			sel = i;
	}
	free(w->selected);
	w->selected = xstrdup(vms[sel]->name);
	/* Lay out for the tallest picture; 4:3 until one is known. */
	for (i = 0; i < w->n; i++) {
		if (thumb_size(w->tiles[i]->thumb, &pw, &ph) &&
		    (gw == 0 || (long)ph * gw > (long)gh * pw)) {
			gw = pw;
			gh = ph;
		}
	}
	if (gw == 0) {
		gw = 4;
		gh = 3;
	}
	cols = wall_columns(n, COLS, bottom - top, gw, gh);
	w->cols = cols;
	tw = COLS / cols;
	rows = (bottom - top) / WALL_MIN_ROWS;
	if (rows < 1)
		rows = 1;
	if ((size_t)rows * (size_t)cols >= n)
		rows = (int)((n + (size_t)cols - 1) / (size_t)cols);
	th = (bottom - top) / rows;
	/* No taller than the picture needs; the wall is centred. */
	if ((long)(th - 2) * 2 * gw / gh > tw - 2)
		th = (int)((long)(tw - 2) * gh / gw / 2) + 2;
	top += (bottom - top - rows * th) / 2;
	/* Scroll by whole rows of tiles so the selected one shows. */
	if (sel / (size_t)cols >= (size_t)rows)
		first = (sel / (size_t)cols - (size_t)rows + 1) * (size_t)cols;
	for (i = first; i < n && i < first + (size_t)(rows * cols); i++) {
		y = top + (int)((i - first) / (size_t)cols) * th;
		x = (int)((i - first) % (size_t)cols) * tw;
		t = wall_tile(w, vms[i]->name);
		t->seen = 1;
		attr = i == sel ? draw_attr(ROLE_SELECTED) : (int)A_NORMAL;
		/* The selected tile's border stands out. */
		attrset(i == sel ? attr : draw_attr(ROLE_DIM));
		draw_frame(y, x, th, tw);
		attrset(attr);
		draw_textf(y, x + 2, tw - 4, " %s  %s ", vms[i]->name,
		    vmstate_name(vms[i]->st.state));
		attrset(A_NORMAL);
		thumb_follow(t->thumb, vms[i]->name, vms[i]->paths.vnc);
		h = th - 2;
		used = thumb_draw(t->thumb, y + 1, x + 1, h, tw - 2,
		    app->colors, app->utf8);
		if (used == 0) {
			attrset(draw_attr(ROLE_DIM));
			draw_text(y + h / 2, x + 2, tw - 4, app->colors == 0 ?
			    "(no colours: Enter shows it)" : "connecting...");
			attrset(A_NORMAL);
		}
	}
	free(vms);
	wall_sync(w);
}

static void
wall_move(struct app *app, struct wall *w, int by)
{
	struct app_vm	**vms;
	size_t		  n, i;
	long		  at = 0;

	n = wall_vms(app, &vms);
	for (i = 0; i < n; i++) {
		if (w->selected != NULL &&
		    strcmp(vms[i]->name, w->selected) == 0)
			at = (long)i;
	}
	at += by;
	if (n > 0 && at >= 0 && at < (long)n) {
		free(w->selected);
		w->selected = xstrdup(vms[at]->name);
		app->dirty = 1;
	}
	free(vms);
}

static int
wall_key(struct app *app, struct screen *s, int key)
{
	struct wall	*w = s->data;

	switch (keys_lookup(key, KEYS_WALL)) {
	case ACT_CLOSE:
		/* The list selects what the wall had selected. */
		if (w->selected != NULL) {
			free(app->select);
			app->select = xstrdup(w->selected);
		}
		app_pop(app);
		return (1);
	case ACT_LEFT:
		wall_move(app, w, -1);
		return (1);
	case ACT_RIGHT:
		wall_move(app, w, 1);
		return (1);
	case ACT_UP:
		wall_move(app, w, -w->cols);
		return (1);
	case ACT_DOWN:
		wall_move(app, w, w->cols);
		return (1);
	case ACT_VIEW:
		if (w->selected != NULL)
			app_push(app, screen_console(app, w->selected));
		return (1);
	case ACT_CONSOLE:
		if (w->selected != NULL)
			app_console(app, w->selected);
		return (1);
	default:
		return (0);
	}
}

static void
wall_free(struct screen *s)
{
	struct wall	*w = s->data;
	size_t		 i;

	for (i = 0; i < w->n; i++)
		wall_tile_free(w, w->tiles[i]);
	free(w->tiles);
	free(w->selected);
	close(w->ep);
	free(w);
}

static int
wall_fd(struct screen *s)
{
	return (((struct wall *)s->data)->ep);
}

static int
wall_wait_ms(struct screen *s)
{
	struct wall	*w = s->data;
	size_t		 i;
	int		 t, min = -1;

	for (i = 0; i < w->n; i++) {
		t = thumb_wait_ms(w->tiles[i]->thumb);
		if (t >= 0 && (min < 0 || t < min))
			min = t;
	}
	return (min);
}

/* What came on the sessions, found through epoll; and what is due. */
static void
wall_ready(struct app *app, struct screen *s, int revents)
{
	struct wall		*w = s->data;
	struct epoll_event	 ev[16];
	struct tile		*t;
	size_t			 i;
	int			 n = 0, k, re;

	if (revents & POLLIN)
		n = epoll_wait(w->ep, ev, 16, 0);
	for (i = 0; i < w->n; i++) {
		t = w->tiles[i];
		re = 0;
		for (k = 0; k < n; k++) {
			if (ev[k].data.ptr != t)
				continue;
			re = (ev[k].events & EPOLLIN ? POLLIN : 0) |
			    (ev[k].events & EPOLLHUP ? POLLHUP : 0) |
			    (ev[k].events & EPOLLERR ? POLLERR : 0);
		}
		if (thumb_ready(t->thumb, re))
			app->dirty = 1;
	}
	wall_sync(w);
}

/*
 * After each draw: tiles not drawn (their VM stopped, scrolled away, or
 * a screen covers the wall) are dropped with their sessions.
 */
static void
wall_drawn(struct app *app, struct screen *s)
{
	struct wall	*w = s->data;
	size_t		 i, kept = 0;
	int		 covered = app_covered(app, s);

	for (i = 0; i < w->n; i++) {
		if (covered || !w->tiles[i]->seen)
			wall_tile_free(w, w->tiles[i]);
		else
			w->tiles[kept++] = w->tiles[i];
	}
	w->n = kept;
}

static const struct screen_ops wall_ops = {
	"wall", KEYS_WALL, 1, wall_draw, wall_key, wall_free
};

static const struct screen_io wall_io = {
	wall_fd, wall_wait_ms, wall_ready, wall_drawn
};

struct screen *
screen_wall(const char *selected)
{
	struct wall	*w;
	struct screen	*s;

	w = xcalloc(1, sizeof *w);
	if ((w->ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("epoll_create1: %s", strerror(errno));
	if (selected != NULL)
		w->selected = xstrdup(selected);
	s = app_screen(&wall_ops, w);
	s->io = &wall_io;
	return (s);
}
