/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for backend/cellrender: half blocks carry the top and bottom
 * pixels' averages, the picture keeps its aspect, 256-colour quantising.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backend/cellrender.h"
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

/* A terminal click lands on the guest pixel under it. */
static void
test_cellrender_cell_pixel(void **state)
{
	struct cr_fit	fit = { 20, 0, 160, 60 };
	int		x, y;

	assert_int_equal(cr_cell_pixel(&fit, 1024, 768, 20, 0, &x, &y), 1);
	assert_int_equal(x, 3);
	assert_int_equal(y, 6);
	assert_int_equal(cr_cell_pixel(&fit, 1024, 768, 179, 59, &x, &y), 1);
	assert_int_equal(x, 1020);
	assert_int_equal(y, 761);
	assert_int_equal(cr_cell_pixel(&fit, 1024, 768, 100, 30, &x, &y), 1);
	assert_int_equal(x, 515);
	assert_int_equal(y, 390);
	assert_int_equal(cr_cell_pixel(&fit, 1024, 768, 19, 0, &x, &y), 0);
	assert_int_equal(cr_cell_pixel(&fit, 1024, 768, 180, 0, &x, &y), 0);
	assert_int_equal(cr_cell_pixel(&fit, 1024, 768, 30, 60, &x, &y), 0);
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
		cmocka_unit_test(test_cellrender_256_colours),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
