/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for backend/termgfx: area-averaged scaling, the shape of a
 * sixel image (DCS, raster size, palette, bands) and of a kitty image
 * (header, chunks, payload that decodes to the scaled pixels), and of a
 * view's rectangle of the frame.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render/cellrender.h"
#include "render/termgfx.h"
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
test_termgfx_scale_averages(void **state)
{
	uint8_t	*px = solid(4, 2, 0xff0000), out[6];
	int	 x, y;

	/* Left half red, right half a black and white checkerboard. */
	for (y = 0; y < 2; y++) {
		for (x = 2; x < 4; x++) {
			memset(px + (y * 4 + x) * 4, (x + y) % 2 ? 0xff : 0, 3);
		}
	}
	tg_scale(px, 4, 2, out, 2, 1);
	assert_int_equal(out[0], 0xff);
	assert_int_equal(out[1], 0);
	assert_int_equal(out[2], 0);
	assert_int_equal(out[3], 127);
	assert_int_equal(out[4], 127);
	assert_int_equal(out[5], 127);
	free(px);
}

static void
test_termgfx_sixel_shape(void **state)
{
	uint8_t	*px = solid(64, 48, 0xff0000);
	char	*s, *cause = NULL, *p;
	size_t	 len;
	int	 bands = 0, full = 0, r, g, b;

	s = tg_encode(TG_SIXEL, px, 64, 48, 32, 24, 4, 2, &len, &cause);
	assert_non_null(s);
	assert_int_equal(strlen(s), len);
	/* DCS ... q, the raster attributes give the size, ST ends it. */
	assert_memory_equal(s, "\033P", 2);
	p = strchr(s, 'q');
	assert_non_null(p);
	assert_memory_equal(p + 1, "\"1;1;32;24", 10);
	assert_memory_equal(s + len - 2, "\033\\", 2);
	/* One colour, defined as RGB in percent: red (a 5-bit histogram). */
	p = strstr(s, "#0;2;");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "#0;2;%d;%d;%d", &r, &g, &b), 3);
	assert_in_range(r, 95, 100);
	assert_int_equal(g, 0);
	assert_int_equal(b, 0);
	/* 24 rows are 4 bands of 6, separated by '-'; each 32 full sixels. */
	for (p = s; *p != '\0'; p++)
		bands += *p == '-';
	assert_int_equal(bands, 3);
	for (p = s; (p = strstr(p, "!32~")) != NULL; p++)
		full++;
	assert_int_equal(full, 4);
	free(s);
	free(px);
}

static int
b64val(char c)
{
	const char	*a = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/", *p;

	p = strchr(a, c);
	return (p != NULL && c != '\0' ? (int)(p - a) : -1);
}

