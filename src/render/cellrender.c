/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pixels to half-block cells with area averaging, aspect kept; views. */
#include "config.h"

#include "render/cellrender.h"

#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

/* The xterm cube's six levels. */
static const int cr_levels[6] = { 0, 95, 135, 175, 215, 255 };

/* Zoom levels a frame can have, at most. */
#define CR_LEVELS	6

/*
 * The source pixels [x0, x1) of each of out output pixels along one
 * axis, from src pixels starting at first: a partition when shrinking,
 * each pixel repeated when enlarging.
 */
static void
cr_spans(int *x0, int *x1, int first, int src, int out)
{
	int	i;

	for (i = 0; i < out; i++) {
		x0[i] = first + (int)((long long)i * src / out);
		x1[i] = first + (int)((long long)(i + 1) * src / out);
		if (x1[i] <= x0[i])
			x1[i] = x0[i] + 1;
	}
}

/* The average colour of the source area [x0, x1) by [y0, y1). */
static uint32_t
cr_average(const uint8_t *pix, int w, int x0, int x1, int y0, int y1)
{
	const uint8_t	*p;
	unsigned long	 r = 0, g = 0, b = 0, n;
	int		 x, y;

	if (x1 <= x0 || y1 <= y0)
		return (0);
	for (y = y0; y < y1; y++) {
		p = pix + ((size_t)y * (size_t)w + (size_t)x0) * 4;
		for (x = x0; x < x1; x++, p += 4) {
			r += p[0];
			g += p[1];
			b += p[2];
		}
	}
	n = (unsigned long)(x1 - x0) * (unsigned long)(y1 - y0);
	return ((uint32_t)((r + n / 2) / n) << 16 |
	    (uint32_t)((g + n / 2) / n) << 8 | (uint32_t)((b + n / 2) / n));
}

/*
 * The scales of the zoom levels (num / den output pixels a guest pixel)
 * of a w by h frame in aw by ah output pixels; returns how many.
 */
static int
cr_levels_list(int w, int h, int aw, int ah, int *num, int *den)
{
	int	n, k;

	/* The fit: the width's scale unless the height would not fit. */
	if ((long long)h * aw / w <= ah) {
		num[0] = aw;
		den[0] = w;
	} else {
		num[0] = ah;
		den[0] = h;
	}
	n = 1;
	for (k = 2; k <= 4; k *= 2) {
		if ((long long)k * num[0] < den[0]) {
			num[n] = k * num[0];
			den[n++] = den[0];
		}
	}
	for (k = 1; k <= 4 && n < CR_LEVELS; k *= 2) {
		if ((long long)k * den[0] > num[0]) {
			num[n] = k;
			den[n++] = 1;
		}
	}
	return (n);
}

/*
 * One axis of a view: n guest pixels at num / den into area output
 * pixels. All of them when they fit (*out rounded down to step), else
 * those the area holds around centre, clamped to the frame.
 */
static void
cr_axis(int n, int area, int num, int den, int step, int centre, int *at,
    int *len, int *out)
{
	long long	full = (long long)n * num / den, l;
	int		o;

	if (full <= area) {
		*at = 0;
		*len = n;
		o = (int)full;
	} else {
		l = (long long)(area - area % step) * den / num;
		if (l < 1)
			l = 1;
		if (l > n)
			l = n;
		*len = (int)l;
		/* Whole guest pixels: 1:1 stays exactly 1:1. */
		o = (int)(l * num / den);
		*at = centre - *len / 2;
		if (*at > n - *len)
			*at = n - *len;
		if (*at < 0)
			*at = 0;
	}
	o -= o % step;
	if (o < step)
		o = step;
	*out = o;
}

