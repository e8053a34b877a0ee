/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for backend/cellrender: half blocks carry the top and bottom
 * pixels' averages, the picture keeps its aspect, zoomed and panned
 * views crop the frame and map the mouse back, 256-colour quantising.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render/cellrender.h"
#include "util/xmalloc.h"

static uint8_t *
solid(int w, int h, uint32_t rgb)
{
	uint8_t	*px;
	int	 i;

	px = xcalloc((size_t)w * (size_t)h, 4);
	for (i = 0; i < w * h; i++) {
		px[i * 4] = (uint8_t)(rgb >> 16);
		px[i * 4 + 1] = (uint8_t)(rgb >> 8);
		px[i * 4 + 2] = (uint8_t)rgb;
	}
	return (px);
}

static void
set(uint8_t *px, int w, int x, int y, uint32_t rgb)
{
	uint8_t	*p = px + ((size_t)y * (size_t)w + (size_t)x) * 4;

	p[0] = (uint8_t)(rgb >> 16);
	p[1] = (uint8_t)(rgb >> 8);
	p[2] = (uint8_t)rgb;
}

/* 1024x768 into 200x60: 160x60 cells of square pixels, centred. */
static void
test_cellrender_aspect_kept(void **state)
{
	struct cr_cell	*cells;
	struct cr_fit	 fit;
	uint8_t		*px = solid(1024, 768, 0x336699);
	int		 x, y;

	cells = xcalloc(200 * 60, sizeof *cells);
	cr_render(px, 1024, 768, cells, 200, 60, &fit);
	assert_int_equal(fit.w, 160);
	assert_int_equal(fit.h, 60);
	assert_int_equal(fit.x, 20);
	assert_int_equal(fit.y, 0);
	for (y = 0; y < 60; y++) {
		for (x = 0; x < 200; x++) {
			if (x < 20 || x >= 180) {
				assert_int_equal(cells[y * 200 + x].ch, ' ');
				assert_int_equal(cells[y * 200 + x].bg, 0);
				continue;
			}
			assert_int_equal(cells[y * 200 + x].ch, CR_UPPER_HALF);
			assert_int_equal(cells[y * 200 + x].fg, 0x336699);
			assert_int_equal(cells[y * 200 + x].bg, 0x336699);
		}
	}
	/* A wide picture in a tall area: bands above and below. */
	cr_render(px, 1024, 768, cells, 40, 60, &fit);
	assert_int_equal(fit.w, 40);
	assert_int_equal(fit.h, 15);
	assert_int_equal(fit.y, 22);
	free(cells);
	free(px);
}

/* Top pixel in the foreground, bottom in the background, averaged. */
static void
test_cellrender_halves_averaged(void **state)
{
	struct cr_cell	 cell[1];
	uint8_t		*px = solid(2, 2, 0);

	set(px, 2, 0, 0, 0xff0000);
	set(px, 2, 1, 0, 0x00ff00);
	set(px, 2, 0, 1, 0x0000ff);
	set(px, 2, 1, 1, 0x0000ff);
	cr_render(px, 2, 2, cell, 1, 1, NULL);
	assert_int_equal(cell[0].ch, CR_UPPER_HALF);
	assert_int_equal(cell[0].fg, 0x808000);
	assert_int_equal(cell[0].bg, 0x0000ff);
	free(px);
}

/* The same cells take a frame of another size (the guest switched mode). */
static void
test_cellrender_resized_frame(void **state)
{
	struct cr_cell	*cells;
	struct cr_fit	 fit;
	uint8_t		*a = solid(720, 400, 0xaaaaaa), *b;

	cells = xcalloc(80 * 24, sizeof *cells);
	cr_render(a, 720, 400, cells, 80, 24, &fit);
	assert_int_equal(fit.w, 80);
	assert_int_equal(fit.h, 22);
	b = solid(1280, 800, 0x112233);
	cr_render(b, 1280, 800, cells, 80, 24, &fit);
	assert_int_equal(fit.w, 76);
	assert_int_equal(fit.h, 24);
	assert_int_equal(cells[0].ch, ' ');
	assert_int_equal(cells[2].fg, 0x112233);
	/* Nothing to draw: blank cells. */
	cr_render(NULL, 0, 0, cells, 80, 24, &fit);
	assert_int_equal(fit.w, 0);
	assert_int_equal(cells[2].ch, ' ');
	free(cells);
	free(a);
	free(b);
}