static void
test_termgfx_kitty_shape(void **state)
{
	uint8_t	*px = solid(100, 100, 0x00ff00), *dec;
	char	*s, *cause = NULL, *p, *end, head[128];
	size_t	 len, n = 0, want = 60 * 40 * 3, i;
	int	 chunks = 0, v[4], k;

	s = tg_encode(TG_KITTY, px, 100, 100, 60, 40, 6, 2, &len, &cause);
	assert_non_null(s);
	snprintf(head, sizeof head, "\033_Ga=T,f=24,s=60,v=40,c=6,r=2,i=%d,"
	    "C=1,q=2,m=1;", TG_KITTY_ID);
	assert_memory_equal(s, head, strlen(head));
	dec = xmalloc(want + 3);
	for (p = s; p < s + len; p = end + 2) {
		assert_memory_equal(p, "\033_G", 3);
		p = strchr(p, ';') + 1;
		end = strstr(p, "\033\\");
		assert_non_null(end);
		assert_true(end - p <= 4096);
		assert_int_equal((end - p) % 4, 0);
		for (; p < end; p += 4) {
			for (k = 0; k < 4; k++)
				v[k] = p[k] == '=' ? 0 : b64val(p[k]);
			assert_true(v[0] >= 0 && v[1] >= 0 && v[2] >= 0 &&
			    v[3] >= 0);
			dec[n++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
			if (p[2] != '=')
				dec[n++] = (uint8_t)(v[1] << 4 | v[2] >> 2);
			if (p[3] != '=')
				dec[n++] = (uint8_t)(v[2] << 6 | v[3]);
		}
		chunks++;
	}
	/* 7200 bytes are 9600 characters: 3 chunks, the last says m=0. */
	assert_int_equal(chunks, 3);
	assert_non_null(strstr(s, "\033_Gm=0;"));
	assert_int_equal(n, want);
	for (i = 0; i < want; i += 3) {
		assert_int_equal(dec[i], 0);
		assert_int_equal(dec[i + 1], 0xff);
		assert_int_equal(dec[i + 2], 0);
	}
	free(dec);
	free(s);
	free(px);
}

static void
test_termgfx_nothing_to_draw(void **state)
{
	char	*cause = NULL;
	size_t	 len;

	assert_null(tg_encode(TG_SIXEL, NULL, 0, 0, 10, 10, 1, 1, &len,
	    &cause));
	assert_string_equal(cause, "no picture to draw");
	free(cause);
}

/* A view's rectangle: cropped, enlarged pixel by pixel or averaged. */
static void
test_termgfx_scale_rect(void **state)
{
	struct cr_rect	 in = { 2, 1, 2, 2 }, shrink = { 4, 0, 4, 4 };
	uint8_t		*px = solid(8, 4, 0), out[4 * 4 * 3];
	int		 x, y;

	/* Red tells x (times 16), green y. */
	for (y = 0; y < 4; y++) {
		for (x = 0; x < 8; x++) {
			px[(y * 8 + x) * 4] = (uint8_t)(x * 16);
			px[(y * 8 + x) * 4 + 1] = (uint8_t)y;
		}
	}
	tg_scale_rect(px, 8, &in, out, 4, 4);
	for (y = 0; y < 4; y++) {
		for (x = 0; x < 4; x++) {
			assert_int_equal(out[(y * 4 + x) * 3], (2 + x / 2) * 16);
			assert_int_equal(out[(y * 4 + x) * 3 + 1], 1 + y / 2);
		}
	}
	/* The right half, 4x4 into 2x1: columns 4-5 and 6-7, all rows. */
	tg_scale_rect(px, 8, &shrink, out, 2, 1);
	assert_int_equal(out[0], (64 + 80) / 2);
	assert_int_equal(out[1], (0 + 1 + 2 + 3) / 4);
	assert_int_equal(out[3], (96 + 112) / 2);
	free(px);
}

/* A sixel of the right half of a half red, half blue frame: blue only. */
static void
test_termgfx_encode_rect(void **state)
{
	struct cr_rect	 right = { 32, 0, 32, 48 }, out = { 40, 0, 32, 48 };
	uint8_t		*px = solid(64, 48, 0xff0000);
	char		*s, *cause = NULL, *p;
	size_t		 len;
	int		 x, y, r, g, b;

	for (y = 0; y < 48; y++) {
		for (x = 32; x < 64; x++) {
			px[(y * 64 + x) * 4] = 0;
			px[(y * 64 + x) * 4 + 2] = 0xff;
		}
	}
	s = tg_encode_rect(TG_SIXEL, px, 64, 48, &right, 64, 96, 8, 6, &len,
	    &cause);
	assert_non_null(s);
	assert_non_null(strstr(s, "\"1;1;64;96"));
	p = strstr(s, "#0;2;");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "#0;2;%d;%d;%d", &r, &g, &b), 3);
	assert_int_equal(r, 0);
	assert_int_equal(g, 0);
	assert_in_range(b, 95, 100);
	assert_null(strstr(s, "#1;2;"));
	free(s);
	assert_null(tg_encode_rect(TG_KITTY, px, 64, 48, &out, 32, 48, 4, 3,
	    &len, &cause));
	assert_string_equal(cause, "32x48 at 40,0 is not in the 64x48 frame");
	free(cause);
	free(px);
}

