/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Timings of the VM screen's pure paths: half-block rendering of a full
 * 1024x768 frame into 200x60 cells, and glyph recognition of a full VGA
 * text screen (720x400), a framebuffer console (1024x768) and a graphical
 * frame (which must be rejected early), and real pixels: a 1024x768
 * frame as sixel and as a kitty image of 960x720 pixels (a 120x45 cell
 * area of 8x16 cells). Medians of many runs.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/cellrender.h"
#include "render/termgfx.h"
#include "render/textscreen.h"
#include "util/xmalloc.h"

#define RUNS	201
/* Pixel encodings take milliseconds: fewer runs. */
#define PIX_RUNS	21

static double
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3);
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return (v[n / 2]);
}

/* A text screen: every cell a printable glyph, VGA colours. */
static uint8_t *
text_frame(const struct ts_fonts *f, int w, int h, int cw)
{
	static const uint32_t	 pal[4] = { 0xaaaaaa, 0xffff55, 0x55ffff,
		0xffffff };
	const uint8_t		*g;
	uint8_t			*px, *p;
	uint32_t		 fg, bg, c;
	int			 cx, cy, r, i, code;

	px = xcalloc((size_t)w * (size_t)h, 4);
	for (cy = 0; cy < h / 16; cy++) {
		for (cx = 0; cx < w / cw; cx++) {
			code = 0x21 + (cx * 7 + cy * 13) % 94;
			g = ts_fonts_vga_glyph(f, code);
			fg = pal[(cx + cy) % 4];
			bg = cy % 5 == 0 ? 0x0000aa : 0;
			for (r = 0; r < 16; r++) {
				for (i = 0; i < cw; i++) {
					c = i < 8 && (g[r] & (0x80 >> i)) ?
					    fg : bg;
					p = px + ((size_t)(cy * 16 + r) *
					    (size_t)w + (size_t)(cx * cw + i)) *
					    4;
					p[0] = (uint8_t)(c >> 16);
					p[1] = (uint8_t)(c >> 8);
					p[2] = (uint8_t)c;
					p[3] = 0xff;
				}
			}
		}
	}
	return (px);
}

/* A photo-like frame: smooth gradients plus noise. */
static uint8_t *
graphic_frame(int w, int h)
{
	uint8_t		*px;
	uint32_t	 seed = 12345;
	int		 x, y;

	px = xcalloc((size_t)w * (size_t)h, 4);
	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			seed = seed * 1103515245 + 12345;
			px[(y * w + x) * 4] = (uint8_t)(x * 255 / w);
			px[(y * w + x) * 4 + 1] = (uint8_t)(y * 255 / h);
			px[(y * w + x) * 4 + 2] = (uint8_t)(seed >> 24);
			px[(y * w + x) * 4 + 3] = 0xff;
		}
	}
	return (px);
}

/* Encode a frame PIX_RUNS times; the median, and the size in *lenp. */
static double
bench_pixels(enum tg_proto proto, const uint8_t *px, size_t *lenp)
{
	double	 t[PIX_RUNS], t0;
	char	*s, *cause = NULL;
	int	 i;

	for (i = 0; i < PIX_RUNS; i++) {
		t0 = now_us();
		s = tg_encode(proto, px, 1024, 768, 960, 720, 120, 45, lenp,
		    &cause);
		t[i] = now_us() - t0;
		if (s == NULL) {
			fprintf(stderr, "bench_console: %s\n", cause);
			exit(1);
		}
		free(s);
	}
	return (median(t, PIX_RUNS));
}

static double
bench_match(const struct ts_fonts *f, const uint8_t *px, int w, int h,
    int want, const char *what)
{
	struct ts_screen	 s;
	double			 t[RUNS], t0;
	int			 i, r = 0;

	memset(&s, 0, sizeof s);
	for (i = 0; i < RUNS; i++) {
		t0 = now_us();
		r = ts_match(f, px, w, h, &s);
		t[i] = now_us() - t0;
	}
	if (r != want) {
		fprintf(stderr, "bench_console: %s read as %s\n", what,
		    r ? "text" : "pixels");
		exit(1);
	}
	ts_screen_clear(&s);
	return (median(t, RUNS));
}

int
main(void)
{
	struct ts_fonts	*f;
	struct cr_cell	*cells;
	uint8_t		*g1024, *t720, *t1024;
	double		 t[RUNS], t0, render, vga, fb, gfx, sixel, kitty;
	size_t		 sixel_len, kitty_len;
	char		*cause = NULL;
	int		 i;

	if ((f = ts_fonts_default(&cause)) == NULL) {
		fprintf(stderr, "bench_console: %s\n", cause);
		return (1);
	}
	g1024 = graphic_frame(1024, 768);
	t720 = text_frame(f, 720, 400, 9);
	t1024 = text_frame(f, 1024, 768, 8);
	cells = xcalloc(200 * 60, sizeof *cells);
	for (i = 0; i < RUNS; i++) {
		t0 = now_us();
		cr_render(g1024, 1024, 768, cells, 200, 60, NULL);
		t[i] = now_us() - t0;
	}
	render = median(t, RUNS);
	vga = bench_match(f, t720, 720, 400, 1, "the VGA text screen");
	fb = bench_match(f, t1024, 1024, 768, 1, "the framebuffer console");
	gfx = bench_match(f, g1024, 1024, 768, 0, "the graphical frame");
	sixel = bench_pixels(TG_SIXEL, g1024, &sixel_len);
	kitty = bench_pixels(TG_KITTY, g1024, &kitty_len);
	printf("half blocks, 1024x768 to 200x60 cells: median %.3f ms "
	    "(target <= 1)\n", render / 1000);
	printf("glyphs, VGA text 720x400 (80x25): median %.3f ms "
	    "(target <= 1)\n", vga / 1000);
	printf("glyphs, framebuffer console 1024x768 (128x48): median "
	    "%.3f ms\n", fb / 1000);
	printf("glyphs, graphical 1024x768 rejected: median %.3f ms\n",
	    gfx / 1000);
	printf("sixel, 1024x768 to 960x720 pixels: median %.1f ms, %zu KB "
	    "(target <= 100: the console's pixel frame interval)\n",
	    sixel / 1000, sixel_len / 1024);
	printf("kitty, 1024x768 to 960x720 pixels: median %.1f ms, %zu KB\n",
	    kitty / 1000, kitty_len / 1024);
	free(cells);
	free(g1024);
	free(t720);
	free(t1024);
	ts_fonts_free(f);
	return (render <= 1000 && vga <= 1000 && sixel <= 100000 ? 0 : 1);
}
