/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for backend/textscreen: frames drawn from the real VGA ROM
 * font (and PSF fonts) in known colours are read back exactly.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "render/textscreen.h"
#include "util/xmalloc.h"

struct frame {
	uint8_t	*px;
	int	 w, h;
};

static struct ts_fonts *
rom_fonts(void)
{
	struct ts_fonts	*f;
	char		*cause = NULL;

	f = ts_fonts_create();
	if (ts_fonts_add_rom(f, TS_VGA_ROM, &cause) != 0)
		fail_msg("%s (install seabios)", cause);
	return (f);
}

static void
frame_init(struct frame *fr, int w, int h, uint32_t rgb)
{
	int	i;

	fr->w = w;
	fr->h = h;
	fr->px = xcalloc((size_t)w * (size_t)h, 4);
	for (i = 0; i < w * h; i++) {
		fr->px[i * 4] = (uint8_t)(rgb >> 16);
		fr->px[i * 4 + 1] = (uint8_t)(rgb >> 8);
		fr->px[i * 4 + 2] = (uint8_t)rgb;
		fr->px[i * 4 + 3] = 0xff;
	}
}

static void
frame_set(struct frame *fr, int x, int y, uint32_t rgb)
{
	uint8_t	*p = fr->px + ((size_t)y * (size_t)fr->w + (size_t)x) * 4;

	p[0] = (uint8_t)(rgb >> 16);
	p[1] = (uint8_t)(rgb >> 8);
	p[2] = (uint8_t)rgb;
}

/*
 * Draw a glyph as the VGA does: 8 columns from the bitmap, a 9th (when
 * cw is 9) that repeats the 8th for codes 0xC0-0xDF and is blank else.
 */
static void
draw_glyph(struct frame *fr, const uint8_t *bits, int code, int cx, int cy,
    int cw, uint32_t fg, uint32_t bg)
{
	int	r, i, on;

	for (r = 0; r < 16; r++) {
		for (i = 0; i < cw; i++) {
			if (i < 8)
				on = bits[r] & (0x80 >> i);
			else
				on = code >= 0xc0 && code <= 0xdf &&
				    (bits[r] & 1);
			frame_set(fr, cx * cw + i, cy * 16 + r, on ? fg : bg);
		}
	}
}

static void
draw_vga(struct frame *fr, const struct ts_fonts *f, int code, int cx,
    int cy, int cw, uint32_t fg, uint32_t bg)
{
	draw_glyph(fr, ts_fonts_vga_glyph(f, code), code, cx, cy, cw, fg, bg);
}

static const struct ts_cell *
cell_at(const struct ts_screen *s, int x, int y)
{
	return (&s->cells[y * s->cols + x]);
}