/* A part of a scaled picture: its own pixels, at its own size. */
static void
test_termgfx_part(void **state)
{
	uint8_t	 rgb[20 * 10 * 3], dec[6 * 4 * 3];
	char	*s, *cause = NULL, *p, *end;
	size_t	 len, n = 0;
	int	 x, y, v[4], k;

	(void)state;
	/* Each pixel says where it is: R = x, G = y. */
	for (y = 0; y < 10; y++) {
		for (x = 0; x < 20; x++) {
			rgb[(y * 20 + x) * 3] = (uint8_t)x;
			rgb[(y * 20 + x) * 3 + 1] = (uint8_t)y;
			rgb[(y * 20 + x) * 3 + 2] = 7;
		}
	}
	s = tg_encode_part(TG_KITTY, rgb, 20, 10, 12, 5, 6, 4, 4301, &len,
	    &cause);
	assert_non_null(s);
	/* No cells given: kitty draws it pixel for pixel. */
	assert_memory_equal(s, "\033_Ga=T,f=24,s=6,v=4,i=4301,C=1,q=2,m=0;",
	    strlen("\033_Ga=T,f=24,s=6,v=4,i=4301,C=1,q=2,m=0;"));
	p = strchr(s, ';') + 1;
	end = strstr(p, "\033\\");
	assert_non_null(end);
	for (; p < end; p += 4) {
		for (k = 0; k < 4; k++)
			v[k] = p[k] == '=' ? 0 : b64val(p[k]);
		dec[n++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
		if (p[2] != '=')
			dec[n++] = (uint8_t)(v[1] << 4 | v[2] >> 2);
		if (p[3] != '=')
			dec[n++] = (uint8_t)(v[2] << 6 | v[3]);
	}
	assert_int_equal(n, sizeof dec);
	for (y = 0; y < 4; y++) {
		for (x = 0; x < 6; x++) {
			assert_int_equal(dec[(y * 6 + x) * 3], 12 + x);
			assert_int_equal(dec[(y * 6 + x) * 3 + 1], 5 + y);
		}
	}
	free(s);

	/* Sixel: the part's size in the raster attributes. */
	s = tg_encode_part(TG_SIXEL, rgb, 20, 10, 2, 4, 8, 6, 0, &len, &cause);
	assert_non_null(s);
	assert_non_null(strstr(s, "\"1;1;8;6"));
	free(s);

	/* Beyond the picture: refused, with the sizes. */
	assert_null(tg_encode_part(TG_KITTY, rgb, 20, 10, 16, 0, 6, 4, 1, &len,
	    &cause));
	assert_string_equal(cause, "6x4 at 16,0 is not in the 20x10 picture");
	free(cause);
}

static void
test_termgfx_base64_and_osc52(void **state)
{
	char	*s;

	(void)state;
	s = tg_base64("", 0);
	assert_string_equal(s, "");
	free(s);
	s = tg_base64("f", 1);
	assert_string_equal(s, "Zg==");
	free(s);
	s = tg_base64("foob", 4);
	assert_string_equal(s, "Zm9vYg==");
	free(s);
	s = tg_base64("foobar", 6);
	assert_string_equal(s, "Zm9vYmFy");
	free(s);
	s = tg_osc52("hi\n");
	assert_string_equal(s, "\033]52;c;aGkK\007");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_termgfx_scale_averages),
		cmocka_unit_test(test_termgfx_base64_and_osc52),
		cmocka_unit_test(test_termgfx_sixel_shape),
		cmocka_unit_test(test_termgfx_kitty_shape),
		cmocka_unit_test(test_termgfx_nothing_to_draw),
		cmocka_unit_test(test_termgfx_scale_rect),
		cmocka_unit_test(test_termgfx_encode_rect),
		cmocka_unit_test(test_termgfx_part),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