void
cr_view_place(struct cr_view *v, int w, int h, int cols, int rows, int cw,
    int ch, int hstep, struct cr_place *pl)
{
	int	num[CR_LEVELS], den[CR_LEVELS];

	memset(pl, 0, sizeof *pl);
	pl->w = w;
	pl->h = h;
	pl->cw = cw;
	pl->ch = ch;
	pl->levels = 1;
	if (w <= 0 || h <= 0 || cols <= 0 || rows <= 0 || cw <= 0 ||
	    ch <= 0 || hstep <= 0)
		return;
	pl->levels = cr_levels_list(w, h, cols * cw, rows * ch, num, den);
	if (v->level >= pl->levels)
		v->level = pl->levels - 1;
	if (v->level < 0)
		v->level = 0;
	if (v->level == 0) {
		v->cx = w / 2;
		v->cy = h / 2;
	}
	pl->num = num[v->level];
	pl->den = den[v->level];
	cr_axis(w, cols * cw, pl->num, pl->den, 1, v->cx, &pl->src.x,
	    &pl->src.w, &pl->pw);
	cr_axis(h, rows * ch, pl->num, pl->den, hstep, v->cy, &pl->src.y,
	    &pl->src.h, &pl->ph);
	/* Panning past an edge stops there: the centre is what shows. */
	v->cx = pl->src.x + pl->src.w / 2;
	v->cy = pl->src.y + pl->src.h / 2;
	pl->fit.w = (pl->pw + cw - 1) / cw;
	pl->fit.h = (pl->ph + ch - 1) / ch;
	if (pl->fit.w > cols)
		pl->fit.w = cols;
	if (pl->fit.h > rows)
		pl->fit.h = rows;
	pl->fit.x = (cols - pl->fit.w) / 2;
	pl->fit.y = (rows - pl->fit.h) / 2;
}

int
cr_view_zoom(struct cr_view *v, const struct cr_place *pl, int dir)
{
	int	level = dir == 0 ? 0 : v->level + dir;

	if (level < 0 || level >= pl->levels || level == v->level)
		return (0);
	v->level = level;
	return (1);
}

/* Clamp a view's centre on one axis: the view stays in the frame. */
static int
cr_centre(int c, int len, int n)
{
	if (c > n - len + len / 2)
		c = n - len + len / 2;
	if (c < len / 2)
		c = len / 2;
	return (c);
}

int
cr_view_pan(struct cr_view *v, const struct cr_place *pl, int dx, int dy)
{
	int	x, y;

	x = v->cx + dx * (pl->src.w >= 4 ? pl->src.w / 4 : 1);
	y = v->cy + dy * (pl->src.h >= 4 ? pl->src.h / 4 : 1);
	x = cr_centre(x, pl->src.w, pl->w);
	y = cr_centre(y, pl->src.h, pl->h);
	if (x == v->cx && y == v->cy)
		return (0);
	v->cx = x;
	v->cy = y;
	return (1);
}

int
cr_view_pixel(const struct cr_place *pl, int cx, int cy, int *gx, int *gy)
{
	long long	x2, y2;

	cx -= pl->fit.x;
	cy -= pl->fit.y;
	if (pl->pw <= 0 || pl->ph <= 0 || cx < 0 || cy < 0)
		return (0);
	/* The cell's centre in half output pixels from the picture's corner. */
	x2 = (2LL * cx + 1) * pl->cw;
	y2 = (2LL * cy + 1) * pl->ch;
	if (x2 >= 2LL * pl->pw || y2 >= 2LL * pl->ph)
		return (0);
	*gx = pl->src.x + (int)(x2 * pl->src.w / (2LL * pl->pw));
	*gy = pl->src.y + (int)(y2 * pl->src.h / (2LL * pl->ph));
	return (1);
}

int
cr_view_cell(const struct cr_place *pl, int gx, int gy, int *cx, int *cy)
{
	long long	ox, oy;

	gx -= pl->src.x;
	gy -= pl->src.y;
	if (pl->pw <= 0 || pl->ph <= 0 || gx < 0 || gy < 0 ||
	    gx >= pl->src.w || gy >= pl->src.h)
		return (0);
	/* The output pixel under the guest pixel's centre. */
	ox = (2LL * gx + 1) * pl->pw / (2LL * pl->src.w);
	oy = (2LL * gy + 1) * pl->ph / (2LL * pl->src.h);
	*cx = pl->fit.x + (int)(ox / pl->cw);
	*cy = pl->fit.y + (int)(oy / pl->ch);
	return (1);
}

void
cr_render_view(const uint8_t *pix, int w, int h, const struct cr_place *pl,
    struct cr_cell *cells, int cols, int rows)
{
	int		*xs, *ys, x, y, ow, oh;
	struct cr_cell	*c;