/* A terminal click lands on the guest pixel under it (the fit). */
static void
test_cellrender_cell_pixel(void **state)
{
	struct cr_view	v = { 0, 0, 0 };
	struct cr_place	pl;
	int		x, y;

	cr_view_place(&v, 1024, 768, 200, 60, 1, 2, 2, &pl);
	assert_int_equal(pl.fit.x, 20);
	assert_int_equal(pl.fit.w, 160);
	assert_int_equal(cr_view_pixel(&pl, 20, 0, &x, &y), 1);
	assert_int_equal(x, 3);
	assert_int_equal(y, 6);
	assert_int_equal(cr_view_pixel(&pl, 179, 59, &x, &y), 1);
	assert_int_equal(x, 1020);
	assert_int_equal(y, 761);
	assert_int_equal(cr_view_pixel(&pl, 100, 30, &x, &y), 1);
	assert_int_equal(x, 515);
	assert_int_equal(y, 390);
	assert_int_equal(cr_view_pixel(&pl, 19, 0, &x, &y), 0);
	assert_int_equal(cr_view_pixel(&pl, 180, 0, &x, &y), 0);
	assert_int_equal(cr_view_pixel(&pl, 30, 60, &x, &y), 0);
}

/* A frame whose every pixel tells where it is: red x, green y. */
static uint8_t *
coords(int w, int h)
{
	uint8_t	*px;
	int	 x, y;

	px = xcalloc((size_t)w * (size_t)h, 4);
	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++)
			set(px, w, x, y, (uint32_t)x << 16 | (uint32_t)y << 8);
	}
	return (px);
}

#define XY(x, y)	((uint32_t)(x) << 16 | (uint32_t)(y) << 8)

/* Zoom levels of a 64x32 frame in 16x8 cells, and the crops they show. */
static void
test_cellrender_zoom_crop(void **state)
{
	struct cr_view	 v = { 0, 0, 0 };
	struct cr_place	 pl;
	struct cr_cell	 cells[16 * 8], *c;
	uint8_t		*px = coords(64, 32);
	int		 x, y;

	/* Fit: 16x8 pixels in 16x4 cells, rows 2-5; 5 levels. */
	cr_view_place(&v, 64, 32, 16, 8, 1, 2, 2, &pl);
	assert_int_equal(pl.levels, 5);
	assert_int_equal(pl.fit.y, 2);
	assert_int_equal(pl.fit.h, 4);
	assert_int_equal(pl.src.w, 64);
	/* Twice the fit: the width cropped around the centre, all rows. */
	assert_int_equal(cr_view_zoom(&v, &pl, 1), 1);
	cr_view_place(&v, 64, 32, 16, 8, 1, 2, 2, &pl);
	assert_int_equal(pl.num * 2, pl.den);
	assert_int_equal(pl.src.x, 16);
	assert_int_equal(pl.src.w, 32);
	assert_int_equal(pl.src.y, 0);
	assert_int_equal(pl.src.h, 32);
	cr_render_view(px, 64, 32, &pl, cells, 16, 8);
	/* Cell 0, 0: pixels 16-17 by 0-1 on top, 16-17 by 2-3 below. */
	assert_int_equal(cells[0].ch, CR_UPPER_HALF);
	assert_int_equal(cells[0].fg, XY(17, 1));
	assert_int_equal(cells[0].bg, XY(17, 3));
	assert_int_equal(cells[7 * 16 + 15].fg, XY(47, 29));
	/* 1:1: guest pixels as they are, 24-39 by 8-23. */
	assert_int_equal(cr_view_zoom(&v, &pl, 1), 1);
	cr_view_place(&v, 64, 32, 16, 8, 1, 2, 2, &pl);
	assert_int_equal(pl.num, 1);
	assert_int_equal(pl.den, 1);
	cr_render_view(px, 64, 32, &pl, cells, 16, 8);
	for (y = 0; y < 8; y++) {
		for (x = 0; x < 16; x++) {
			c = &cells[y * 16 + x];
			assert_int_equal(c->fg, XY(24 + x, 8 + 2 * y));
			assert_int_equal(c->bg, XY(24 + x, 9 + 2 * y));
		}
	}
	/* 4:1: 4x4 pixels, 30-33 by 14-17, each four cells wide. */
	assert_int_equal(cr_view_zoom(&v, &pl, 1), 1);
	assert_int_equal(cr_view_zoom(&v, &pl, 1), 1);
	cr_view_place(&v, 64, 32, 16, 8, 1, 2, 2, &pl);
	assert_int_equal(cr_view_zoom(&v, &pl, 1), 0);
	assert_int_equal(pl.num, 4);
	cr_render_view(px, 64, 32, &pl, cells, 16, 8);
	for (y = 0; y < 8; y++) {
		for (x = 0; x < 16; x++) {
			c = &cells[y * 16 + x];
			assert_int_equal(c->fg, XY(30 + x / 4, 14 + y / 2));
			assert_int_equal(c->bg, XY(30 + x / 4, 14 + y / 2));
		}
	}
	/* Back to the fit: the whole frame again. */
	assert_int_equal(cr_view_zoom(&v, &pl, 0), 1);
	assert_int_equal(cr_view_zoom(&v, &pl, 0), 0);
	cr_view_place(&v, 64, 32, 16, 8, 1, 2, 2, &pl);
	assert_int_equal(pl.src.w, 64);
	assert_int_equal(cr_view_zoom(&v, &pl, -1), 0);
	free(px);
}

