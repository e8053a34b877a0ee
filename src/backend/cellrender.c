/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pixels to half-block cells with area averaging, aspect kept. */
#include "config.h"

#include "backend/cellrender.h"

#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

/* The xterm cube's six levels. */
static const int cr_levels[6] = { 0, 95, 135, 175, 215, 255 };

/* The first source pixel of each output pixel along one axis (n + 1). */
static void
cr_spans(int *at, int src, int out)
{
	int	i;

	for (i = 0; i <= out; i++)
		at[i] = (int)((long long)i * src / out);
	for (i = 0; i < out; i++) {
		if (at[i + 1] <= at[i])
			at[i + 1] = at[i] + 1 <= src ? at[i] + 1 : src;
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

void
cr_render(const uint8_t *pix, int w, int h, struct cr_cell *cells, int cols,
    int rows, struct cr_fit *fit)
{
	struct cr_fit	 f;
	int		*xs, *ys, x, y, ow, oh;
	struct cr_cell	*c;

	for (y = 0; y < cols * rows; y++) {
		cells[y].ch = ' ';
		cells[y].fg = cells[y].bg = 0;
	}
	memset(&f, 0, sizeof f);
	if (pix == NULL || w <= 0 || h <= 0 || cols <= 0 || rows <= 0) {
		if (fit != NULL)
			*fit = f;
		return;
	}
	/* A cell is one pixel wide and two tall: square pixels. */
	ow = cols;
	oh = (int)((long long)h * ow / w);
	if (oh > rows * 2) {
		oh = rows * 2;
		ow = (int)((long long)w * oh / h);
	}
	if (ow < 1)
		ow = 1;
	oh &= ~1;
	if (oh < 2)
		oh = 2;
	f.w = ow;
	f.h = oh / 2;
	f.x = (cols - f.w) / 2;
	f.y = (rows - f.h) / 2;
	xs = xreallocarray(NULL, (size_t)ow + 1, sizeof *xs);
	ys = xreallocarray(NULL, (size_t)oh + 1, sizeof *ys);
	cr_spans(xs, w, ow);
	cr_spans(ys, h, oh);
	for (y = 0; y < f.h; y++) {
		c = cells + (size_t)(f.y + y) * (size_t)cols + (size_t)f.x;
		for (x = 0; x < f.w; x++, c++) {
			c->ch = CR_UPPER_HALF;
			c->fg = cr_average(pix, w, xs[x], xs[x + 1],
			    ys[2 * y], ys[2 * y + 1]);
			c->bg = cr_average(pix, w, xs[x], xs[x + 1],
			    ys[2 * y + 1], ys[2 * y + 2]);
		}
	}
	free(xs);
	free(ys);
	if (fit != NULL)
		*fit = f;
}

int
cr_cell_pixel(const struct cr_fit *fit, int w, int h, int cx, int cy,
    int *px, int *py)
{
	cx -= fit->x;
	cy -= fit->y;
	if (fit->w <= 0 || fit->h <= 0 || cx < 0 || cy < 0 || cx >= fit->w ||
	    cy >= fit->h)
		return (0);
	*px = (int)((2LL * cx + 1) * w / (2LL * fit->w));
	*py = (int)((2LL * cy + 1) * h / (2LL * fit->h));
	return (1);
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