	for (y = 0; y < cols * rows; y++) {
		cells[y].ch = ' ';
		cells[y].fg = cells[y].bg = 0;
	}
	if (pix == NULL || w <= 0 || h <= 0 || pl->pw <= 0 || pl->ph <= 0 ||
	    pl->cw != 1 || pl->ch != 2 || pl->src.x < 0 || pl->src.y < 0 || pl->src.x + pl->src.w > w ||
	    pl->src.y + pl->src.h > h)
		return;
	ow = pl->pw < cols - pl->fit.x ? pl->pw : cols - pl->fit.x;
	oh = pl->ph / 2 < rows - pl->fit.y ? pl->ph / 2 : rows - pl->fit.y;
	if (ow <= 0 || oh <= 0)
		return;
	/* Starts then ends: xs[0..pw), xs[pw..2pw). */
	xs = xreallocarray(NULL, (size_t)pl->pw, 2 * sizeof *xs);
	ys = xreallocarray(NULL, (size_t)pl->ph, 2 * sizeof *ys);
	cr_spans(xs, xs + pl->pw, pl->src.x, pl->src.w, pl->pw);
	cr_spans(ys, ys + pl->ph, pl->src.y, pl->src.h, pl->ph);
	for (y = 0; y < oh; y++) {
		c = cells + (size_t)(pl->fit.y + y) * (size_t)cols +
		    (size_t)pl->fit.x;
		for (x = 0; x < ow; x++, c++) {
			c->ch = CR_UPPER_HALF;
			c->fg = cr_average(pix, w, xs[x], xs[pl->pw + x],
			    ys[2 * y], ys[pl->ph + 2 * y]);
			c->bg = cr_average(pix, w, xs[x], xs[pl->pw + x],
			    ys[2 * y + 1], ys[pl->ph + 2 * y + 1]);
		}
	}
	free(xs);
	free(ys);
}

void
cr_render(const uint8_t *pix, int w, int h, struct cr_cell *cells, int cols,
    int rows, struct cr_fit *fit)
{
	struct cr_view	v = { 0, 0, 0 };
	struct cr_place	pl;

	cr_view_place(&v, w, h, cols, rows, 1, 2, 2, &pl);
	cr_render_view(pix, w, h, &pl, cells, cols, rows);
	if (fit != NULL)
		*fit = pl.fit;
}

static int
cr_level(int v)
{
	int	i, best = 0, d, bd = 1 << 30;

	for (i = 0; i < 6; i++) {
		d = abs(cr_levels[i] - v);
		if (d < bd) {
			bd = d;
			best = i;
		}
	}
	return (best);
}

static int
cr_dist(uint32_t a, uint32_t b)
{
	int	dr, dg, db;

	dr = (int)(a >> 16 & 0xff) - (int)(b >> 16 & 0xff);
	dg = (int)(a >> 8 & 0xff) - (int)(b >> 8 & 0xff);
	db = (int)(a & 0xff) - (int)(b & 0xff);
	/* Weighted for the eye: green counts most. */
	return (2 * dr * dr + 4 * dg * dg + 3 * db * db);
}

int
cr_16(uint32_t rgb)
{
	static const uint32_t	ansi[16] = {
		0x000000, 0xaa0000, 0x00aa00, 0xaa5500, 0x0000aa, 0xaa00aa,
		0x00aaaa, 0xaaaaaa, 0x555555, 0xff5555, 0x55ff55, 0xffff55,
		0x5555ff, 0xff55ff, 0x55ffff, 0xffffff
	};
	int			i, best = 0, d, bd = 1 << 30;

	for (i = 0; i < 16; i++) {
		if ((d = cr_dist(rgb, ansi[i])) < bd) {
			bd = d;
			best = i;
		}
	}
	return (best);
}

uint32_t
cr_256_rgb(int i)
{
	int	g;

	if (i >= 232) {
		g = 8 + (i - 232) * 10;
		return ((uint32_t)g << 16 | (uint32_t)g << 8 | (uint32_t)g);
	}
	if (i < 16)
		i = 16;
	i -= 16;
	return ((uint32_t)cr_levels[i / 36] << 16 |
	    (uint32_t)cr_levels[i / 6 % 6] << 8 | (uint32_t)cr_levels[i % 6]);
}

int
cr_256(uint32_t rgb)
{
	int	r, g, b, cube, grey, avg, gi;

	r = cr_level((int)(rgb >> 16 & 0xff));
	g = cr_level((int)(rgb >> 8 & 0xff));
	b = cr_level((int)(rgb & 0xff));
	cube = 16 + 36 * r + 6 * g + b;
	avg = ((int)(rgb >> 16 & 0xff) + (int)(rgb >> 8 & 0xff) +
	    (int)(rgb & 0xff)) / 3;
	gi = avg < 8 ? 0 : avg > 238 ? 23 : (avg - 8 + 5) / 10;
	if (gi > 23)
		gi = 23;
	grey = 232 + gi;
	return (cr_dist(rgb, cr_256_rgb(grey)) < cr_dist(rgb,
	    cr_256_rgb(cube)) ? grey : cube);
}