/* Panning moves by a quarter of the view and stops at the frame's edges. */
static void
test_cellrender_pan_clamps(void **state)
{
	struct cr_view	 v = { 2, 32, 16 };
	struct cr_place	 pl;
	struct cr_cell	 cells[16 * 8];
	uint8_t		*px = coords(64, 32);
	int		 n;

	cr_view_place(&v, 64, 32, 16, 8, 1, 2, 2, &pl);
	assert_int_equal(pl.src.x, 24);
	assert_int_equal(cr_view_pan(&v, &pl, 1, 0), 1);
	cr_view_place(&v, 64, 32, 16, 8, 1, 2, 2, &pl);
	assert_int_equal(pl.src.x, 28);
	for (n = 0; n < 20 && cr_view_pan(&v, &pl, 1, 1); n++)
		cr_view_place(&v, 64, 32, 16, 8, 1, 2, 2, &pl);
	assert_in_range(n, 1, 19);
	assert_int_equal(pl.src.x, 48);
	assert_int_equal(pl.src.y, 16);
	cr_render_view(px, 64, 32, &pl, cells, 16, 8);
	assert_int_equal(cells[7 * 16 + 15].bg, XY(63, 31));
	/* Back from the edge at once: no overshoot was kept. */
	assert_int_equal(cr_view_pan(&v, &pl, -1, -1), 1);
	cr_view_place(&v, 64, 32, 16, 8, 1, 2, 2, &pl);
	assert_int_equal(pl.src.x, 44);
	assert_int_equal(pl.src.y, 12);
	for (n = 0; n < 20 && cr_view_pan(&v, &pl, -1, -1); n++)
		cr_view_place(&v, 64, 32, 16, 8, 1, 2, 2, &pl);
	assert_int_equal(pl.src.x, 0);
	assert_int_equal(pl.src.y, 0);
	cr_render_view(px, 64, 32, &pl, cells, 16, 8);
	assert_int_equal(cells[0].fg, XY(0, 0));
	/* A centre far outside (a smaller frame after a mode switch). */
	v.cx = 5000;
	v.cy = -40;
	cr_view_place(&v, 64, 32, 16, 8, 1, 2, 2, &pl);
	assert_int_equal(pl.src.x, 48);
	assert_int_equal(pl.src.y, 0);
	/* The fit has nowhere to pan. */
	v.level = 0;
	cr_view_place(&v, 64, 32, 16, 8, 1, 2, 2, &pl);
	assert_int_equal(cr_view_pan(&v, &pl, 1, 1), 0);
	free(px);
}

