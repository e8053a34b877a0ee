/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A live thumbnail of a VM's screen, drawn as half blocks by ncurses. */
#include "config.h"

#include "tui/thumb.h"

#include <curses.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "backend/vnc.h"
#include "render/cellrender.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

/* At most two frames a second. */
#define THUMB_FRAME_MS	500
/* A lost session is tried again this often. */
#define THUMB_RETRY_MS	2000

struct thumb {
	char		*name;
	char		*path;
	struct vnc	*vnc;
	uint64_t	 next_frame;
	uint64_t	 retry_at;
	int		 pending;	/* the guest drew since */
	struct cr_cell	*cells;
	int		 cols, rows;	/* of cells */
	int		 have;		/* cells hold a frame */
};

struct thumb *
thumb_create(void)
{
	return (xcalloc(1, sizeof (struct thumb)));
}

static void
thumb_close(struct thumb *t)
{
	vnc_free(t->vnc);
	t->vnc = NULL;
	free(t->name);
	free(t->path);
	t->name = t->path = NULL;
	t->have = 0;
}

void
thumb_free(struct thumb *t)
{
	if (t == NULL)
		return;
	thumb_close(t);
	free(t->cells);
	free(t);
}

static void
thumb_connect(struct thumb *t)
{
	char	*cause = NULL;

	if (vnc_connect(t->vnc, &cause) != 0) {
		log_debug("thumbnail %s: %s", t->name, cause);
		free(cause);
		t->retry_at = time_mono_ms() + THUMB_RETRY_MS;
		return;
	}
	t->pending = 1;
	t->next_frame = 0;
}

void
thumb_follow(struct thumb *t, const char *name, const char *path)
{
	if (name == NULL || path == NULL) {
		if (t->vnc != NULL)
			thumb_close(t);
		return;
	}
	if (t->name != NULL && strcmp(t->name, name) == 0 &&
	    strcmp(t->path, path) == 0)
		return;
	thumb_close(t);
	t->name = xstrdup(name);
	t->path = xstrdup(path);
	t->vnc = vnc_create(path);
	thumb_connect(t);
}

int
thumb_fd(struct thumb *t)
{
	return (t->vnc != NULL && vnc_connected(t->vnc) ? vnc_fd(t->vnc) :
	    -1);
}

int
thumb_wait_ms(struct thumb *t)
{
	uint64_t	now = time_mono_ms(), when;

	if (t->vnc == NULL)
		return (-1);
	if (!vnc_connected(t->vnc))
		when = t->retry_at;
	else if (t->pending)
		when = t->next_frame;
	else
		return (-1);
	return (when > now ? (int)(when - now) : 0);
}

int
thumb_ready(struct thumb *t, int revents)
{
	struct vnc_rect	 r;
	uint64_t	 now = time_mono_ms();
	char		*cause = NULL;
	int		 resized;

	if (t->vnc == NULL)
		return (0);
	if (vnc_connected(t->vnc) && (revents & (POLLIN|POLLHUP|POLLERR)) &&
	    vnc_read(t->vnc, &cause) != 0) {
		log_debug("thumbnail %s: %s", t->name, cause);
		free(cause);
		t->retry_at = now + THUMB_RETRY_MS;
	}
	if (!vnc_connected(t->vnc)) {
		if (now >= t->retry_at)
			thumb_connect(t);
		return (0);
	}
	if (vnc_take_dirty(t->vnc, &r, &resized))
		t->pending = 1;
	/* The picture is made when drawn: here only the pace. */
	return (t->pending && now >= t->next_frame);
}

/*
 * Brighten a dim picture, up to four times, so that its brightest cell
 * is white: shrunk this much, a text console's thin letters average to
 * near black and the thumbnail would show nothing.
 */