static void
test_textscreen_rom_font_found(void **state)
{
	static const uint8_t	 a[16] = {
		0x00, 0x00, 0x10, 0x38, 0x6c, 0xc6, 0xc6, 0xfe,
		0xc6, 0xc6, 0xc6, 0xc6, 0x00, 0x00, 0x00, 0x00
	};
	struct ts_fonts		*f = rom_fonts();
	char			*cause = NULL;

	assert_memory_equal(ts_fonts_vga_glyph(f, 'A'), a, 16);
	assert_null(ts_fonts_vga_glyph(f, 256));
	ts_fonts_free(f);
	f = ts_fonts_create();
	/* An empty file (a device is no longer read: fs_read_file). */
	assert_int_equal(ts_fonts_add_rom(f, "/proc/self/environ", &cause),
	    -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_int_equal(ts_fonts_add_rom(f, "/dev/null", &cause), -1);
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
	ts_fonts_free(f);
}

/* VGA text mode: 720x400, 9x16 cells, CP437 to Unicode, exact colours. */
static void
test_textscreen_vga_text_exact(void **state)
{
	static const char	*msg = "SeaBIOS (version 1.16.2)";
	struct ts_fonts		*f = rom_fonts();
	struct ts_screen	 s;
	struct frame		 fr;
	size_t			 i;

	memset(&s, 0, sizeof s);
	frame_init(&fr, 720, 400, 0x000000);
	for (i = 0; i < strlen(msg); i++)
		draw_vga(&fr, f, (unsigned char)msg[i], (int)i, 0, 9, 0xaaaaaa,
		    0x000000);
	/* Box drawing (the 9th column repeats) and inverse video. */
	draw_vga(&fr, f, 0xda, 0, 2, 9, 0xffff55, 0x0000aa);
	draw_vga(&fr, f, 0xc4, 1, 2, 9, 0xffff55, 0x0000aa);
	draw_vga(&fr, f, 0xbf, 2, 2, 9, 0xffff55, 0x0000aa);
	draw_vga(&fr, f, 0x01, 3, 2, 9, 0x55ff55, 0xaa0000);
	draw_vga(&fr, f, 'x', 79, 24, 9, 0x000000, 0xaaaaaa);
	assert_int_equal(ts_match(f, fr.px, fr.w, fr.h, &s), 1);
	assert_int_equal(s.cols, 80);
	assert_int_equal(s.rows, 25);
	assert_int_equal(s.cw, 9);
	assert_int_equal(s.matched, 2000);
	for (i = 0; i < strlen(msg); i++) {
		assert_int_equal(cell_at(&s, (int)i, 0)->ch,
		    (unsigned char)msg[i]);
		if (msg[i] != ' ') {
			assert_int_equal(cell_at(&s, (int)i, 0)->fg, 0xaaaaaa);
			assert_int_equal(cell_at(&s, (int)i, 0)->bg, 0x000000);
		}
	}
	assert_int_equal(cell_at(&s, 0, 2)->ch, 0x250c);
	assert_int_equal(cell_at(&s, 1, 2)->ch, 0x2500);
	assert_int_equal(cell_at(&s, 2, 2)->ch, 0x2510);
	assert_int_equal(cell_at(&s, 1, 2)->fg, 0xffff55);
	assert_int_equal(cell_at(&s, 1, 2)->bg, 0x0000aa);
	assert_int_equal(cell_at(&s, 3, 2)->ch, 0x263a);
	assert_int_equal(cell_at(&s, 3, 2)->fg, 0x55ff55);
	assert_int_equal(cell_at(&s, 79, 24)->ch, 'x');
	assert_int_equal(cell_at(&s, 79, 24)->fg, 0x000000);
	assert_int_equal(cell_at(&s, 79, 24)->bg, 0xaaaaaa);
	assert_int_equal(s.cur_x, -1);
	ts_screen_clear(&s);
	free(fr.px);
	ts_fonts_free(f);
}

/* A box-drawing glyph with a blank 9th column is not that glyph. */
static void
test_textscreen_ninth_column_checked(void **state)
{
	struct ts_fonts		*f = rom_fonts();
	struct ts_screen	 s;
	struct frame		 fr;
	int			 x, y;

	memset(&s, 0, sizeof s);
	frame_init(&fr, 720, 400, 0x000000);
	/* 51 cells of a box-drawing line with a blank 9th column: over 2%. */
	for (y = 0; y < 25; y++) {
		for (x = 0; x < 2; x++)
			draw_glyph(&fr, ts_fonts_vga_glyph(f, 0xc4), 0, x, y,
			    9, 0xaaaaaa, 0);
	}
	draw_glyph(&fr, ts_fonts_vga_glyph(f, 0xc4), 0, 5, 5, 9, 0xaaaaaa, 0);
	assert_int_equal(ts_match(f, fr.px, fr.w, fr.h, &s), 0);
	ts_screen_clear(&s);
	free(fr.px);
	ts_fonts_free(f);
}

/* The text cursor: an underline on the cell's bottom rows. */
static void
test_textscreen_cursor(void **state)
{
	struct ts_fonts		*f = rom_fonts();
	struct ts_screen	 s;
	struct frame		 fr;
	int			 i, r;

	memset(&s, 0, sizeof s);
	frame_init(&fr, 720, 400, 0x000000);
	draw_vga(&fr, f, '#', 11, 5, 9, 0xaaaaaa, 0);
	draw_vga(&fr, f, 'a', 14, 5, 9, 0xaaaaaa, 0);
	for (r = 13; r < 15; r++) {
		for (i = 0; i < 9; i++)
			frame_set(&fr, 13 * 9 + i, 5 * 16 + r, 0xaaaaaa);
	}
	assert_int_equal(ts_match(f, fr.px, fr.w, fr.h, &s), 1);
	assert_int_equal(s.cur_x, 13);
	assert_int_equal(s.cur_y, 5);
	assert_int_equal(cell_at(&s, 13, 5)->ch, ' ');
	assert_int_equal(cell_at(&s, 11, 5)->ch, '#');
	assert_int_equal(cell_at(&s, 14, 5)->ch, 'a');
	free(fr.px);
	/* A framebuffer console's: rows 14-15 of an 8-wide cell. */
	frame_init(&fr, 1024, 768, 0x000000);
	draw_vga(&fr, f, 'n', 2, 7, 8, 0xaaaaaa, 0);
	for (r = 14; r < 16; r++) {
		for (i = 0; i < 8; i++)
			frame_set(&fr, 2 * 8 + i, 7 * 16 + r, 0xaaaaaa);
	}
	assert_int_equal(ts_match(f, fr.px, fr.w, fr.h, &s), 1);
	assert_int_equal(s.cur_x, 2);
	assert_int_equal(s.cur_y, 7);
	assert_int_equal(cell_at(&s, 2, 7)->ch, 'n');
	ts_screen_clear(&s);
	free(fr.px);
	ts_fonts_free(f);
}

/* Under 98% of cells glyphs: pixels. Exactly at the bound: still text. */
static void
test_textscreen_partial_is_pixels(void **state)
{
	struct ts_fonts		*f = rom_fonts();
	struct ts_screen	 s;
	struct frame		 fr;
	int			 n;

	memset(&s, 0, sizeof s);
	frame_init(&fr, 720, 400, 0x000000);
	/* Three colours in a cell: no glyph. 40 of 2000 is 2%. */
	for (n = 0; n < 40; n++) {
		frame_set(&fr, (n % 80) * 9 + 1, (n / 80) * 16 + 3, 0xff0000);
		frame_set(&fr, (n % 80) * 9 + 2, (n / 80) * 16 + 3, 0x00ff00);
	}
	assert_int_equal(ts_match(f, fr.px, fr.w, fr.h, &s), 1);
	assert_int_equal(s.matched, 1960);
	frame_set(&fr, 40 * 9 + 1, 16 * 1 + 3, 0xff0000);
	frame_set(&fr, 40 * 9 + 2, 16 * 1 + 3, 0x00ff00);
	assert_int_equal(ts_match(f, fr.px, fr.w, fr.h, &s), 0);
	/* Graphics: a gradient. */
	for (n = 0; n < fr.w * fr.h; n++)
		fr.px[n * 4] = (uint8_t)n;
	assert_int_equal(ts_match(f, fr.px, fr.w, fr.h, &s), 0);
	/* Sizes that are no cell grid. */
	assert_int_equal(ts_match(f, fr.px, 719, 400, &s), 0);
	assert_int_equal(ts_match(f, NULL, 720, 400, &s), 0);
	ts_screen_clear(&s);
	free(fr.px);
	ts_fonts_free(f);
}

/* One screen followed through mode changes: VGA text, 1024x768, 640x480. */
static void
test_textscreen_resizes(void **state)
{
	struct ts_fonts		*f = rom_fonts();
	struct ts_screen	 s;
	struct frame		 fr;

	memset(&s, 0, sizeof s);
	frame_init(&fr, 720, 400, 0);
	draw_vga(&fr, f, 'Q', 3, 3, 9, 0xaaaaaa, 0);
	assert_int_equal(ts_match(f, fr.px, fr.w, fr.h, &s), 1);
	assert_int_equal(cell_at(&s, 3, 3)->ch, 'Q');
	free(fr.px);
	frame_init(&fr, 1024, 768, 0x000000);
	draw_vga(&fr, f, 'Z', 127, 47, 8, 0xffffff, 0x0000aa);
	assert_int_equal(ts_match(f, fr.px, fr.w, fr.h, &s), 1);
	assert_int_equal(s.cols, 128);
	assert_int_equal(s.rows, 48);
	assert_int_equal(s.cw, 8);
	assert_int_equal(cell_at(&s, 127, 47)->ch, 'Z');
	assert_int_equal(cell_at(&s, 127, 47)->bg, 0x0000aa);
	free(fr.px);
	frame_init(&fr, 640, 480, 0x000000);
	draw_vga(&fr, f, 'k', 0, 29, 8, 0xffffff, 0);
	assert_int_equal(ts_match(f, fr.px, fr.w, fr.h, &s), 1);
	assert_int_equal(s.cols, 80);
	assert_int_equal(s.rows, 30);
	assert_int_equal(cell_at(&s, 0, 29)->ch, 'k');
	ts_screen_clear(&s);
	free(fr.px);
	ts_fonts_free(f);
}

/* A PSF font of our own making: its Unicode table names the glyphs. */
static char *
write_psf(int version, const uint8_t *glyphs, int n, const uint32_t *ucs)
{
	char	 path[] = "/tmp/vmdesk-psf.XXXXXX";
	FILE	*fp;
	uint32_t hdr[8];
	uint16_t u16;
	uint8_t	 b;
	int	 fd, i;

	if ((fd = mkstemp(path)) == -1)
		fail();
	fp = fdopen(fd, "wb");
	if (version == 1) {
		fputc(0x36, fp);
		fputc(0x04, fp);
		fputc(n > 256 ? 0x03 : 0x02, fp);
		fputc(16, fp);
		fwrite(glyphs, 16, (size_t)n, fp);
		for (i = n; i < (n > 256 ? 512 : 256); i++)
			fwrite("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
			    "\xff\xff\xff\xff\xff", 16, 1, fp);
		for (i = 0; i < (n > 256 ? 512 : 256); i++) {
			if (i < n) {
				u16 = (uint16_t)ucs[i];
				fwrite(&u16, 2, 1, fp);
			}
			u16 = 0xffff;
			fwrite(&u16, 2, 1, fp);
		}
	} else {
		hdr[0] = 0x864ab572;
		hdr[1] = 0;
		hdr[2] = 32;
		hdr[3] = 1;
		hdr[4] = (uint32_t)n;
		hdr[5] = 16;
		hdr[6] = 16;
		hdr[7] = 8;
		fwrite(hdr, 4, 8, fp);
		fwrite(glyphs, 16, (size_t)n, fp);
		for (i = 0; i < n; i++) {
			/* UTF-8 of a BMP character, then the terminator. */
			if (ucs[i] < 0x80)
				fputc((int)ucs[i], fp);
			else if (ucs[i] < 0x800) {
				fputc((int)(0xc0 | ucs[i] >> 6), fp);
				fputc((int)(0x80 | (ucs[i] & 0x3f)), fp);
			} else {
				fputc((int)(0xe0 | ucs[i] >> 12), fp);
				fputc((int)(0x80 | (ucs[i] >> 6 & 0x3f)), fp);
				fputc((int)(0x80 | (ucs[i] & 0x3f)), fp);
			}
			b = 0xff;
			fwrite(&b, 1, 1, fp);
		}
	}
	fclose(fp);
	return (xstrdup(path));
}

static void
test_textscreen_psf_fonts(void **state)
{
	static const uint32_t	 ucs[3] = { 0x0416, 0x20ac, 'w' };
	struct ts_fonts		*f;
	struct ts_screen	 s;
	struct frame		 fr;
	uint8_t			 glyphs[3 * 16];
	char			*path, *cause = NULL;
	int			 v, i;

	for (i = 0; i < 3 * 16; i++)
		glyphs[i] = (uint8_t)(0x5a ^ (i * 37));
	for (v = 1; v <= 2; v++) {
		memset(&s, 0, sizeof s);
		f = ts_fonts_create();
		path = write_psf(v, glyphs, 3, ucs);
		assert_int_equal(ts_fonts_add_psf(f, path, &cause), 0);
		unlink(path);
		free(path);
		frame_init(&fr, 1024, 768, 0x000000);
		for (i = 0; i < 128 * 48; i++)
			draw_glyph(&fr, glyphs + (i % 3) * 16, 0, i % 128,
			    i / 128, 8, 0xc0c0c0, 0x101010);
		assert_int_equal(ts_match(f, fr.px, fr.w, fr.h, &s), 1);
		assert_int_equal(cell_at(&s, 0, 0)->ch, 0x0416);
		assert_int_equal(cell_at(&s, 1, 0)->ch, 0x20ac);
		assert_int_equal(cell_at(&s, 2, 0)->ch, 'w');
		assert_int_equal(cell_at(&s, 2, 0)->fg, 0xc0c0c0);
		assert_int_equal(cell_at(&s, 2, 0)->bg, 0x101010);
		ts_screen_clear(&s);
		free(fr.px);
		ts_fonts_free(f);
	}
	f = ts_fonts_create();
	assert_int_equal(ts_fonts_add_psf(f, "/dev/null", &cause), -1);
	free(cause);
	ts_fonts_free(f);
}

/* The fonts a guest shows: the ROM plus Debian's console fonts. */
static void
test_textscreen_default_fonts(void **state)
{
	struct ts_fonts	*f;
	char		*cause = NULL;

	if ((f = ts_fonts_default(&cause)) == NULL)
		fail_msg("%s", cause);
	assert_non_null(ts_fonts_vga_glyph(f, 'A'));
	assert_int_equal(ts_cp437(0xdb), 0x2588);
	assert_int_equal(ts_cp437('A'), 'A');
	assert_int_equal(ts_cp437(0xe1), 0x00df);
	ts_fonts_free(f);
}

static void
test_textscreen_screen_text(void **state)
{
	struct ts_screen	 s;
	const char		*rows[] = { "ab  ", "    ", "\x01x\xe9 ", "    " };
	char			*t;
	int			 x, y;

	(void)state;
	memset(&s, 0, sizeof s);
	s.cols = 4;
	s.rows = 4;
	s.cells = xcalloc(16, sizeof *s.cells);
	for (y = 0; y < 4; y++) {
		for (x = 0; x < 4; x++)
			s.cells[y * 4 + x].ch = (unsigned char)rows[y][x];
	}
	t = ts_screen_text(&s);
	assert_string_equal(t, "ab\n\n x\xc3\xa9");
	free(t);
	ts_screen_clear(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_textscreen_rom_font_found),
		cmocka_unit_test(test_textscreen_screen_text),
		cmocka_unit_test(test_textscreen_vga_text_exact),
		cmocka_unit_test(test_textscreen_ninth_column_checked),
		cmocka_unit_test(test_textscreen_cursor),
		cmocka_unit_test(test_textscreen_partial_is_pixels),
		cmocka_unit_test(test_textscreen_resizes),
		cmocka_unit_test(test_textscreen_psf_fonts),
		cmocka_unit_test(test_textscreen_default_fonts),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