/*
 * Cell to guest pixel and back, at every level, with half blocks and
 * with 8x16-pixel cells (sixel): the pixel lies in the view, its cell
 * shows that same pixel, and shrunk views give the cell itself.
 */
static void
test_cellrender_pointer_round_trip(void **state)
{
	static const int	 geo[][4] = {
		{ 1, 2, 2, 0 }, { 8, 16, 6, 0 }, { 9, 18, 1, 0 },
	};
	struct cr_view		 v;
	struct cr_place		 pl;
	size_t			 g;
	int			 level, x, y, gx, gy, cx, cy, px2, py2, n;

	for (g = 0; g < sizeof geo / sizeof geo[0]; g++) {
		for (level = 0; level < 6; level++) {
			v.level = level;
			v.cx = 700;
			v.cy = 100;
			cr_view_place(&v, 1024, 768, 100, 30, geo[g][0],
			    geo[g][1], geo[g][2], &pl);
			n = 0;
			for (y = 0; y < 30; y++) {
				for (x = 0; x < 100; x++) {
					if (!cr_view_pixel(&pl, x, y, &gx,
					    &gy))
						continue;
					n++;
					assert_in_range(gx, pl.src.x,
					    pl.src.x + pl.src.w - 1);
					assert_in_range(gy, pl.src.y,
					    pl.src.y + pl.src.h - 1);
					assert_int_equal(cr_view_cell(&pl, gx,
					    gy, &cx, &cy), 1);
					assert_int_equal(cr_view_pixel(&pl, cx,
					    cy, &px2, &py2), 1);
					assert_int_equal(px2, gx);
					assert_int_equal(py2, gy);
					if (pl.num * pl.cw <= pl.den)
						assert_int_equal(cx, x);
					if (pl.num * pl.ch <= pl.den)
						assert_int_equal(cy, y);
				}
			}
			assert_true(n > 0);
			assert_int_equal(cr_view_cell(&pl, pl.src.x - 1,
			    pl.src.y, &cx, &cy), 0);
		}
	}
}

static void
test_cellrender_256_colours(void **state)
{
	assert_int_equal(cr_256(0x000000), 16);
	assert_int_equal(cr_256(0xff0000), 196);
	assert_int_equal(cr_256(0x00ff00), 46);
	assert_int_equal(cr_256(0xffffff), 231);
	assert_int_equal(cr_256(0x808080), 244);
	assert_int_equal(cr_256(0xaaaaaa), 248);
	assert_int_equal(cr_256(0x5f87af), 67);
	assert_int_equal(cr_256_rgb(67), 0x5f87af);
	assert_int_equal(cr_256_rgb(244), 0x808080);
	/* QEMU's VGA DAC: 6 bits a channel, so 0xa8 and 0x54, 0xfc. */
	assert_int_equal(cr_16(0x000000), 0);
	assert_int_equal(cr_16(0xa8a8a8), 7);
	assert_int_equal(cr_16(0x0000a8), 4);
	assert_int_equal(cr_16(0xa85400), 3);
	assert_int_equal(cr_16(0xfcfc54), 11);
	assert_int_equal(cr_16(0x545454), 8);
	assert_int_equal(cr_16(0xfcfcfc), 15);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cellrender_aspect_kept),
		cmocka_unit_test(test_cellrender_halves_averaged),
		cmocka_unit_test(test_cellrender_resized_frame),
		cmocka_unit_test(test_cellrender_cell_pixel),
		cmocka_unit_test(test_cellrender_zoom_crop),
		cmocka_unit_test(test_cellrender_pan_clamps),
		cmocka_unit_test(test_cellrender_pointer_round_trip),
		cmocka_unit_test(test_cellrender_256_colours),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