static void
thumb_stretch(struct cr_cell *cells, size_t n)
{
	uint32_t	*px[2], v;
	size_t		 i;
	int		 k, c, max = 1, gain;

	for (i = 0; i < n; i++) {
		for (c = 0; c < 24; c += 8) {
			if ((int)(cells[i].fg >> c & 0xff) > max)
				max = cells[i].fg >> c & 0xff;
			if ((int)(cells[i].bg >> c & 0xff) > max)
				max = cells[i].bg >> c & 0xff;
		}
	}
	/* The gain in 1/256ths. */
	gain = 255 * 256 / max;
	if (gain > 4 * 256)
		gain = 4 * 256;
	if (gain <= 256)
		return;
	for (i = 0; i < n; i++) {
		px[0] = &cells[i].fg;
		px[1] = &cells[i].bg;
		for (k = 0; k < 2; k++) {
			v = 0;
			for (c = 0; c < 24; c += 8)
				v |= (uint32_t)(((*px[k] >> c & 0xff) * gain /
				    256) & 0xff) << c;
			*px[k] = v;
		}
	}
}

/* A colour channel as one of 4 of the cube's 6 levels (0, 95, 175, 255). */
static int
thumb_level(int v)
{
	return (v < 48 ? 0 : v < 135 ? 1 : v < 215 ? 3 : 5);
}

/*
 * A colour in few enough values that colour pairs stay bounded (ncurses
 * does not recycle them): 64 of the 256-colour cube, or the 8 ANSI ones.
 */
static short
thumb_colour(uint32_t rgb, int colors)
{
	if (colors < 256)
		return ((short)(cr_16(rgb) & 7));
	return ((short)(16 + 36 * thumb_level(rgb >> 16 & 0xff) +
	    6 * thumb_level(rgb >> 8 & 0xff) + thumb_level(rgb & 0xff)));
}

int
thumb_size(struct thumb *t, int *gw, int *gh)
{
	if (t->vnc == NULL || !vnc_connected(t->vnc) ||
	    vnc_pixels(t->vnc, gw, gh) == NULL || *gw <= 0 || *gh <= 0)
		return (0);
	return (1);
}

int
thumb_draw(struct thumb *t, int y, int x, int h, int w, int colors,
    int utf8)
{
	const uint8_t	*px;
	struct cr_cell	*c;
	cchar_t		 cc;
	wchar_t		 wc[2];
	short		 fg, bg;
	int		 gw, gh, cols, rows, i, j, pair;

	if (t->vnc == NULL || !vnc_connected(t->vnc) || colors == 0 ||
	    (px = vnc_pixels(t->vnc, &gw, &gh)) == NULL || gw <= 0 || gh <= 0)
		return (0);
	/* Half blocks: a cell is one pixel wide and two tall, about square. */
	rows = h;
	cols = (int)((long)rows * 2 * gw / gh);
	if (cols > w) {
		cols = w;
		rows = (int)((long)cols * gh / gw / 2);
	}
	if (rows < 2 || cols < 4)
		return (0);
	if (t->pending && time_mono_ms() >= t->next_frame) {
		t->have = 0;
		t->pending = 0;
		t->next_frame = time_mono_ms() + THUMB_FRAME_MS;
	}
	if (!t->have || cols != t->cols || rows != t->rows) {
		free(t->cells);
		t->cells = xcalloc((size_t)cols * (size_t)rows,
		    sizeof *t->cells);
		t->cols = cols;
		t->rows = rows;
		cr_render(px, gw, gh, t->cells, cols, rows, NULL);
		thumb_stretch(t->cells, (size_t)cols * (size_t)rows);
		t->have = 1;
	}
	wc[1] = 0;
	for (j = 0; j < rows; j++) {
		for (i = 0; i < cols; i++) {
			c = &t->cells[(size_t)j * (size_t)cols + (size_t)i];
			fg = thumb_colour(c->fg, colors);
			bg = thumb_colour(c->bg, colors);
			if (utf8 && c->ch == CR_UPPER_HALF) {
				wc[0] = 0x2580;
				pair = alloc_pair(fg, bg);
			} else {
				/* Without UTF-8: the top pixel for both. */
				wc[0] = ' ';
				if (c->ch == CR_UPPER_HALF)
					bg = fg;
				pair = alloc_pair(bg, bg);
			}
			if (pair < 0)
				pair = 0;
			if (setcchar(&cc, wc, A_NORMAL, 0, &pair) == OK)
				mvadd_wch(y + j, x + i, &cc);
		}
	}
	return (rows);
}
